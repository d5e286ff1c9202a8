/**
 * An instance that has every mandatory step (docs/diff.md, "Instances and dialogs"): a new
 * request in one of its dialogs that no step of the flow takes finishes it and is placed like
 * any message outside it, while retransmissions and late responses still count as before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { cli, FIGURE_16, interleaved, loadExpected, writeCapture } from './figure16-helpers.js';

interface JsonReport {
  verdict: string;
  instances: {
    verdict: string;
    steps: { id: string; status: string; retransmissions: number }[];
    unexpected: { frame: number; summary: string }[];
  }[];
  unrelated: number;
}

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected();
});

async function diff(msgs: readonly SynthMessage[]): Promise<{ code: number; report: JsonReport }> {
  const r = await cli(['diff', FIGURE_16, writeCapture(msgs), '--format', 'json']);
  return { code: r.code, report: JSON.parse(r.out) as JsonReport };
}

function stepMessage(msgs: readonly SynthMessage[], step: string): SynthMessage {
  const m = msgs.find((x) => x.step === `${step}@0`);
  if (!m) throw new Error(`no step ${step}`);
  return m;
}

/**
 * A new transaction of PoC Client A in the dialog of step 2 (its BYE): an OPTIONS with the next
 * CSeq and a branch of its own, `afterNs` after the given message, and its 200 from Core A.
 */
function laterRequest(
  msgs: readonly SynthMessage[],
  after: SynthMessage,
  afterNs: bigint,
): SynthMessage[] {
  const bye = stepMessage(msgs, '2');
  const n = Number(/^CSeq: (\d+)/m.exec(bye.text)?.[1] ?? '1');
  const request = bye.text
    .replace(/^BYE /, 'OPTIONS ')
    .replace(/^CSeq: .*$/m, `CSeq: ${n + 1} OPTIONS`)
    .replace(/branch=([^;\r\n]+)/, 'branch=$1-options');
  const timeNs = after.packet.timeNs + afterNs;
  const answer = stepMessage(msgs, '5');
  const response = answer.text
    .replace(/^CSeq: .*$/m, `CSeq: ${n + 1} OPTIONS`)
    .replace(/branch=([^;\r\n]+)/, 'branch=$1-options');
  return [
    { step: 'later request', packet: { ...bye.packet, timeNs }, text: request },
    {
      step: 'later response',
      packet: {
        ...bye.packet,
        src: bye.packet.dst,
        dst: bye.packet.src,
        timeNs: timeNs + 1_000_000n,
      },
      text: response.replace(/^Call-ID: .*$/m, /^Call-ID: .*$/m.exec(bye.text)?.[0] ?? ''),
    },
  ];
}

describe('flowspec diff: a new request after an instance is complete', () => {
  it('finishes the instance: the request and its answer are unrelated, not unexpected', async () => {
    const msgs = interleaved(expected, 1);
    const last = msgs[msgs.length - 1];
    if (!last) throw new Error('no message');
    // One second after the last step: within the grace an instance is kept for retransmissions.
    const extra = laterRequest(msgs, last, 1_000_000_000n);
    const { code, report } = await diff([...msgs, ...extra]);
    expect(report.instances).toHaveLength(1);
    expect(report.instances[0]?.unexpected).toEqual([]);
    expect(report.instances[0]?.verdict).toBe('pass');
    expect(report.unrelated).toBe(2);
    expect(code).toBe(0);
  });

  it('still reports such a request as unexpected while the instance misses a step', async () => {
    const msgs = interleaved(expected, 1);
    const i11 = msgs.findIndex((m) => m.step === '11@0');
    const ten = msgs[i11 - 1];
    if (!ten) throw new Error('no message before step 11');
    const [request] = laterRequest(msgs, ten, 100_000n);
    if (!request) throw new Error('no request');
    msgs.splice(i11, 0, request);
    const { code, report } = await diff(msgs);
    expect(code).toBe(1);
    expect(report.instances[0]?.unexpected).toEqual([
      { frame: i11 + 1, summary: expect.stringMatching(/^OPTIONS /) as unknown },
    ]);
  });

  it('still counts retransmissions of a complete instance’s messages, late ones too', async () => {
    const msgs = interleaved(expected, 1);
    const last = msgs[msgs.length - 1];
    const two = stepMessage(msgs, '2');
    if (!last) throw new Error('no message');
    // The BYE of step 2 retransmitted (a request, but not a new one) and the last 200 again,
    // each within the grace after completion.
    const again = [
      {
        ...two,
        step: 'retransmission',
        packet: { ...two.packet, timeNs: last.packet.timeNs + 500_000_000n },
      },
      {
        ...last,
        step: 'retransmission',
        packet: { ...last.packet, timeNs: last.packet.timeNs + 1_000_000_000n },
      },
    ];
    const { code, report } = await diff([...msgs, ...again]);
    expect(code).toBe(0);
    const steps = report.instances[0]?.steps ?? [];
    expect(steps.find((s) => s.id === '2')?.retransmissions).toBe(1);
    expect(steps.find((s) => s.id === '11')?.retransmissions).toBe(1);
    expect(report.unrelated).toBe(0);
  });
});
