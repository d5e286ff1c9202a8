/**
 * Transactions that make no dialog (OPTIONS keepalives, REGISTER refreshes; RFC 3261 10, 11):
 * once answered, their Call-ID's summary is forgotten and its messages are counted as unrelated,
 * so the dialogs whose state a flow derives values from stay kept however many keepalives a
 * capture holds between a session's INVITE and its release.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import { ingestCapture } from '../../generator/capture/index.js';
import { ConformanceChecker } from '../../generator/conformance/engine.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { observedFromIngest } from '../../generator/conformance/observed.js';
import type { ConformanceReport } from '../../generator/conformance/report.js';
import { loadExpected } from './figure16-helpers.js';
import { writeEncapsulated } from './helpers/encapsulations.js';
import { getHeader, messageOf, setHeader } from './helpers/seed-flows.js';
import { addressesFor, scenariosOf, synthesizeScenario } from './helpers/seed-scenarios.js';

const FLOW = 'flows/ims/scscf-release-calling.flow.yaml';
const ESTABLISH = 'flows/ims/establish-session.flow.yaml';
const T0 = 1_700_000_000_000_000_000n;
/** Fewer dialogs kept waiting than the capture has keepalive transactions. */
const MAX_PENDING = 20;
const KEEPALIVES = 60;

let expected: ExpectedFlow;
let precondition: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected(FLOW);
  precondition = await loadExpected(ESTABLISH);
});

/**
 * The session's establishment, then `KEEPALIVES` transactions of `method` (each its own Call-ID,
 * between two hosts of no flow), then the S-CSCF's release of the session.
 */
function capture(method: 'OPTIONS' | 'REGISTER' | 'MESSAGE', cseqOffset: number): SynthMessage[] {
  const first = scenariosOf(expected)[0];
  if (!first) throw new Error('no scenario');
  const all = synthesizeScenario(expected, first, addressesFor(expected), 0, T0, 'udp', {
    expected: precondition,
  });
  const established = all.filter((m) => m.step.startsWith('precondition:'));
  const release = all.filter((m) => !m.step.startsWith('precondition:'));
  const one = messageOf(release, '1');
  const [n = '0', cseqMethod = ''] = getHeader(one, 'CSeq').split(/\s+/);
  setHeader(one, 'CSeq', `${Number(n) + cseqOffset} ${cseqMethod}`);
  const last = established[established.length - 1];
  if (!last) throw new Error('no precondition');
  const a = { address: '127.0.9.1', port: 5060 };
  const b = { address: '127.0.9.2', port: 5060 };
  const keepalives: SynthMessage[] = [];
  for (let i = 0; i < KEEPALIVES; i++) {
    const timeNs = last.packet.timeNs + 1_000_000n + BigInt(i) * 1_000n;
    const common =
      `Via: SIP/2.0/UDP 127.0.9.1:5060;branch=z9hG4bK-ka-${i}\r\n` +
      `From: <sip:ka@127.0.9.1>;tag=ka${i}\r\n` +
      `Call-ID: keepalive-${i}@127.0.9.1\r\n` +
      `CSeq: 1 ${method}\r\n`;
    const request =
      `${method} sip:127.0.9.2 SIP/2.0\r\n${common}To: <sip:127.0.9.2>\r\n` +
      `Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    const response = `SIP/2.0 200 OK\r\n${common}To: <sip:127.0.9.2>;tag=s${i}\r\nContent-Length: 0\r\n\r\n`;
    const packet = { ...last.packet, src: a, dst: b, timeNs };
    keepalives.push(
      { step: `ka:${i}`, packet, text: request },
      {
        step: `ka:${i}.ok`,
        packet: { ...packet, src: b, dst: a, timeNs: timeNs + 500n },
        text: response,
      },
    );
  }
  return [...established, ...keepalives, ...release];
}

async function check(msgs: readonly SynthMessage[], name: string): Promise<ConformanceReport> {
  const file = writeEncapsulated(msgs, 'udp', name);
  const checker = new ConformanceChecker(expected, {
    capture: name,
    maxPendingDialogs: MAX_PENDING,
  });
  for await (const e of ingestCapture(file)) {
    const o = observedFromIngest(e);
    if (o) checker.push(o);
  }
  return checker.finish();
}

function cseqDiffs(r: ConformanceReport): unknown[] {
  const step = r.instances[0]?.steps.find((s) => s.id === '1');
  return (step?.diffs ?? []).filter((d) => d.field === 'headers.CSeq');
}

describe('flowspec diff: transactions that make no dialog', () => {
  it.each(['OPTIONS', 'REGISTER'] as const)(
    'keeps the session’s dialog past more %s transactions than dialogs kept waiting',
    async (method) => {
      // TS 24.229 5.4.5.1.2: the S-CSCF's BYE carries the stored CSeq plus one.
      const good = await check(capture(method, 0), `dialogless-${method}-good`);
      expect(good.verdict).toBe('pass');
      // The establishment's messages are the released dialog's and not counted as unrelated.
      expect(good.unrelated).toBe(2 * KEEPALIVES);
      const bad = await check(capture(method, 7), `dialogless-${method}-bad`);
      expect(bad.verdict).toBe('fail');
      expect(cseqDiffs(bad)).toHaveLength(1);
    },
  );

  it('keeps a MESSAGE’s Call-ID waiting like any other (RFC 3428 allows it inside a dialog)', async () => {
    // The session's dialog is then one of more than MAX_PENDING waiting and is dropped first:
    // its stored CSeq is unknown and any number fits, as for a capture that starts mid-dialog.
    const bad = await check(capture('MESSAGE', 7), 'dialogless-MESSAGE-bad');
    expect(cseqDiffs(bad)).toHaveLength(0);
    // Dropped from those waiting, the establishment's messages are counted as unrelated.
    expect(bad.unrelated).toBe(2 * KEEPALIVES + precondition.wire.length);
  });
});
