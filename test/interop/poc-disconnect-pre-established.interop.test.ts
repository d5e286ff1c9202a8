/**
 * Issue 8 item 1, OMA PoC: Figure 19 (the Controlling PoC Server
 * disconnecting a PoC Participant connected through its Pre-established
 * Session) with the generated PoC Servers under `flowspec run --commands`, a
 * Kamailio per SIP/IP Core, SIPp as PoC Client B's SIP and the runtime's
 * MBCP endpoint as its user plane. The capture must pass `flowspec diff`
 * against Figure 19 and against its precondition
 * (poc.establish.terminating.pre-established) with the topology as the map;
 * the servers must end with nothing open and exit 0 on SIGTERM. The capture,
 * the topology and the reports are kept in
 * test-output/interop/poc-disconnect-pre-established/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import { liveProcesses, REPO_ROOT, runFlowspec, tsharkSip } from './harness/index.js';
import {
  DISCONNECT_PRE_FLOW,
  ESTABLISH_PRE_FLOW,
  PRE_HOSTS,
  runPocDisconnectPre,
  type PocDisconnectPreRun,
} from './poc-disconnect-pre-established-run.js';

/** Diffs the capture against a flow with the topology as the map; keeps the reports. */
async function diff(
  run: PocDisconnectPreRun,
  flow: string,
  label: string,
): Promise<{ exitCode: number; report: ConformanceReport; text: string }> {
  const args = ['diff', join(REPO_ROOT, flow), run.capture, '--map', run.topology];
  const text = await runFlowspec(args);
  const json = await runFlowspec([...args, '--format', 'json']);
  writeFileSync(join(run.dir, `diff-${label}.txt`), text.stdout);
  writeFileSync(join(run.dir, `diff-${label}.json`), json.stdout);
  expect(json.exitCode, text.stderr).toBe(text.exitCode);
  return {
    exitCode: text.exitCode,
    report: JSON.parse(json.stdout) as ConformanceReport,
    text: `${text.stdout}${text.stderr}`,
  };
}

describe('OMA PoC Figure 19: generated PoC Servers under flowspec run, Kamailio as SIP/IP Cores, SIPp and an MBCP endpoint as PoC Client B', () => {
  let run: PocDisconnectPreRun;

  beforeAll(async () => {
    run = await runPocDisconnectPre('poc-disconnect-pre-established');
  });

  afterAll(() => {
    expect(liveProcesses()).toEqual([]);
  });

  it('PoC Server X invites PoC Client B over its Pre-established Session and disconnects it, both 200', () => {
    expect(run.invited.statuses).toEqual([200]);
    expect(run.invited.callId).toBeDefined();
    expect(run.disconnected.statuses).toEqual([200]);
    expect(run.errors).toEqual([]);
  });

  it('PoC Client B acknowledges MBCP Connect and Disconnect from PoC Server B, within its Pre-established Session', () => {
    const serverB = run.block.host(PRE_HOSTS.serverB);
    const firsts = run.mbcp.filter((m) => m.note === 'first');
    expect(firsts.map((m) => `${m.direction} ${m.kind}`)).toEqual([
      // poc.establish.terminating.pre-established steps 11 and 12.
      'in Connect',
      'out Acknowledgement',
      // Figure 19 steps A and B.
      'in Disconnect',
      'out Acknowledgement',
    ]);
    // PoC Server B's MBCP endpoint is on its own address, at the port its SDP answer gave.
    for (const m of firsts) expect(m.remote.startsWith(`${serverB}:`)).toBe(true);
    expect(run.heldThroughDisconnect).toBe(true);
    expect(run.clientB.exitCode, run.clientB.log).toBe(0);
    expect(run.clientB.stats.successfulCalls).toBe(1);
    expect(run.clientB.stats.failedCalls).toBe(0);
  });

  it('the servers end with nothing open and exit 0 on SIGTERM', () => {
    expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
    expect(run.stopped.exitCode, run.stopped.log).toBe(0);
    expect(run.stopped.open).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
    expect(run.stopped.log).toContain('stopped: sockets closed');
  });

  it('every SIP message crosses the SIP/IP Cores as Figure 19 draws it (tshark)', async () => {
    const wire = await tsharkSip(run.capture);
    const at = (id: keyof typeof PRE_HOSTS): string => `${run.block.host(PRE_HOSTS[id])}:5060`;
    const line = (m: { src: string; dst: string }): string => `${m.src} -> ${m.dst}`;
    const byes = wire.filter((m) => m.method === 'BYE');
    expect(byes.map(line)).toEqual([
      // Figure 19 steps 2, 3, 4.
      `${at('serverX')} -> ${at('coreX')}`,
      `${at('coreX')} -> ${at('coreB')}`,
      `${at('coreB')} -> ${at('serverB')}`,
      // PoC Client B ends its Pre-established Session afterwards (not part of Figure 19).
      `${at('clientB')} -> ${at('coreB')}`,
      `${at('coreB')} -> ${at('serverB')}`,
    ]);
    // No SIP request reaches PoC Client B: the PoC Session comes and goes in MBCP; what it
    // receives are the responses of its own Pre-established Session.
    const own = wire.find((m) => m.method === 'INVITE' && m.src === at('clientB'))?.callId;
    const toClient = wire.filter((m) => m.dst === at('clientB'));
    expect(toClient.map((m) => [m.method, m.callId])).toEqual(toClient.map(() => ['', own]));
  });

  it('the capture passes flowspec diff against poc.disconnect.pre-established (Figure 19)', async () => {
    // The topology `flowspec run` started from is the map.
    const d = await diff(run, DISCONNECT_PRE_FLOW, 'disconnect');
    expect(d.exitCode, d.text).toBe(0);
    expect(d.report.verdict).toBe('pass');
    expect(d.report.instances).toHaveLength(1);
  });

  it('the capture passes flowspec diff against poc.establish.terminating.pre-established (its precondition)', async () => {
    const d = await diff(run, ESTABLISH_PRE_FLOW, 'establish');
    expect(d.exitCode, d.text).toBe(0);
    expect(d.report.verdict).toBe('pass');
    expect(d.report.instances).toHaveLength(1);
  });

  it('keeps the capture, the topology and the reports as artifacts', () => {
    expect(readFileSync(run.capture).length).toBeGreaterThan(1000);
    expect(readFileSync(run.topology, 'utf8')).toContain('session.kind: pre-established');
    const log = readFileSync(join(run.dir, 'poc-servers.log'), 'utf8');
    expect(log).toContain('serverB');
    // flowspec run logs the MBCP of the roles too: Figure 19 steps A and B at PoC Server B.
    expect(log).toMatch(/ serverB -> mbcp \S+ Disconnect\n/);
    expect(log).toMatch(/ serverB <- mbcp \S+ Acknowledgement\n/);
  });
});
