/**
 * Several runs of a flow with a loop in one capture (docs/diff.md, "Instances and dialogs"): a
 * loop's dialog joins the instance whose step it follows most recently, not the oldest open one.
 * OMA PoC Figure 16 step 12: PoC Server X releases each remaining participant (Figure 18, a loop
 * per participant, each release a dialog of its own), run after run on the same servers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeInstance, type SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import {
  cli,
  FIG16_LOOP_ADDRESSES,
  FIGURE_16,
  loadExpected,
  writeCapture,
} from './figure16-helpers.js';

interface JsonReport {
  verdict: string;
  instances: {
    verdict: string;
    steps: { id: string; status: string; frame: number | null }[];
    unexpected: unknown[];
    dialogs: { callId: string; steps: string[]; evidence: string }[];
  }[];
  unrelated: number;
}

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected();
});

/** `runs` runs of Figure 16 with step 12 taken for two participants, `gapNs` apart. */
function runs(count: number, gapNs: bigint): SynthMessage[] {
  const all: SynthMessage[] = [];
  for (let i = 0; i < count; i++)
    all.push(
      ...synthesizeInstance(expected, FIG16_LOOP_ADDRESSES, {
        instance: i,
        startNs: 1_700_000_000_000_000_000n + BigInt(i) * gapNs,
        stepNs: 1_000_000n,
        iterations: 2,
        opts: true,
      }),
    );
  return all.sort((a, b) =>
    a.packet.timeNs < b.packet.timeNs ? -1 : a.packet.timeNs > b.packet.timeNs ? 1 : 0,
  );
}

describe('flowspec diff: loops over several runs in one capture', () => {
  it('gives each run its own loop iterations when runs follow within the grace time', async () => {
    // One second apart: run 1 is complete, and kept open for late retransmissions, when run 2's
    // releases come.
    const msgs = runs(3, 1_000_000_000n);
    const r = await cli(['diff', FIGURE_16, writeCapture(msgs), '--format', 'json']);
    const report = JSON.parse(r.out) as JsonReport;
    expect(report.instances).toHaveLength(3);
    for (const [k, inst] of report.instances.entries()) {
      // Every dialog of an instance is a Call-ID of its own run ("<run>-<group>-<iteration>@...").
      expect(new Set(inst.dialogs.map((d) => d.callId.split('-')[0]))).toEqual(
        new Set([String(k)]),
      );
      // Two iterations per run (ids "…:2" and "…:2[2]"), no third.
      expect(inst.steps.filter((s) => s.id.includes('[3]'))).toEqual([]);
      expect(inst.steps.filter((s) => s.id.endsWith(':2[2]'))).toHaveLength(1);
      expect(inst.unexpected).toEqual([]);
      expect(inst.verdict).toBe('pass');
    }
    expect(r.code).toBe(0);
  });
});
