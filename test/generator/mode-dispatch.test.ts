/**
 * Issue 6: a role's configured mode dispatches its reactions. Two flows whose reactions the role
 * cannot tell apart at run time, one drawing the mode and the other choosing it by a guard
 * (OMA CPM Figure 10 against 8.3.2.3 3.d), contradict unless one records which one wins.
 */
import { describe, expect, it } from 'vitest';
import { ContradictionError, mergeRoles } from '../../generator/projection/index.js';
import { loadForGeneration } from '../../generator/emit/generate-files.js';
import { planRole } from '../../generator/emit/role-plan.js';
import { planScenario } from '../../generator/emit/scenario-plan.js';
import { loadFixtures } from './fixture-flows.js';

const PARTICIPANTS = `
participants:
  pfA: { role: cpm-pf-originating, label: PF A }
  pfB: { role: cpm-pf-terminating, label: PF B__MODE__ }
  clientB: { role: cpm-client, label: Client B }
`;

/** Figure 10's order: PF B answers the BYE at once, then closes its leg to the client. */
const drawn = `id: t.drawn
title: BYE answered first
origin: project
${PARTICIPANTS.replace('__MODE__', ', mode: b2bua')}
steps:
  - id: "1"
    message: { sip: BYE, from: pfA, to: pfB }
  - id: "2"
    answers: "1"
    message: { sip: 200 OK, from: pfB, to: pfA }
  - id: "3"
    message: { sip: BYE, from: pfB, to: clientB }
  - id: "4"
    answers: "3"
    message: { sip: 200 OK, from: clientB, to: pfB }
`;

/** 8.3.2.3 3.d's order, under PF B's choice of the B2BUA mode: the 200 only after the client's. */
function chosen(extra = ''): string {
  return `id: t.chosen
title: BYE answered last
origin: project
${PARTICIPANTS.replace('__MODE__', '')}
steps:
  - alt:
      - guard: participant.mode == 'b2bua'
        steps:
          - id: from-other
            state: SIP BYE request sent by the other CPM entity
            at: pfB
          - id: "1"
            after: from-other
            message: { sip: BYE, from: pfA, to: pfB }
          - id: "2"
            message: { sip: BYE, from: pfB, to: clientB }
          - id: "3"
            answers: "2"
            message: { sip: 200 OK, from: clientB, to: pfB }
          - id: "4"
            answers: "1"
            message: { sip: 200 OK, from: pfB, to: pfA }
      - guard: participant.mode == 'proxy'
        steps:
          - id: "5"
            state: SIP BYE request sent by the other CPM entity
            at: pfB
    decidedBy: pfB
${extra}`;
}

describe('reactions told apart only by the configured mode', () => {
  it('are a contradiction naming both places when neither flow records which one wins', () => {
    const { flows, resolve } = loadFixtures([drawn, chosen()]);
    let error: unknown;
    try {
      mergeRoles(flows, resolve);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContradictionError);
    const c = error as ContradictionError;
    expect(c.role).toBe('cpm-pf-terminating');
    expect([c.first.flow, c.second.flow].sort()).toEqual(['t.chosen', 't.drawn']);
    expect(c.message).toMatch(/fixture\/f1\.flow\.yaml:\d+ \(t\.drawn, steps 1, 2, 3, 4\)/);
    expect(c.message).toMatch(/fixture\/f2\.flow\.yaml:\d+ \(t\.chosen, steps 1, 2, 3, 4\)/);
  });

  it('are accepted when one flow records the choice, and dispatched by the configured mode', () => {
    const recorded = chosen(`problems:
  - step: "4"
    problem: t.drawn answers the BYE before closing the client's leg; this flow answers after.
    choice: This flow's order wins when the mode is configured.
    reason: The procedure is normative.
`);
    const { flows, resolve } = loadFixtures([drawn, recorded]);
    const spec = mergeRoles(flows, resolve).find((s) => s.role === 'cpm-pf-terminating');
    if (!spec) throw new Error('no spec');
    const bye = planRole(spec).handlers.find((h) => h.method === 'BYE');
    expect(bye?.branches.map((b) => b.when)).toEqual([
      "f['participant.mode'] === 'b2bua'",
      undefined,
    ]);
  });
});

describe('the CPM Participating Functions of flows/ (OMA CPM 8.2.2.3, 8.3.2.3)', () => {
  it('start in the configured mode, and answer as the other CPM entity on a session of one leg', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const plans = mergeRoles(flows, resolve).map(planRole);
    const pfB = plans.find((p) => p.spec.role === 'cpm-pf-terminating');
    // Drawn without a mode as the other CPM entity, PF B answers the INVITE itself when its To
    // names it, and a BYE on that session of one leg before any branch of its own modes.
    expect(pfB?.answersOnlyWhenCalled).toBe(true);
    expect(pfB?.handlers.find((h) => h.method === 'BYE')?.branches[0]?.when).toBe(
      'this.otherLeg(incoming) === undefined',
    );
    const flow = resolve('cpm.pf-bye.originating');
    if (!flow) throw new Error('no flow');
    const scenario = planScenario(flow, resolve, plans);
    const modes = (mode: string): (string | undefined)[] =>
      scenario.cases
        .filter((c) => c.facts['participant.mode'] === mode)
        .map((c) => c.roles.find((r) => r.participant === 'pfA')?.mode);
    expect(new Set(modes('proxy'))).toEqual(new Set(['proxy']));
    expect(new Set(modes('b2bua'))).toEqual(new Set(['b2bua']));
    // PF B is the other CPM entity in every case: no mode of its own.
    expect(
      scenario.cases.every((c) => c.roles.find((r) => r.participant === 'pfB')?.mode === undefined),
    ).toBe(true);
    // In proxy mode PF A relays the BYE with the service control Figure 9 gives it first.
    const proxy = scenario.cases.find((c) => c.facts['participant.mode'] === 'proxy');
    expect(proxy?.actions).toEqual(['pfA service-control']);
  });
});
