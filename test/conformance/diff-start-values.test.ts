/**
 * Which messages start an instance (docs/diff.md, "Instances and dialogs"): not one that carries
 * a value contradicting a normative value of the flow's first step. OMA PoC Figure 17: the
 * leaving REFER has `method=BYE` in its Refer-To; the REFER that joined the PoC Session through
 * the same Pre-established Session (poc.establish.pre-established) has no method there, and is
 * no run of Figure 17. A message that only lacks a value starts an instance that deviates.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { cli, interleaved, loadExpected, writeCapture } from './figure16-helpers.js';

const FIGURE_17 = 'flows/poc/leave-pre-established.flow.yaml';

interface JsonReport {
  verdict: string;
  instances: {
    verdict: string;
    firstFrame?: number;
    steps: { id: string; status: string; frame: number | null }[];
    unexpected: unknown[];
  }[];
  unrelated: number;
}

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected(FIGURE_17);
});

/** The REFER exchange of run 0 made a joining one: no `method=BYE`, no Privacy, no BYE. */
function joinThenLeave(): { msgs: SynthMessage[]; joining: number } {
  // Two runs one second apart: run 0 becomes the joining REFER, run 1 is the leaving one.
  const all = interleaved(expected, 2, 1_000_000_000n);
  const joiningSteps = new Set(['2@0', '3@0', '4@0', '5@0', '16@0', '17@0', '18@0', '19@0']);
  const msgs: SynthMessage[] = [];
  let joining = 0;
  for (const m of all) {
    const run0 = m.text.includes('Call-ID: 0-');
    if (run0 && !joiningSteps.has(m.step)) continue;
    if (run0) {
      joining++;
      m.text = m.text.replace(';method=BYE', '').replace(/Privacy: id\r\n/, '');
    }
    msgs.push(m);
  }
  return { msgs, joining };
}

async function diff(msgs: readonly SynthMessage[]): Promise<{ code: number; report: JsonReport }> {
  const r = await cli(['diff', FIGURE_17, writeCapture(msgs), '--format', 'json']);
  return { code: r.code, report: JSON.parse(r.out) as JsonReport };
}

describe('flowspec diff: a first message that differs in a normative value starts no instance', () => {
  it('leaves the joining REFER unrelated and passes the leaving REFER of Figure 17', async () => {
    const { msgs, joining } = joinThenLeave();
    expect(msgs[0]?.text).not.toContain('method=BYE');
    expect(msgs[0]?.text).not.toContain('Privacy:');
    const { code, report } = await diff(msgs);
    expect(code).toBe(0);
    expect(report.instances).toHaveLength(1);
    const inst = report.instances[0];
    expect(inst?.verdict).toBe('pass');
    // The leaving REFER's instance has every step of its own run, BYE (step 10) included.
    expect(inst?.steps.find((s) => s.id === '2')?.frame).toBe(joining + 1);
    expect(inst?.steps.find((s) => s.id === '10')?.status).toBe('matched');
    expect(report.unrelated).toBe(joining);
  });

  it('still starts an instance at a first message whose example values differ', async () => {
    const msgs = interleaved(expected, 1);
    const two = msgs.find((m) => m.step === '2@0');
    if (!two) throw new Error('no step 2');
    // The Request-URI's host and the Call-ID are the spec example's, not normative values.
    expect(two.text).toContain('Call-ID: 0-0-0@flowspec.test');
    const { code, report } = await diff(msgs);
    expect(code).toBe(0);
    expect(report.instances).toHaveLength(1);
  });

  it('starts an instance at a REFER that only lacks a normative value, and reports the step', async () => {
    const msgs = interleaved(expected, 1).map((m) =>
      m.step === '2@0' || m.step === '3@0'
        ? { ...m, text: m.text.replace(/Privacy: id\r\n/, '') }
        : m,
    );
    const { code, report } = await diff(msgs);
    // A run of the flow without Privacy: a deviation at steps 2 and 3, every other step matched.
    expect(code).toBe(1);
    expect(report.instances).toHaveLength(1);
    const steps = report.instances[0]?.steps ?? [];
    expect(steps.filter((s) => s.status !== 'matched').map((s) => [s.id, s.status])).toEqual([
      ['2', 'mismatch'],
      ['3', 'mismatch'],
    ]);
  });

  it('starts no instance at a REFER whose Refer-To asks for another method', async () => {
    const msgs = interleaved(expected, 1).map((m) =>
      m.step === '2@0' || m.step === '3@0'
        ? { ...m, text: m.text.replace(';method=BYE', ';method=INVITE') }
        : m,
    );
    const { code, report } = await diff(msgs);
    expect(code).toBe(1);
    expect(report.instances).toHaveLength(0);
  });

  it('lists such a message in JUnit XML too, with the capture counts as properties', async () => {
    const { msgs, joining } = joinThenLeave();
    const r = await cli(['diff', FIGURE_17, writeCapture(msgs), '--format', 'junit']);
    expect(r.code).toBe(0);
    const capture = /<testsuite name="poc\.leave\.pre-established capture"[^]*?<\/testsuite>/.exec(
      r.out,
    )?.[0];
    expect(capture).toBeDefined();
    expect(capture).toContain('tests="0" failures="0"');
    expect(capture).toContain('<property name="instances" value="1"/>');
    expect(capture).toContain(`<property name="unrelated" value="${joining}"/>`);
    expect(capture).toMatch(/<property name="notStarted" value="[1-9]\d*"\/>/);
    // The joining REFER, frame 1: why it started no instance, as the text report says it.
    expect(capture).toMatch(
      /<system-out>frame 1: REFER [^\n]* starts no instance: it differs from step 2 in a normative value\n {11}headers\.Refer-To: expected/,
    );
    // The instance's own suite says how its dialogs were joined.
    expect(r.out).toMatch(/<system-out>dialog [^ ]+: starts the instance: REFER of step 2/);
  });
});
