/**
 * Figure 16 through 5% loss and 25% reordering (lossy-roles-run.ts), every
 * run's release diffed alone against poc.leave.on-demand, and every diff
 * clean: exit 0, no finding at all.
 *
 * Regression test for F3 (docs/interop.md, Faults): a proxy relays each
 * transaction on its own (RFC 3261 16), so when R reorders, or loses and the
 * sender re-sends, what triggers two of its sends in different dialogs, it
 * sends them in the other order. The engine orders steps of different
 * dialogs only along causal edges (generator/conformance/expected.ts,
 * causalBefore): a relay after what it relays, an answer after its request,
 * a B2BUA's request after the trigger on its other leg as the flow draws it.
 */
import process from 'node:process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { netnsUnavailable, REPO_ROOT, runFlowspec } from '../harness/index.js';
import { runLossyRoles, type LossyRolesRun } from './lossy-roles-run.js';

const FLOW = join(REPO_ROOT, 'flows/poc/leave-on-demand.flow.yaml');
const unavailable = await netnsUnavailable();

it('can create network namespaces where CI runs the suite (root)', () => {
  if (process.env['CI'] && unavailable) expect.fail(unavailable);
});

/** Runs of the scenario, one after another on the same roles. */
const RUNS = 6;

describe.skipIf(unavailable !== undefined)('Figure 16 through 5% loss and 25% reordering', () => {
  let run: LossyRolesRun;

  beforeAll(async () => {
    run = await runLossyRoles({
      name: 'lossy-roles-order',
      impairment: { lossPercent: 5, reorderPercent: 25, delayMs: 5 },
      runs: RUNS,
    });
  });

  it('diffs every run clean (exit 0): reordering between dialogs is no deviation', async () => {
    expect(run.completed).toBe(RUNS);
    const failing: string[] = [];
    for (const file of run.releases) {
      const diff = await runFlowspec(['diff', FLOW, file, '--map', run.map]);
      if (diff.exitCode !== 0) failing.push(diff.stdout);
    }
    expect(failing).toEqual([]);
  });
});
