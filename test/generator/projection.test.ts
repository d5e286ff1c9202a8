/**
 * Projection and merging, text in and text out: fixture flows projected
 * onto each participant, merged per role, contradictions reported with both
 * places, recorded choices accepted; then the real flows of flows/.
 */
import { describe, expect, it } from 'vitest';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import {
  ContradictionError,
  formatProjection,
  formatRoleSpec,
  mergeRoles,
  projectFlow,
} from '../../generator/projection/index.js';
import { reactionsOf } from '../../generator/projection/merge-roles.js';
import { byeFlow, loadFixtures } from './fixture-flows.js';

describe('projectFlow', () => {
  it('keeps the events of one lifeline in order, with peers and relays', () => {
    const { flows, resolve } = loadFixtures([byeFlow('t.bye', '200 OK')]);
    const flow = flows[0];
    if (!flow) throw new Error('no flow');
    expect(formatProjection(projectFlow(flow, 'proxy', resolve))).toBe(
      [
        't.bye @ proxy (sip-core, proxy)',
        '  1 receive BYE <- ue',
        '  2 send BYE (relay)',
        '  3 receive 200 <- ue',
        '  4 send 200 (relay)',
      ].join('\n'),
    );
    expect(formatProjection(projectFlow(flow, 'bob', resolve))).toBe(
      ['t.bye @ bob (ue)', '  2 receive BYE <- sip-core', '  3 send 200 -> sip-core'].join('\n'),
    );
  });

  it('marks guards the participant decides as local', () => {
    const text = byeFlow('t.opt', '200 OK').replace(
      '  - id: "3"',
      `  - opt:
      guard: policy.allowOfflineStorage
      steps:
        - id: "2a"
          action: store-session-history
          at: bob
    decidedBy: bob
  - id: "3"`,
    );
    const { flows, resolve } = loadFixtures([text]);
    const flow = flows[0];
    if (!flow) throw new Error('no flow');
    const bob = projectFlow(flow, 'bob', resolve);
    const action = bob.events.find((e) => e.step === '2a');
    expect(action?.guards).toEqual([
      expect.objectContaining({
        guard: 'policy.allowOfflineStorage',
        decidedBy: 'bob',
        local: true,
      }),
    ]);
    expect(formatProjection(bob)).toContain(
      '2a action store-session-history [policy.allowOfflineStorage]',
    );
  });
});

describe('reactionsOf', () => {
  /** alice invites bob, who rings and answers when his user accepts (or at once, without `accept`). */
  const inviteFlow = (accept: boolean): string => `id: t.answer
title: INVITE answered by the user
origin: project
participants:
  alice: { role: ue, label: Alice }
  bob: { role: ue, label: Bob }
steps:
  - id: "1"
    message: { sip: INVITE, from: alice, to: bob }
  - id: "2"
    answers: "1"
    message: { sip: 180 Ringing, from: bob, to: alice }
${accept ? '  - id: "3"\n    message: { indication: accept the call, to: bob }\n' : ''}  - id: "4"
    answers: "1"
    message: { sip: 200 OK, from: bob, to: alice }
  - id: "5"
    after: "4"
    message: { sip: ACK, from: alice, to: bob }
`;
  const bobReactions = (accept: boolean): string[] => {
    const { flows, resolve } = loadFixtures([inviteFlow(accept)]);
    const flow = flows[0];
    if (!flow) throw new Error('no flow');
    return reactionsOf(projectFlow(flow, 'bob', resolve), resolve).map(
      (r) => `${r.first.label}: ${r.events.map((e) => e.step).join(' ')}`,
    );
  };

  it('gives a response the user prompts to the indication, not to the request (RFC 3261 13.3.1.1)', () => {
    expect(bobReactions(true)).toEqual(['INVITE: 2', 'indication accept the call: 4', 'ACK: ']);
    // Without the user's indication the 200 is the INVITE handler's, as before.
    expect(bobReactions(false)).toEqual(['INVITE: 2 4', 'ACK: ']);
  });
});

describe('mergeRoles', () => {
  it('merges the same behaviour from two flows into one reaction naming both', () => {
    const { flows, resolve } = loadFixtures([
      byeFlow('t.one', '200 OK'),
      byeFlow('t.two', '200 OK'),
    ]);
    const ue = mergeRoles(flows, resolve).find((s) => s.role === 'ue');
    const text = ue ? formatRoleSpec(ue) : '';
    expect(text).toContain(
      'on receive BYE from served-client via sip-core dialogs={} mode=-  (t.one, t.two)',
    );
    expect(text).toContain('    3 send 200 -> sip-core');
  });

  it('reports two flows giving one trigger different answers, with both places and steps', () => {
    const { flows, resolve } = loadFixtures([byeFlow('t.ok', '200 OK'), byeFlow('t.busy', '486')]);
    let error: unknown;
    try {
      mergeRoles(flows, resolve);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContradictionError);
    const c = error as ContradictionError;
    expect(c.role).toBe('ue');
    expect(c.trigger).toBe('receive BYE from served-client via sip-core dialogs={} mode=-');
    expect([c.first.flow, c.second.flow].sort()).toEqual(['t.busy', 't.ok']);
    expect(c.message).toMatch(
      /fixture\/f1\.flow\.yaml:\d+ \(t\.ok, steps 2, 3\): send 200 -> sip-core/,
    );
    expect(c.message).toMatch(
      /fixture\/f2\.flow\.yaml:\d+ \(t\.busy, steps 2, 3\): send 486 -> sip-core/,
    );
  });

  it('accepts a contradiction that one flow records, as a variant of the other', () => {
    const recorded = byeFlow(
      't.busy',
      '486',
      `problems:
  - step: "3"
    problem: Bob answers 486 where t.ok answers 200.
    choice: This flow is the busy case; t.ok wins otherwise.
    reason: The user is busy.
`,
    );
    const { flows, resolve } = loadFixtures([byeFlow('t.ok', '200 OK'), recorded]);
    const ue = mergeRoles(flows, resolve).find((s) => s.role === 'ue');
    const bye = ue?.reactions.find(
      (r) => r.trigger.kind === 'receive' && r.trigger.label === 'BYE',
    );
    expect(bye?.flows).toEqual(['t.ok']);
    expect(bye?.variants.map((v) => [v.flow, v.reason])).toEqual([
      ['t.busy', expect.stringMatching(/^fixture\/f2\.flow\.yaml:\d+: This flow is the busy case/)],
    ]);
  });
});

describe('the flows of flows/', () => {
  it('merge without contradiction into the roles of the catalog', async () => {
    const set = await loadFlowSet(['flows']);
    const specs = mergeRoles([...set.index.values()], (id) => set.index.get(id));
    expect(specs.map((s) => s.role)).toEqual([
      'poc-client',
      'poc-server-participating',
      'poc-server-controlling',
      'sip-core',
      's-cscf',
      'ue',
      'cpm-client',
      'cpm-pf-originating',
      'cpm-pf-terminating',
      'iwf',
      'message-storage',
    ]);
    const server = specs.find((s) => s.role === 'poc-server-participating');
    const text = server ? formatRoleSpec(server) : '';
    // Figure 16 steps 3, 4, 6, 11 at PoC Server A: answer first, then release the other leg.
    expect(text).toContain(
      [
        '  on receive BYE from served-client via sip-core dialogs={clientLeg,serverLeg} mode=b2bua  (poc.leave.on-demand)',
        '    4 send 200 -> sip-core',
        '    6 send BYE -> sip-core',
        '    11 receive 200 <- sip-core',
      ].join('\n'),
    );
    // An INVITE PoC Server B answers as its own end (the Pre-established Session, and the
    // invitation over it) is a trigger of its own; the relayed INVITE keeps its key.
    const keys = server?.reactions.map((r) => r.key) ?? [];
    expect(keys).toContain(
      'receive INVITE from served-client via sip-core to=self dialogs={} mode=b2bua',
    );
    expect(keys).toContain(
      'receive INVITE from controlling-server via sip-core to=self dialogs={preEstablished} mode=b2bua',
    );
    expect(keys).toContain('receive INVITE from served-client via sip-core dialogs={} mode=b2bua');
    expect(text).toContain(
      [
        '  on receive INVITE from controlling-server via sip-core to=self dialogs={preEstablished} mode=b2bua  (poc.establish.terminating.pre-established)',
        '    11 send MBCP Connect -> poc-client',
        '    13 send 200 -> sip-core',
      ].join('\n'),
    );
    // OMA PoC CANCEL step 2xx.5 over a Pre-established Session: PoC Server B holds it from the ref
    // on (the precondition of poc.establish.terminating.pre-established), so the invitation over
    // it is the INVITE it answers itself.
    const overPre = server?.reactions.find(
      (r) =>
        r.flows.includes('poc.cancel.originating') &&
        r.first.flow === 'poc.establish.terminating.pre-established' &&
        r.first.step === '10',
    );
    expect(overPre?.key).toMatch(
      /^receive INVITE from controlling-server via sip-core to=self dialogs=\{[^}]*preEstablished[^}]*\} mode=b2bua$/,
    );
    // An entry point of its own flow keeps the key it has alone: the guard of the alt around the
    // ref (session.kind, decided by PoC Server X) is the caller's choice, not part of the trigger.
    const controlling = specs.find((s) => s.role === 'poc-server-controlling');
    const invites = controlling?.reactions.filter(
      (r) => r.first.flow === 'poc.establish.terminating.on-demand' && r.first.step === '1',
    );
    expect(invites?.every((r) => !r.key.includes('['))).toBe(true);
    expect(invites?.find((r) => r.flows.includes('poc.cancel.originating'))?.flows).toContain(
      'poc.establish.on-demand',
    );
    const client = specs.find((s) => s.role === 'poc-client');
    const invite = client?.reactions.find((r) => r.key.startsWith('receive INVITE'));
    // poc.cancel.terminating records PoC Client B ringing (manual answer) as its own case.
    expect(invite?.variants.map((v) => v.flow)).toEqual(['poc.cancel.terminating']);
  });
});
