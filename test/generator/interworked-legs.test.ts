/**
 * Issue 6: the interworked cases of the CPM Participating Function BYE procedures (OMA CPM
 * 8.2.2.3 items 4.a and 6, 8.3.2.3 items 3.b and 4): a B2BUA with a server leg per IWF, its
 * loop over those legs, the BYE from an IWF and the re-INVITE removing the IWF's streams.
 */
import { describe, expect, it } from 'vitest';
import { mergeRoles, projectFlowAll, reactionsOf } from '../../generator/projection/index.js';
import { loadForGeneration } from '../../generator/emit/generate-files.js';
import { planRole } from '../../generator/emit/role-plan.js';
import type { RolePlan } from '../../generator/emit/role-plan.js';
import { planScenario } from '../../generator/emit/scenario-plan.js';

async function plans(): Promise<{
  plans: RolePlan[];
  resolve: (id: string) => ReturnType<Awaited<ReturnType<typeof loadForGeneration>>['resolve']>;
}> {
  const { flows, resolve } = await loadForGeneration('flows');
  return { plans: mergeRoles(flows, resolve).map(planRole), resolve };
}

describe('interworked CPM Sessions at a B2BUA (OMA CPM 8.2.2.1, 8.2.2.3, 8.3.2.3)', () => {
  it('opens a server leg to each IWF of the case and counts them in session.iwfCount', async () => {
    const { plans: all, resolve } = await plans();
    for (const [id, pf] of [
      ['cpm.pf-bye.originating', 'pfA'],
      ['cpm.pf-bye.terminating', 'pfB'],
    ] as const) {
      const flow = resolve(id);
      if (!flow) throw new Error(`no flow ${id}`);
      const scenario = planScenario(flow, resolve, all);
      // In proxy mode the precondition interworks nothing (only a B2BUA has a leg per IWF).
      const b2bua = scenario.cases.filter((c) => c.facts['participant.mode'] === 'b2bua');
      const interworked = b2bua.filter((c) => c.facts['session.interworked'] === true);
      expect(interworked.length).toBeGreaterThan(0);
      for (const c of interworked) {
        const n = Number(c.facts['session.iwfCount']);
        expect([1, 2]).toContain(n);
        expect(c.legs[pf]).toEqual(Array.from({ length: n }, (_, i) => `iwf[${i}]`));
        expect(c.roles.filter((r) => r.participant === 'iwf')).toHaveLength(n);
      }
      // A BYE from an IWF is run over a session interworked to it, under both policies.
      const fromIwf = b2bua.filter((c) => c.facts['trigger.from'] === 'iwf');
      expect(new Set(fromIwf.map((c) => c.facts['policy.iwfRelease']))).toEqual(
        new Set(['close-sender-media', 'close-session']),
      );
      expect(fromIwf.every((c) => c.facts['session.interworked'] === true)).toBe(true);
      // With one IWF the session is closed whatever the policy (8.2.2.3 6.b "or ... a single IWF").
      for (const c of fromIwf)
        expect(c.actions.includes(`${pf} remove-media-streams`)).toBe(
          c.facts['session.iwfCount'] === 2 &&
            c.facts['policy.iwfRelease'] === 'close-sender-media',
        );
      // The non-interworked cases open no IWF leg.
      for (const c of scenario.cases.filter(
        (x) => x.facts['session.interworked'] !== true || x.facts['participant.mode'] === 'proxy',
      ))
        expect(c.legs).toEqual({});
      expect(scenario.skipped.filter((s) => s.includes('participant.mode=b2bua'))).toEqual([]);
    }
  });

  it('compiles the loop over IWF legs, the BYE from an IWF and the re-INVITE removing its streams', async () => {
    const { plans: all } = await plans();
    for (const role of ['cpm-pf-originating', 'cpm-pf-terminating']) {
      const plan = all.find((p) => p.spec.role === role);
      const bye = plan?.handlers.find((h) => h.method === 'BYE');
      const text = JSON.stringify(bye);
      expect(bye?.branches.some((b) => b.when?.includes("this.originOf(incoming) === 'iwf'"))).toBe(
        true,
      );
      expect(text).toContain('this.each(');
      expect(text).toContain('this.releaseOtherLeg(item.leg)');
      expect(text).toContain('this.removeLegStreams(incoming, other)');
      expect(
        plan?.table.filter((t) => t.flows.includes('pf-bye') && !t.executable).map((t) => t.note),
      ).toEqual([]);
    }
  });

  it('gives the IWF that sent BYE its 200 in the entry that sent it, after another IWF answered a BYE', async () => {
    const { resolve } = await loadForGeneration('flows');
    const flow = resolve('cpm.pf-bye.originating');
    if (!flow) throw new Error('no flow');
    const iwf = projectFlowAll(flow, resolve).find((p) => p.participant === 'iwf');
    if (!iwf) throw new Error('no projection of the IWF');
    const reactions = reactionsOf(iwf, resolve);
    const entry = reactions.find((r) => r.trigger.kind === 'start');
    expect(entry?.events.map((e) => e.step)).toContain('6.b.iv.send');
    const other = reactions.find((r) => r.first.step === '6.b.other-iwf');
    expect(other?.events.map((e) => e.step)).not.toContain('6.b.iv.send');
  });
});
