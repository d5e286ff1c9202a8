/**
 * Issue 8 item 3, faults: the generated roles of OMA PoC Figure 16 (and
 * Figure 18, which its release-all policy runs) in two network namespaces
 * the test creates, every hop through a router namespace that loses 1% or 5%
 * of the packets and reorders 25% in both directions (tc netem, or its
 * htb + cls_bpf equivalent where the kernel has no netem). Every run of the
 * scenario completes through the runtime's retransmissions (RFC 3261 17.1.1.2,
 * 17.1.2.2, 13.3.1.4) and leaves no state in any role; each run's release,
 * captured at the router's ingress, is one instance of poc.leave.on-demand
 * for `flowspec diff`, with every step matched, nothing unexpected, and
 * retransmissions counted (as many as tshark finds), not reported.
 *
 * The one finding left is the engine's: a proxy or B2BUA that relays two
 * messages of different dialogs in the other order, because the network
 * reordered (or lost and re-sent) what triggers them, is reported OUT OF
 * ORDER (faults/lossy-roles-order.pending.ts); the test accepts an ordering
 * finding only between steps of different dialogs (loss-findings.ts).
 *
 * Skipped only where `ip netns add` is not permitted (not root); in CI that
 * is a failure, not a skip.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../../generator/conformance/index.js';
import { retransmissionsCounted } from '../diff-findings.js';
import {
  countRetransmissions,
  liveProcesses,
  netnsUnavailable,
  REPO_ROOT,
  runCommand,
  runFlowspec,
  tsharkSip,
} from '../harness/index.js';
import { callIdsByFrame, reorderedAcrossDialogs, unexplainedFindings } from './loss-findings.js';
import { runLossyRoles, type LossyRolesProfile, type LossyRolesRun } from './lossy-roles-run.js';

const FLOW = join(REPO_ROOT, 'flows/poc/leave-on-demand.flow.yaml');

const unavailable = await netnsUnavailable();

it('can create network namespaces where CI runs the suite (root)', () => {
  if (process.env['CI'] && unavailable) expect.fail(unavailable);
  if (unavailable) console.warn(`fault tests skipped: ${unavailable}`);
});

const PROFILES: readonly LossyRolesProfile[] = [
  {
    name: 'lossy-roles-1pct',
    impairment: { lossPercent: 1, reorderPercent: 25, delayMs: 5 },
    runs: 6,
  },
  {
    name: 'lossy-roles-5pct',
    impairment: { lossPercent: 5, reorderPercent: 25, delayMs: 5 },
    runs: 6,
  },
];

/** The diff of one run's release. */
interface RunDiff {
  readonly file: string;
  readonly exitCode: number;
  readonly text: string;
  readonly report: ConformanceReport;
  readonly onWire: number;
  readonly callIdOf: ReadonlyMap<number, string>;
}

describe.skipIf(unavailable !== undefined).each(PROFILES)(
  'Figure 16 through $impairment.lossPercent% loss and $impairment.reorderPercent% reordering',
  (profile) => {
    let run: LossyRolesRun;
    const diffs: RunDiff[] = [];

    beforeAll(async () => {
      run = await runLossyRoles(profile);
      for (const file of run.releases) {
        const args = ['diff', FLOW, file, '--map', run.map];
        const text = await runFlowspec(args);
        const json = await runFlowspec([...args, '--format', 'json']);
        writeFileSync(file.replace(/\.pcapng$/, '.diff.txt'), text.stdout);
        const wire = await tsharkSip(file);
        diffs.push({
          file,
          exitCode: text.exitCode,
          text: text.stdout,
          report: JSON.parse(json.stdout) as ConformanceReport,
          onWire: countRetransmissions(wire),
          callIdOf: callIdsByFrame(wire),
        });
      }
      writeFileSync(
        join(run.dir, 'summary.json'),
        `${JSON.stringify(
          {
            profile,
            mechanism: run.applied.mechanism,
            qdisc: run.qdisc,
            completed: run.completed,
            failures: run.failures,
            leaks: run.leaks,
            resentByRoles: run.resentByRoles,
            diffs: diffs.map((d) => ({
              file: d.file.slice(run.dir.length + 1),
              exitCode: d.exitCode,
              retransmissionsOnWire: d.onWire,
              retransmissionsCountedByDiff: retransmissionsCounted(d.report),
              reorderedAcrossDialogs: reorderedAcrossDialogs(d.report, d.callIdOf),
            })),
          },
          null,
          2,
        )}\n`,
      );
    });

    afterAll(async () => {
      expect(liveProcesses()).toEqual([]);
      const left = await runCommand('ip', ['netns', 'list']);
      for (const ns of run?.namespaces ?? []) expect(left).not.toContain(ns);
    });

    it('completes every run through retransmissions and leaves no state in any role', () => {
      expect(run.failures).toEqual([]);
      expect(run.completed).toBe(profile.runs);
      expect(run.leaks).toEqual([]);
      // At 5% over some 800 packets through the router, none lost has a probability below 1e-15.
      if (profile.impairment.lossPercent >= 5) {
        expect(run.qdisc.towardsA.dropped + run.qdisc.towardsB.dropped).toBeGreaterThan(0);
        expect(run.resentByRoles).toBeGreaterThan(0);
      }
    });

    it('diffs each release as one instance of poc.leave.on-demand: every step there, nothing unexpected, retransmissions counted', () => {
      expect(diffs).toHaveLength(profile.runs);
      for (const d of diffs) {
        expect(d.report.instances, d.text).toHaveLength(1);
        expect(d.report.unrelated, d.text).toBe(0);
        expect(unexplainedFindings(d.report, d.callIdOf), d.text).toEqual([]);
        expect(retransmissionsCounted(d.report), d.text).toBe(d.onWire);
      }
      if (profile.impairment.lossPercent >= 5)
        expect(diffs.reduce((n, d) => n + d.onWire, 0)).toBeGreaterThan(0);
    });
  },
);
