/**
 * `flowspec diff` on captures of Figure 16 (OMA PoC, leaving an on-demand
 * session): conformant traffic passes, and each kind of deviation fails
 * naming the step.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { cli, FIGURE_16, interleaved, loadExpected, writeCapture } from './figure16-helpers.js';

interface JsonStep {
  id: string;
  status: string;
  frame: number | null;
  diffs: { field: string; expected: string; actual: string }[];
  violates: string | null;
  retransmissions: number;
}
interface JsonReport {
  verdict: string;
  instances: {
    verdict: string;
    steps: JsonStep[];
    unexpected: { frame: number; summary: string }[];
  }[];
  unrelated: number;
  mapping: Record<string, { addresses: string[]; source: string }>;
}

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected();
});

async function diffJson(
  messages: SynthMessage[],
  extra: string[] = [],
): Promise<{ code: number; report: JsonReport }> {
  const file = writeCapture(messages);
  const r = await cli(['diff', FIGURE_16, file, '--format', 'json', ...extra]);
  return { code: r.code, report: JSON.parse(r.out) as JsonReport };
}

const stepOf = (r: JsonReport, instance: number, id: string): JsonStep | undefined =>
  r.instances[instance]?.steps.find((s) => s.id === id);

describe('flowspec diff against Figure 16', () => {
  it('passes three interleaved conformant instances, each step matched with its frame', async () => {
    const { code, report } = await diffJson(interleaved(expected, 3));
    expect(code).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(report.instances).toHaveLength(3);
    for (const inst of report.instances) {
      expect(inst.steps.map((s) => s.id)).toEqual([
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
        '10',
        '11',
      ]);
      expect(inst.steps.every((s) => s.status === 'matched' && typeof s.frame === 'number')).toBe(
        true,
      );
    }
    // Instances interleave: the first frames of the three instances are 1, 2, 3.
    expect(report.instances.map((i) => i.steps[0]?.frame)).toEqual([1, 2, 3]);
    expect(report.mapping['serverX']).toMatchObject({
      addresses: ['127.0.0.5:5060'],
      source: 'inferred',
    });
  });

  it('reports a missing step', async () => {
    const msgs = interleaved(expected, 2).filter(
      (m) => m.step !== '9@0' || !m.text.includes('Call-ID: 1-'),
    );
    const { code, report } = await diffJson(msgs);
    expect(code).toBe(1);
    expect(report.instances[0]?.verdict).toBe('pass');
    expect(report.instances[1]?.verdict).toBe('fail');
    expect(stepOf(report, 1, '9')?.status).toBe('missing');
    expect(stepOf(report, 1, '9')?.frame).toBeNull();
  });

  it('reports a normative header that differs, with expected and actual', async () => {
    const msgs = interleaved(expected, 1);
    const seven = msgs.find((m) => m.step === '7@0');
    if (!seven) throw new Error('no step 7');
    seven.text = seven.text.replace('Privacy: id', 'Privacy: none');
    const { code, report } = await diffJson(msgs);
    expect(code).toBe(1);
    const s = stepOf(report, 0, '7');
    expect(s?.status).toBe('mismatch');
    expect(s?.diffs).toEqual([{ field: 'headers.Privacy', expected: 'id', actual: 'none' }]);
  });

  it('reports a response with the wrong status as a mismatch of that step', async () => {
    const msgs = interleaved(expected, 1);
    const nine = msgs.find((m) => m.step === '9@0');
    if (!nine) throw new Error('no step 9');
    nine.text = nine.text.replace('SIP/2.0 200 OK', 'SIP/2.0 481 Call/Transaction Does Not Exist');
    const { report } = await diffJson(msgs);
    const s = stepOf(report, 0, '9');
    expect(s?.status).toBe('mismatch');
    expect(s?.diffs[0]).toEqual({
      field: 'status',
      expected: '200',
      actual: '481 Call/Transaction Does Not Exist',
    });
  });

  it('reports a step out of order and the step it should follow', async () => {
    const msgs = interleaved(expected, 1);
    // PoC Server X answers (step 9) before the BYE reached it (step 8).
    const i8 = msgs.findIndex((m) => m.step === '8@0');
    const [nine] = msgs.splice(
      msgs.findIndex((m) => m.step === '9@0'),
      1,
    );
    if (!nine) throw new Error('no step 9');
    msgs.splice(i8, 0, nine);
    const { code, report } = await diffJson(msgs);
    expect(code).toBe(1);
    expect(stepOf(report, 0, '9')).toMatchObject({ status: 'out-of-order', violates: '8' });
  });

  it('with the client mapped, places a B2BUA leg opened too early and reports it out of order', async () => {
    const msgs = interleaved(expected, 1);
    // PoC Server A opens its other leg (step 6) before it received the BYE (step 3).
    const i3 = msgs.findIndex((m) => m.step === '3@0');
    const [six] = msgs.splice(
      msgs.findIndex((m) => m.step === '6@0'),
      1,
    );
    if (!six) throw new Error('no step 6');
    msgs.splice(i3, 0, six);
    const file = writeCapture(msgs);
    const map = join(dirname(file), 'map.yaml');
    writeFileSync(map, 'participants:\n  PoC Client A: 127.0.0.1:5061\n');
    const r = await cli(['diff', FIGURE_16, file, '--map', map, '--format', 'json']);
    expect(r.code).toBe(1);
    // Its trigger is the BYE it received (step 3, `after: "3"`), not its 200 on the client's leg
    // (step 4): across dialogs only causal edges order steps.
    expect(stepOf(JSON.parse(r.out) as JsonReport, 0, '6')).toMatchObject({
      status: 'out-of-order',
      violates: '3',
    });
  });

  it('passes a proxy that relays the other dialog first when the network held a message back (F3)', async () => {
    const msgs = interleaved(expected, 1);
    // PoC Server A sends 200 (step 4) then its BYE (step 6); the network holds the 200 back, and
    // SIP/IP Core A relays the BYE (step 7) before the 200 (step 5): RFC 3261 16, each
    // transaction on its own.
    const [five] = msgs.splice(
      msgs.findIndex((m) => m.step === '5@0'),
      1,
    );
    if (!five) throw new Error('no step 5');
    msgs.splice(msgs.findIndex((m) => m.step === '7@0') + 1, 0, five);
    const { code, report } = await diffJson(msgs);
    expect(report.instances[0]?.steps.map((s) => [s.id, s.status])).toEqual(
      ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11'].map((id) => [id, 'matched']),
    );
    expect(code).toBe(0);
  });

  it('passes a B2BUA that opens its other leg before answering on the first one', async () => {
    const msgs = interleaved(expected, 1);
    // PoC Server A sends its BYE (step 6) before its 200 (step 4): both follow the BYE it
    // received (step 3), neither the other.
    const [six] = msgs.splice(
      msgs.findIndex((m) => m.step === '6@0'),
      1,
    );
    if (!six) throw new Error('no step 6');
    msgs.splice(
      msgs.findIndex((m) => m.step === '4@0'),
      0,
      six,
    );
    const { code, report } = await diffJson(msgs);
    expect(report.instances[0]?.steps.every((s) => s.status === 'matched')).toBe(true);
    expect(code).toBe(0);
  });

  it('still reports a proxy that relays a BYE before it received it (within a dialog)', async () => {
    const msgs = interleaved(expected, 1);
    // SIP/IP Core A sends step 7 before PoC Server A's BYE (step 6) reached it.
    const [seven] = msgs.splice(
      msgs.findIndex((m) => m.step === '7@0'),
      1,
    );
    if (!seven) throw new Error('no step 7');
    msgs.splice(
      msgs.findIndex((m) => m.step === '6@0'),
      0,
      seven,
    );
    const { code, report } = await diffJson(msgs);
    expect(code).toBe(1);
    expect(stepOf(report, 0, '7')).toMatchObject({ status: 'out-of-order', violates: '6' });
  });

  it('does not count retransmissions as deviations', async () => {
    const msgs = interleaved(expected, 1);
    const two = msgs.find((m) => m.step === '2@0');
    if (!two) throw new Error('no step 2');
    msgs.splice(1, 0, { ...two, step: 'retransmission' }, { ...two, step: 'retransmission' });
    const { code, report } = await diffJson(msgs);
    expect(code).toBe(0);
    expect(stepOf(report, 0, '2')?.retransmissions).toBe(2);
  });

  it('tells a retransmission by its branch, however the Via parameter is written', async () => {
    const msgs = interleaved(expected, 1);
    const two = msgs.find((m) => m.step === '2@0');
    if (!two) throw new Error('no step 2');
    if (!/;branch=/.test(two.text)) throw new Error('step 2 has no branch');
    // RFC 3261 17.2.3: the same branch is the same transaction, whatever the case and spacing.
    const respelled = {
      ...two,
      step: 'retransmission',
      text: two.text.replace(';branch=', ' ; BRANCH = '),
    };
    // Another branch is another transaction, even with the same CSeq.
    const other = { ...two, step: 'other', text: two.text.replace(';branch=', ';branch=x') };
    msgs.splice(1, 0, respelled, other);
    const { report } = await diffJson(msgs);
    expect(stepOf(report, 0, '2')?.retransmissions).toBe(1);
  });

  it('reports an unexpected message inside the instance’s dialogs', async () => {
    const msgs = interleaved(expected, 1);
    const four = msgs.find((m) => m.step === '4@0');
    if (!four) throw new Error('no step 4');
    msgs.push({
      ...four,
      step: 'extra',
      text: four.text.replace('SIP/2.0 200 OK', 'SIP/2.0 500 Server Internal Error'),
    });
    const { code, report } = await diffJson(msgs);
    expect(code).toBe(1);
    expect(report.instances[0]?.unexpected).toEqual([
      { frame: msgs.length, summary: '500 Server Internal Error (BYE)' },
    ]);
  });

  it('counts traffic of other calls as unrelated', async () => {
    const msgs = interleaved(expected, 1);
    const two = msgs.find((m) => m.step === '2@0');
    if (!two) throw new Error('no step 2');
    const other = two.text
      .replace('BYE sip:', 'OPTIONS sip:')
      .replace('CSeq: 2 BYE', 'CSeq: 2 OPTIONS')
      .replace(/Call-ID: .*/, 'Call-ID: other@elsewhere');
    msgs.push({ ...two, step: 'other', text: other });
    const { code, report } = await diffJson(msgs);
    expect(code).toBe(0);
    expect(report.unrelated).toBe(1);
  });

  it('uses a map file by participant id and figure label, and rejects an unknown name with its line', async () => {
    const file = writeCapture(interleaved(expected, 1));
    const map = join(dirname(file), 'map.yaml');
    writeFileSync(map, 'participants:\n  clientA: 127.0.0.1:5061\n  "PoC Server X": 127.0.0.5\n');
    const ok = await cli(['diff', FIGURE_16, file, '--map', map, '--format', 'json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.out) as JsonReport;
    expect(report.mapping['serverX']).toMatchObject({ addresses: ['127.0.0.5'], source: 'map' });
    expect(report.mapping['clientA']).toMatchObject({
      addresses: ['127.0.0.1:5061'],
      source: 'map',
    });
    // With PoC Server X mapped elsewhere, its steps are not found: the diff fails.
    writeFileSync(map, 'participants:\n  serverX: 127.0.0.9\n');
    expect((await cli(['diff', FIGURE_16, file, '--map', map])).code).toBe(1);
    writeFileSync(map, 'participants:\n  clientA: 127.0.0.1\n  PoC Server Q: 127.0.0.5\n');
    const bad = await cli(['diff', FIGURE_16, file, '--map', map]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /map\.yaml:3:3: "PoC Server Q" is neither a participant id nor a label/,
    );
  });

  it('writes JUnit XML with one testcase per step and a failure for a missing one', async () => {
    const msgs = interleaved(expected, 1).filter((m) => m.step !== '10@0');
    const file = writeCapture(msgs);
    const r = await cli(['diff', FIGURE_16, file, '--format', 'junit']);
    expect(r.code).toBe(1);
    expect(r.out.match(/<testcase /g)).toHaveLength(10);
    expect(r.out).toMatch(
      /name="step 10: 200 OK coreX -&gt; coreA">\s*<failure message="missing">/,
    );
  });

  it('prints a ladder with one line per step', async () => {
    const file = writeCapture(interleaved(expected, 1));
    const r = await cli(['diff', FIGURE_16, file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}2 +BYE clientA -> coreA +ok \(frame 1\)$/m);
    expect(r.out).toMatch(/^PASS: 1 instance\(s\), 0 failing; 0 unrelated message\(s\)$/m);
  });

  it('exits 2 on unusable input: a missing capture, a file that is not a capture, an invalid flow', async () => {
    expect((await cli(['diff', FIGURE_16, '/nonexistent.pcap'])).code).toBe(2);
    const notPcap = writeCapture([]);
    writeFileSync(notPcap, 'this is not a capture');
    const r = await cli(['diff', FIGURE_16, notPcap]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/flowspec: .*trace\.pcap: /);
    const brokenFlow = join(dirname(notPcap), 'broken.flow.yaml');
    writeFileSync(brokenFlow, 'id: x.y\ntitle: t\nparticipants: {}\nsteps: []\n');
    expect((await cli(['diff', brokenFlow, notPcap])).code).toBe(2);
  });

  it('fails when no instance of the flow is in the capture', async () => {
    const r = await cli(['diff', FIGURE_16, writeCapture([])]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/no instance of the flow found/);
  });
});
