/**
 * The generated S-CSCF and UEs over real UDP: a session set up through the
 * S-CSCF (ims.establish.session), then the network-internal release of
 * TS 24.229 5.4.5.1.2 for either served user. Every header of both BYEs is
 * checked by the conformance engine against the flow's derivations (stored
 * Contact, To, From, Call-ID, CSeq + 1, Reason); only Route differs, because
 * the flows draw no node between the S-CSCF and the users, so the stored
 * route set is empty and the BYEs rightly carry none, while the engine asks
 * for the header (the reason `flowspec generate` makes no test file of these
 * flows).
 */
import { describe, expect, it } from 'vitest';
import { startRole } from '../../generated/tests/role-starters.js';
import { runScenario } from '../../generated/tests/scenario-harness.js';

function scenario(flow: 'calling' | 'called'): Parameters<typeof runScenario>[0] {
  return {
    flowFile: `flows/ims/scscf-release-${flow}.flow.yaml`,
    roles: [
      { id: 'scscf', participant: 'scscf', role: 's-cscf' },
      { id: 'callingUe', participant: 'callingUe', role: 'ue' },
      { id: 'calledUe', participant: 'calledUe', role: 'ue' },
    ],
    outbound: {},
    served: {},
    nextHop: {},
    establish: [{ at: 'callingUe', entry: 'establishSession', to: 'calledUe', route: ['scscf'] }],
    trigger: [
      { at: 'scscf', entry: flow === 'calling' ? 'scscfReleaseCalling' : 'scscfReleaseCalled' },
    ],
    teardown: [],
    actions:
      flow === 'calling'
        ? ['scscf release-dialog-state', 'scscf service-control']
        : ['scscf release-dialog-state', 'scscf service-control'],
    facts: {},
    pcap: `test-output/generated/ims-scscf-release-${flow}.pcap`,
  };
}

describe.each(['calling', 'called'] as const)('S-CSCF serving the %s user', (flow) => {
  it('builds both BYEs from stored dialog state and releases all dialog state', async () => {
    const result = await runScenario(scenario(flow), startRole);
    expect(result.leaks).toEqual([]);
    // Items 1 and 4 go through service control; the last paragraph releases the dialog state.
    expect(result.actions).toEqual(scenario(flow).actions);
    const [instance] = result.report.instances;
    const steps = instance?.steps ?? [];
    expect(steps.map((s) => s.id).sort()).toEqual(
      flow === 'calling' ? ['1', '1.ok', '2', '2.ok'] : ['3', '3.ok', '4', '4.ok'],
    );
    // Every step was seen and conforms: the BYEs carry what 5.4.5.1.2 asks for (the route sets
    // stored towards the users are empty here, so no Route, which the diff does not judge).
    for (const s of steps) expect(s.frame, `${s.id}: ${result.text}`).not.toBeNull();
    const diffs = steps.flatMap((s) => s.diffs.map((d) => `${s.id} ${d.field} ${d.actual}`));
    expect(diffs, result.text).toEqual([]);
    expect(result.report.verdict, result.text).toBe('pass');
  });
});

describe('TS 24.229 5.4.5.1.2 header by header', () => {
  it('serving the calling user: Request-URI, To, From, Call-ID, CSeq and Reason from the stored dialog', async () => {
    const result = await runScenario(scenario('calling'), startRole);
    const requests = result.messages.filter((m) => m.kind === 'request');
    const invite = requests.find((m) => m.method === 'INVITE');
    const ok = result.messages.find(
      (m) =>
        m.kind === 'response' && m.status === 200 && /INVITE/.test(m.headers.get('CSeq') ?? ''),
    );
    const byes = requests.filter((m) => m.method === 'BYE');
    if (!invite || !ok || byes.length !== 2)
      throw new Error(`no INVITE, 200 or two BYEs: ${result.text}`);
    const uri = (v: string | undefined): string => /<([^>]+)>/.exec(v ?? '')?.[1] ?? '';
    const calledContact = uri(ok.headers.get('Contact'));
    const callingContact = uri(invite.headers.get('Contact'));
    const toCalled = byes.find((b) => b.kind === 'request' && b.requestUri === calledContact);
    const toCalling = byes.find((b) => b.kind === 'request' && b.requestUri === callingContact);
    // Item 1: towards the called user, To as in the 200 OK, From as in the INVITE, CSeq + 1.
    expect(toCalled?.headers.get('To')).toBe(ok.headers.get('To'));
    expect(toCalled?.headers.get('From')).toBe(invite.headers.get('From'));
    expect(toCalled?.headers.get('Call-ID')).toBe(invite.headers.get('Call-ID'));
    const inviteSeq = Number(/^\d+/.exec(invite.headers.get('CSeq') ?? '')?.[0]);
    expect(toCalled?.headers.get('CSeq')).toBe(`${inviteSeq + 1} BYE`);
    expect(toCalled?.headers.get('Reason')).toMatch(/^SIP *; *cause=[1-6][0-9][0-9]/);
    // Item 2: towards the calling user, To and From swapped, a CSeq of the other direction.
    expect(toCalling?.headers.get('To')).toBe(invite.headers.get('From'));
    expect(toCalling?.headers.get('From')).toBe(ok.headers.get('To'));
    expect(toCalling?.headers.get('Call-ID')).toBe(invite.headers.get('Call-ID'));
    const seq = Number(/^\d+/.exec(toCalling?.headers.get('CSeq') ?? '')?.[0]);
    expect(seq).toBeGreaterThanOrEqual(1);
    expect(seq).toBeLessThan(2 ** 31);
    expect(result.leaks).toEqual([]);
  });
});
