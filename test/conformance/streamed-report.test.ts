/**
 * Reports of any size: `flowspec diff` hands each finished instance's report
 * to a file on disk and writes the report from it piece by piece. The pieces
 * must add up, byte for byte, to the report built in memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestCapture } from '../../generator/capture/index.js';
import { ConformanceChecker, type ConformanceOptions } from '../../generator/conformance/engine.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import {
  instanceJsonText,
  reportChunks,
  reportJson,
  reportJsonAround,
  reportJunit,
  reportText,
} from '../../generator/conformance/format.js';
import { InstanceSpill, InstanceSpillError } from '../../generator/conformance/instance-spill.js';
import { observedFromIngest } from '../../generator/conformance/observed.js';
import type { ConformanceReport, InstanceReport } from '../../generator/conformance/report.js';
import { interleaved, loadExpected, writeCapture } from './figure16-helpers.js';

let expected: ExpectedFlow;
let capture: string;
beforeAll(async () => {
  expected = await loadExpected();
  // Five interleaved instances; the second misses step 9 and the fourth has another Privacy.
  const msgs = interleaved(expected, 5).filter(
    (m) => m.step !== '9@0' || !m.text.includes('Call-ID: 1-'),
  );
  const seven = msgs.find((m) => m.step === '7@0' && m.text.includes('Call-ID: 3-'));
  if (!seven) throw new Error('no step 7 in instance 4');
  seven.text = seven.text.replace('Privacy: id', 'Privacy: none');
  capture = writeCapture(msgs);
});

async function check(opts: ConformanceOptions): Promise<ConformanceReport> {
  const checker = new ConformanceChecker(expected, { capture: 'trace.pcap', ...opts });
  for await (const e of ingestCapture(capture)) {
    const o = observedFromIngest(e);
    if (o) checker.push(o);
  }
  return checker.finish();
}

/** The JSON report as one document, the way `reportJson` wrote it before it came in pieces. */
function wholeJson(r: ConformanceReport): string {
  const instances = r.instances.map((i) => ({
    verdict: i.verdict,
    steps: i.steps.map((s) => ({
      id: s.id,
      status: s.status,
      frame: s.frame,
      time: s.time,
      diffs: s.diffs,
      violates: s.violates,
      summary: s.summary,
      retransmissions: s.retransmissions,
    })),
    unexpected: i.unexpected,
    inside: i.inside,
    dialogs: i.dialogs,
  }));
  const { flow, capture: c, verdict, unrelated, notStarted, mapping, stats } = r;
  const doc = { flow, capture: c, verdict, instances, unrelated, notStarted, mapping, stats };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

describe('reports written piece by piece', () => {
  it('writes the JSON document JSON.stringify writes, with and without instances', async () => {
    const r = await check({});
    expect(r.instances.map((i) => i.verdict)).toEqual(['pass', 'fail', 'pass', 'fail', 'pass']);
    expect(reportJson(r)).toBe(wholeJson(r));
    const none: ConformanceReport = { ...r, instances: [] };
    expect(reportJson(none)).toBe(wholeJson(none));
    expect(JSON.parse(reportJson(none))).toMatchObject({ instances: [] });
  });

  it('gives from reports kept on disk the report built in memory, byte for byte', async () => {
    const inMemory = await check({});
    const asJson = new InstanceSpill();
    const asData = new InstanceSpill();
    try {
      const streamed = await check({
        onInstance: (i: InstanceReport) => {
          asJson.add(i.firstFrame, instanceJsonText(i));
          asData.add(i.firstFrame, JSON.stringify(i));
        },
      });
      expect(streamed.instances).toEqual([]);
      expect(asJson.size).toBe(5);
      expect(streamed.stats).toEqual(inMemory.stats);
      const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
      const stored = (): InstanceReport[] =>
        [...asData.ordered()].map((b) => JSON.parse(decode(b)) as InstanceReport);
      expect(stored()).toEqual(inMemory.instances);
      const json = [...reportJsonAround(streamed, asJson.ordered())];
      expect(json.map((p) => (typeof p === 'string' ? p : decode(p))).join('')).toBe(
        reportJson(inMemory),
      );
      const whole = { json: reportJson, junit: reportJunit, text: reportText } as const;
      for (const format of ['json', 'junit', 'text'] as const) {
        const pieces = [...reportChunks(format, streamed, stored())];
        expect(pieces.length).toBeGreaterThan(5);
        expect(pieces.join('')).toBe(whole[format](inMemory));
      }
    } finally {
      asJson.dispose();
      asData.dispose();
    }
  });

  it('reads the reports back in order of their first frame, whatever order they finished in', () => {
    const spill = new InstanceSpill();
    try {
      for (const f of [30, 10, 20, 5]) spill.add(f, `instance at ${f}: ü and "quotes"`);
      expect([...spill.ordered()].map((b) => new TextDecoder().decode(b))).toEqual(
        [5, 10, 20, 30].map((f) => `instance at ${f}: ü and "quotes"`),
      );
    } finally {
      spill.dispose();
    }
  });

  it('names the directory it cannot write to, rather than failing with a stack trace', () => {
    expect(() => new InstanceSpill('/nonexistent-flowspec-dir')).toThrow(InstanceSpillError);
    expect(() => new InstanceSpill('/nonexistent-flowspec-dir')).toThrow(
      /^\/nonexistent-flowspec-dir: cannot create a temporary directory for instance reports \(ENOENT/,
    );
  });
});
