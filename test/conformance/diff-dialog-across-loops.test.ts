/**
 * A dialog opened in one loop and continued in another loop over the same list (docs/diff.md,
 * "Instances and dialogs"): OMA PoC CANCEL, 6.1.X.1, the race won by the 2xx. PoC Server X opens
 * `controllingLeg` towards each participant in step 2xx.5 (poc.establish.terminating.on-demand)
 * and releases it in Figure 16 step 12 (poc.disconnect.on-demand), both loops over
 * `session.participants`: iteration i of the release continues the dialog of iteration i of the
 * invitation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeInstance, type SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { cli, FIG16_LOOP_ADDRESSES, loadExpected, writeCapture } from './figure16-helpers.js';

const CANCEL = 'flows/poc/cancel-originating.flow.yaml';
const PF_BYE = 'flows/cpm/pf-bye-originating.flow.yaml';

interface JsonStep {
  id: string;
  status: string;
  frame: number | null;
}
interface JsonReport {
  verdict: string;
  instances: {
    verdict: string;
    steps: JsonStep[];
    unexpected: unknown[];
  }[];
  unrelated: number;
}

let cancel: ExpectedFlow;
beforeAll(async () => {
  cancel = await loadExpected(CANCEL);
});

/** The expected message of a step id ("2xx.1", "poc.disconnect.on-demand:2"). */
function step(expected: ExpectedFlow, id: string): ExpectedFlow['messages'][number] {
  const m = expected.messages.find((x) => x.id === id);
  if (!m) throw new Error(`no step ${id} in ${expected.flow.id}`);
  return m;
}

/**
 * One run of the CANCEL flow whose 2xx wins, with `participants` invited and released
 * (`policy.release` `release-all`, `session.kind` `on-demand`: the opt taken, the first operand
 * of every other alt). As the generated roles do, PoC Server X and PoC Server B release each
 * participant's legs in the dialogs they opened for it: a dialog of a loop is keyed by its name
 * and iteration, whatever group the expansion gives it.
 */
function race2xx(participants: number): SynthMessage[] {
  const race = step(cancel, '2xx.1').context.alts[0]?.split(':')[0] ?? '';
  const loopDialogs = new Map<number, string>();
  for (const m of cancel.messages)
    if (m.context.loop !== undefined && m.step.dialog !== undefined)
      loopDialogs.set(m.group, m.step.dialog);
  return synthesizeInstance(cancel, FIG16_LOOP_ADDRESSES, {
    instance: 0,
    startNs: 1_700_000_000_000_000_000n,
    stepNs: 1_000_000n,
    iterations: participants,
    choices: new Map([[race, 1]]),
    opts: true,
    dialogKey: (group, it) => {
      const name = loopDialogs.get(group);
      return name === undefined ? `group ${group}@${it}` : `${name}@${it}`;
    },
  });
}

async function diffJson(messages: readonly SynthMessage[]): Promise<JsonReport> {
  const r = await cli(['diff', CANCEL, writeCapture(messages), '--format', 'json']);
  return JSON.parse(r.out) as JsonReport;
}

/** The Call-ID of the message a frame of the capture holds (frames count from 1). */
function callIdAt(messages: readonly SynthMessage[], frame: number | null | undefined): string {
  const text = frame == null ? undefined : messages[frame - 1]?.text;
  return /^Call-ID:\s*(\S+)/im.exec(text ?? '')?.[1] ?? '';
}

describe('flowspec diff: a dialog continued from one loop into another over the same list', () => {
  it('makes one dialog of a dialog name used in two loops over the same list, per iteration', () => {
    const opened = step(cancel, 'poc.establish.terminating.on-demand:2');
    const released = step(cancel, 'poc.disconnect.on-demand:2');
    expect(opened.context.loop).not.toBe(released.context.loop);
    expect(released.group).toBe(opened.group);
    // PoC Server B's leg to PoC Client B likewise (Figure 18 steps 8-11).
    expect(step(cancel, 'poc.disconnect.on-demand:8').group).toBe(
      step(cancel, 'poc.establish.terminating.on-demand:5').group,
    );
    // Dialogs outside loops keep their own groups: PoC Client A's leg is not PoC Server B's.
    expect(step(cancel, '0.1').group).not.toBe(
      step(cancel, 'poc.establish.terminating.on-demand:5').group,
    );
  });

  it('keeps a dialog name in loops over different lists two dialogs (OMA CPM 8.2.2.3)', async () => {
    const pf = await loadExpected(PF_BYE);
    const lists = new Map<string, Set<number>>();
    for (const m of pf.messages) {
      if (m.step.dialog !== 'iwfLeg' || m.context.loop === undefined) continue;
      const groups = lists.get(m.context.loop) ?? new Set<number>();
      groups.add(m.group);
      lists.set(m.context.loop, groups);
    }
    // `session.iwfs` (item 4.a) and `session.otherIwfs` (item 6.b): one group per loop.
    expect(lists.size).toBe(2);
    const [a, b] = [...lists.values()].map((g) => [...g]);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a?.[0]).not.toBe(b?.[0]);
  });

  it('passes the race won by the 2xx with two participants, each release in its own dialog', async () => {
    const msgs = race2xx(2);
    const report = await diffJson(msgs);
    expect(report.unrelated).toBe(0);
    expect(report.instances).toHaveLength(1);
    const [inst] = report.instances;
    expect(inst?.unexpected).toEqual([]);
    expect(inst?.steps.filter((s) => s.status !== 'matched')).toEqual([]);
    expect(report.verdict).toBe('pass');
    const frame = (id: string): number | null | undefined =>
      inst?.steps.find((s) => s.id === id)?.frame;
    // Both participants' releases are there (Figure 18 step 11, iterations 1 and 2)...
    expect(frame('poc.disconnect.on-demand:11')).toBeGreaterThan(0);
    expect(frame('poc.disconnect.on-demand:11[2]')).toBeGreaterThan(0);
    // ...and each BYE is in the dialog its own participant's INVITE opened.
    for (const suffix of ['', '[2]']) {
      const invite = callIdAt(msgs, frame(`poc.establish.terminating.on-demand:2${suffix}`));
      const bye = callIdAt(msgs, frame(`poc.disconnect.on-demand:2${suffix}`));
      expect(bye).not.toBe('');
      expect(bye).toBe(invite);
    }
    expect(callIdAt(msgs, frame('poc.disconnect.on-demand:2'))).not.toBe(
      callIdAt(msgs, frame('poc.disconnect.on-demand:2[2]')),
    );
  });

  it('still passes the race won by the 2xx with one participant', async () => {
    const report = await diffJson(race2xx(1));
    expect(report.unrelated).toBe(0);
    expect(report.instances.map((i) => i.verdict)).toEqual(['pass']);
    expect(report.verdict).toBe('pass');
  });

  it.each([
    ['11@0', 'poc.disconnect.on-demand:11'],
    ['11@1', 'poc.disconnect.on-demand:11[2]'],
    ['5@1', 'poc.disconnect.on-demand:5[2]'],
  ])(
    'fails when release message %s is dropped, naming step and iteration (%s)',
    async (dropped, id) => {
      const msgs = race2xx(2).filter((m) => m.step !== `poc.disconnect.on-demand:${dropped}`);
      expect(msgs).toHaveLength(race2xx(2).length - 1);
      const report = await diffJson(msgs);
      expect(report.verdict).toBe('fail');
      expect(report.unrelated).toBe(0);
      expect(report.instances).toHaveLength(1);
      const [inst] = report.instances;
      expect(inst?.unexpected).toEqual([]);
      expect(
        inst?.steps.filter((s) => s.status !== 'matched').map((s) => [s.id, s.status]),
      ).toEqual([[id, 'missing']]);
    },
  );
});
