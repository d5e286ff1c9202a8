/**
 * Sessions in flight (docs/diff.md, "Instances and dialogs"): an instance that still lacks a
 * mandatory step is finished early only when more than `--in-flight` are open at once, never
 * for the capture's rate; complete instances are the ones `maxOpenInstances` bounds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestCapture } from '../../generator/capture/index.js';
import { ConformanceChecker, type ConformanceOptions } from '../../generator/conformance/engine.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { reportText } from '../../generator/conformance/format.js';
import { observedFromIngest } from '../../generator/conformance/observed.js';
import type { ConformanceReport } from '../../generator/conformance/report.js';
import { cli, FIGURE_16, interleaved, loadExpected, writeCapture } from './figure16-helpers.js';

/** Sessions 100 µs apart, each 10 ms long: about 100 in flight at once. */
const SESSIONS = 100;

let expected: ExpectedFlow;
let capture: string;
beforeAll(async () => {
  expected = await loadExpected();
  capture = writeCapture(interleaved(expected, SESSIONS, 100_000n));
});

async function check(opts: ConformanceOptions): Promise<ConformanceReport> {
  const checker = new ConformanceChecker(expected, { capture, ...opts });
  for await (const e of ingestCapture(capture)) {
    const o = observedFromIngest(e);
    if (o) checker.push(o);
  }
  return checker.finish();
}

describe('flowspec diff: sessions in flight', () => {
  it('keeps every unfinished instance open however few complete ones are kept', async () => {
    const r = await check({ maxOpenInstances: 10 });
    expect(r.stats).toMatchObject({
      instances: SESSIONS,
      passing: SESSIONS,
      failing: 0,
      lateMessages: 0,
      finishedEarly: 0,
    });
    expect(r.verdict).toBe('pass');
  });

  it('finishes the oldest unfinished instances early past --in-flight, and says so', async () => {
    const r = await check({ maxInFlight: 20 });
    expect(r.verdict).toBe('fail');
    const early = r.stats['finishedEarly'] ?? 0;
    expect(early).toBeGreaterThan(0);
    // Each fails; a later dialog of one may start an instance of its own, which fails too.
    expect(r.stats['failing']).toBeGreaterThanOrEqual(early);
    // What a finished instance did not get is reported missing; its later messages are late.
    const failing = r.instances.filter((i) => i.verdict === 'fail');
    expect(failing.every((i) => i.steps.some((s) => s.status === 'missing'))).toBe(true);
    expect(r.stats['lateMessages']).toBeGreaterThan(0);
    expect(reportText(r)).toContain(
      `${early} instance(s) finished early: more sessions were in flight at once than --in-flight keeps open`,
    );
  });

  it('takes --in-flight on the command line, a whole number above 0', async () => {
    const few = await cli(['diff', FIGURE_16, capture, '--in-flight', '20']);
    expect(few.code).toBe(1);
    expect(few.out).toMatch(/\d+ instance\(s\) finished early/);
    const enough = await cli(['diff', FIGURE_16, capture, '--in-flight', '200']);
    expect(enough.code).toBe(0);
    for (const bad of ['0', '2.5', 'many']) {
      const r = await cli(['diff', FIGURE_16, capture, '--in-flight', bad]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--in-flight takes a whole number of sessions above 0, not ${bad}`);
    }
  });
});
