/**
 * The generated roles joining a PoC Session over a Pre-established Session and leaving it
 * (OMA PoC Figure 17 and its precondition `poc.establish.pre-established`), over real UDP on
 * 127.0.0.1: the PoC Client's REFERs about the Pre-established Session (method=INVITE, then
 * method=BYE), PoC Server A's server leg towards PoC Server X opened and released by them,
 * MBCP Connect over the Pre-established Session's media, and nothing held at the end.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startRole } from '../../generated/tests/role-starters.js';
import { runScenario } from '../../generated/tests/scenario-harness.js';
import type { RoleStarter, Scenario } from '../../generated/tests/scenario-harness.js';
import type { MbcpPacketRecord } from '../../runtime/mbcp/index.js';
import {
  getSubscriptionState,
  getTargetDialog,
  parseSipFrag,
} from '../../runtime/sip/message/index.js';
import type { SipMessage, SipRequest } from '../../runtime/sip/message/index.js';

const SCENARIO: Scenario = {
  flowFile: 'flows/poc/leave-pre-established.flow.yaml',
  roles: [
    { id: 'coreA', participant: 'coreA', role: 'sip-core', mode: 'proxy' },
    { id: 'coreX', participant: 'coreX', role: 'sip-core', mode: 'proxy' },
    { id: 'coreB[0]', participant: 'coreB', role: 'sip-core', mode: 'proxy' },
    { id: 'clientA', participant: 'clientA', role: 'poc-client' },
    { id: 'serverX', participant: 'serverX', role: 'poc-server-controlling' },
    { id: 'clientB[0]', participant: 'clientB', role: 'poc-client' },
    { id: 'serverA', participant: 'serverA', role: 'poc-server-participating', mode: 'b2bua' },
    {
      id: 'serverB[0]',
      participant: 'serverB',
      role: 'poc-server-participating',
      mode: 'b2bua',
    },
  ],
  outbound: { serverA: ['coreA', 'coreX'], 'serverB[0]': ['coreB[0]'] },
  served: { serverA: ['clientA'], 'serverB[0]': ['clientB[0]'] },
  nextHop: {},
  establish: [
    {
      at: 'clientA',
      entry: 'establishPreEstablished',
      to: 'serverA',
      route: ['coreA', 'serverA'],
      referTo: 'serverX',
    },
  ],
  trigger: [{ at: 'clientA', entry: 'leavePreEstablished' }],
  teardown: [{ at: 'clientA', entry: 'endSessions' }],
  actions: [],
  facts: { 'policy.release': 'continue', 'session.kind': 'on-demand' },
  pcap: 'test-output/generator/pre-established-refer.pcap',
};

/** Requests sent with this method, in order, UDP retransmissions (same top Via and CSeq) once. */
function requests(messages: readonly SipMessage[], method: string): SipRequest[] {
  const seen = new Set<string>();
  return messages.filter((m): m is SipRequest => {
    if (m.kind !== 'request' || m.method !== method) return false;
    const key = `${m.headers.getAll('Via')[0] ?? ''}|${m.headers.get('CSeq') ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('generated roles: REFER about the Pre-established Session (OMA PoC Figure 17 and its precondition)', () => {
  it('joins with REFER method=INVITE, connects over MBCP, leaves with REFER method=BYE and keeps the Pre-established Session until its own BYE', async () => {
    const uris = new Map<string, string>();
    const mbcp: MbcpPacketRecord[] = [];
    const start: RoleStarter = async (role, config) => {
      const started = await startRole(role, {
        ...config,
        onMbcp: (record) => {
          mbcp.push(record);
          config.onMbcp?.(record);
        },
      });
      uris.set(config.label, started.uri);
      return started;
    };
    const result = await runScenario(SCENARIO, start);
    expect(result.leaks).toEqual([]);
    const serverX = uris.get('serverX') ?? '';
    const serverA = uris.get('serverA') ?? '';
    // Sent by PoC Client A and relayed by SIP/IP Core A: each REFER twice.
    const refers = requests(result.messages, 'REFER');
    expect(refers.map((r) => r.headers.get('Refer-To'))).toEqual([
      `<${serverX};method=INVITE>`,
      `<${serverX};method=INVITE>`,
      `<${serverX};method=BYE>`,
      `<${serverX};method=BYE>`,
    ]);
    for (const refer of refers) expect(getTargetDialog(refer)?.remoteTag).toBeDefined();
    expect(refers[2]?.headers.get('Privacy')).toBe('id');
    // PoC Server A's INVITE towards PoC Server X (poc.establish.pre-established step 12).
    const invites = requests(result.messages, 'INVITE');
    expect(invites.some((i) => i.requestUri === serverX)).toBe(true);
    expect(invites.some((i) => i.requestUri === serverA)).toBe(true);
    // One NOTIFY for the join (steps 21-22), two for the leave (steps 6-7 and 16-17), each relayed.
    const notifies = requests(result.messages, 'NOTIFY').map((n) => ({
      state: getSubscriptionState(n)?.state,
      frag: parseSipFrag(n.body).startLine,
    }));
    expect(notifies).toEqual([
      { state: 'terminated', frag: 'SIP/2.0 200 OK' },
      { state: 'terminated', frag: 'SIP/2.0 200 OK' },
      { state: 'active', frag: 'SIP/2.0 100 Trying' },
      { state: 'active', frag: 'SIP/2.0 100 Trying' },
      { state: 'terminated', frag: 'SIP/2.0 200 OK' },
      { state: 'terminated', frag: 'SIP/2.0 200 OK' },
    ]);
    // Step 25-26: MBCP Connect over the Pre-established Session's media, acknowledged.
    const sent = mbcp.filter((p) => p.direction === 'out' && p.note === 'first');
    expect(sent.map((p) => p.message?.kind)).toEqual(['Connect', 'Acknowledgement']);
    // Beside the pcap, the map for `flowspec diff --map`: each participant's SIP and MBCP
    // addresses (PoC Server A sent the Connect, PoC Client A the Acknowledgement), and the facts.
    const map = parse(readFileSync(SCENARIO.pcap.replace(/\.pcap$/, '.map.yaml'), 'utf8')) as {
      participants: Record<string, string[]>;
      policies: Record<string, unknown>;
    };
    expect(map.policies).toEqual(SCENARIO.facts);
    expect(Object.keys(map.participants).sort()).toEqual(
      [...new Set(SCENARIO.roles.map((r) => r.participant))].sort(),
    );
    const at = (p: MbcpPacketRecord): string => `${p.local.address}:${p.local.port}`;
    expect(map.participants.serverA).toContain(at(sent[0] as MbcpPacketRecord));
    expect(map.participants.clientA).toContain(at(sent[1] as MbcpPacketRecord));
    // PoC Server A released only its leg towards PoC Server X; the BYE that ended the
    // Pre-established Session came after the check (teardown).
    expect(requests(result.messages, 'BYE').map((b) => b.requestUri)).toEqual([
      serverX,
      serverX,
      serverX,
      serverA,
      serverA,
    ]);
  }, 60_000);
});
