/**
 * Issue 6, finding B2: the header fields a step has its sender write, with a value an action
 * yields (`yields: uid`, `Message-UID: { is: var.uid }`, OMA CPM 8.2.2.3 4.c.ii) or under a
 * `when:` guard over the role's policies, go into the message the generated handler sends; the
 * value comes from the `onAction` hook or the role's stand-in; the generated test of each case
 * checks the field from the case's facts.
 */
import { describe, expect, it } from 'vitest';
import { loadForGeneration } from '../../generator/emit/generate-files.js';
import { previewFlow } from '../../generator/emit/preview.js';
import { planRole } from '../../generator/emit/role-plan.js';
import { planScenario } from '../../generator/emit/scenario-plan.js';
import { mergeRoles } from '../../generator/projection/index.js';
import {
  fillTemplate,
  FlowOrderError,
  GeneratedRole,
  listenSip,
  stepHeaders,
  type RoleEndpointConfig,
} from '../../generated/roles/role-support.js';
import type { SessionSnapshot } from '../../runtime/session/index.js';
import { loadFixtures } from './fixture-flows.js';

/** PF B stores the history when its policy says so and sends the UID in its BYE to the client. */
const storing = `id: t.store
title: BYE with the stored history's UID
origin: project
participants:
  pfA: { role: cpm-pf-originating, label: PF A }
  pfB: { role: cpm-pf-terminating, label: PF B, mode: b2bua }
  clientB: { role: cpm-client, label: Client B }
steps:
  - id: "1"
    message: { sip: BYE, from: pfA, to: pfB }
  - opt:
      guard: policy.allowOfflineStorage
      steps:
        - id: "2"
          action: store-session-history
          at: pfB
          yields: uid
    decidedBy: pfB
  - id: "3"
    message: { sip: BYE, from: pfB, to: clientB }
    headers:
      Message-UID: { is: var.uid, when: policy.allowOfflineStorage }
      Privacy: id
      Reason: { is: var.cause }
  - id: "4"
    answers: "3"
    message: { sip: 200 OK, from: clientB, to: pfB }
  - id: "5"
    answers: "1"
    message: { sip: 200 OK, from: pfB, to: pfA }
`;

describe('header fields a step has its sender write', () => {
  it('are written from the value the action yields, under the when: guard over the facts', () => {
    const { flows, resolve } = loadFixtures([storing]);
    const flow = flows[0];
    if (!flow) throw new Error('no flow');
    // The preview is ts-morph's text, before prettier.
    const pfB = previewFlow(flow, resolve).find((f) => f.path.endsWith('cpm-pf-terminating.ts'));
    const text = (pfB?.text ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('const vars: Record<string, string | undefined> = {};');
    expect(text).toContain(
      "vars['uid'] = this.act('store-session-history', 't.store', '2', 'uid');",
    );
    // Literals as they are, the UID under its guard; a variable no action yields (var.cause)
    // is not the role's to write.
    expect(text).toContain(
      "headers: stepHeaders('t.store', '3', [['Message-UID', vars['uid'], Boolean(f['policy.allowOfflineStorage'])], ['Privacy', 'id']])",
    );
    expect(text).not.toContain("'Reason'");
    // The guard of the field is one of the role's facts.
    expect(text).toMatch(/'policy\.allowOfflineStorage'\?: boolean;/);
  });

  it('are checked by the generated test of each case from its facts (flows/cpm)', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const plans = mergeRoles(flows, resolve).map(planRole);
    for (const [id, pf] of [
      ['cpm.pf-bye.originating', 'pfA'],
      ['cpm.pf-bye.terminating', 'pfB'],
    ] as const) {
      const flow = resolve(id);
      if (!flow) throw new Error(`no flow ${id}`);
      const cases = planScenario(flow, resolve, plans).cases;
      const checked = cases.filter((c) => c.headers.length > 0);
      expect(checked.length).toBeGreaterThan(0);
      for (const c of checked) {
        expect(c.facts['participant.mode']).toBe('b2bua');
        for (const h of c.headers) {
          expect(h.name).toBe('Message-UID');
          if (c.facts['policy.allowOfflineStorage'] === true)
            expect('yieldedAt' in h && h.yieldedAt.startsWith(`${pf} `)).toBe(true);
          else expect(h).toEqual({ step: h.step, name: 'Message-UID', absent: true });
        }
      }
      // A proxy relays what it gets: no field of its own to check.
      expect(
        cases.filter((c) => c.facts['participant.mode'] === 'proxy' && c.headers.length),
      ).toEqual([]);
    }
  });

  it('are written when their guard holds, and name the step when no action yielded the value', () => {
    expect(
      stepHeaders('f', '3', [
        ['Message-UID', '7', true],
        ['Privacy', 'id'],
        ['X-Off', undefined, false],
      ]),
    ).toEqual([
      ['Message-UID', '7'],
      ['Privacy', 'id'],
    ]);
    expect(() => stepHeaders('f', '3', [['Message-UID', undefined, true]])).toThrow(
      new FlowOrderError('f', '3', 'Message-UID: no value (no action yielded it)'),
    );
    expect(fillTemplate('${a};tag=${b}', { a: 'x', b: 'y' })).toBe('x;tag=y');
    expect(fillTemplate('${a};tag=${b}', { a: 'x' })).toBeUndefined();
  });
});

/** A generated role reduced to its actions, on a real transport. */
class ActingRole extends GeneratedRole<RoleEndpointConfig> {
  static async start(config: RoleEndpointConfig): Promise<ActingRole> {
    return new ActingRole(await listenSip(config), config);
  }

  get target(): never {
    throw new Error('not reached');
  }

  get uri(): string {
    return 'sip:acting@127.0.0.1';
  }

  snapshot(): SessionSnapshot {
    return { dialogs: 0, transactions: 0, sessions: 0 } as SessionSnapshot;
  }

  protected async stopCore(): Promise<void> {}

  take(action: string, step: string, yields?: string): string | undefined {
    return this.act(action, 'f', step, yields);
  }
}

describe('the value an action yields', () => {
  it("is the onAction hook's, else a stand-in counting the values the role yielded", async () => {
    const told: string[] = [];
    const role = await ActingRole.start({
      label: 'PF',
      address: '127.0.0.1',
      onAction: (a) => {
        told.push(`${a.action} ${a.step} ${a.yields ?? '-'}`);
        return a.step === 'given' ? 'uid-42' : undefined;
      },
    });
    try {
      expect(role.take('release-media-resources', 'r')).toBeUndefined();
      expect(role.take('store-session-history', 'given', 'uid')).toBe('uid-42');
      expect(role.take('store-session-history', 'own', 'uid')).toBe('2');
      expect(told).toEqual([
        'release-media-resources r -',
        'store-session-history given uid',
        'store-session-history own uid',
      ]);
      expect(role.actions.map((a) => a.value)).toEqual([undefined, 'uid-42', '2']);
    } finally {
      await role.close();
    }
  });
});
