/**
 * What an MBCP step implies beyond its kind: OMA PoC Figure 19, steps A and B. The MBCP Media
 * Burst Acknowledgement of step B names the subtype of the MBCP Disconnect of step A; one that
 * acknowledges another message (the MBCP Connect of the session's establishment) is a mismatch
 * of that field, not a match.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { acknowledgedStep } from '../../generator/conformance/mbcp-values.js';
import { decodeMbcp, encodeMbcp, type MbcpMessage } from '../../runtime/mbcp/index.js';
import { loadExpected, writeCapture } from './figure16-helpers.js';
import { diffJson, messageOf } from './helpers/seed-flows.js';
import {
  addressesFor,
  participantsOf,
  scenariosOf,
  synthesizeScenario,
} from './helpers/seed-scenarios.js';
import type { PcapEndpoint } from '../../runtime/trace/pcap-writer.js';

const FIGURE_19 = 'flows/poc/disconnect-pre-established.flow.yaml';

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected(FIGURE_19);
});

/** One conformant run of Figure 19 (first operands, opts taken). */
function run(
  addresses: ReadonlyMap<string, PcapEndpoint> = addressesFor(expected),
): SynthMessage[] {
  const scenario = scenariosOf(expected).find((s) => s.opts) ?? scenariosOf(expected)[0];
  if (!scenario) throw new Error('no scenario');
  return synthesizeScenario(expected, scenario, addresses, 0, 1_700_000_000_000_000_000n);
}

/** Every participant of Figure 19 (and each PoC Client B) on 127.0.0.1, on ports of its own. */
function oneHost(): Map<string, PcapEndpoint> {
  const out = new Map<string, PcapEndpoint>();
  let port = 5070;
  for (const p of participantsOf(expected)) {
    out.set(p, { address: '127.0.0.1', port: (port += 10) });
    if (expected.multiple.has(p))
      for (const it of [0, 1]) out.set(`${p}[${it}]`, { address: '127.0.0.1', port: (port += 10) });
  }
  return out;
}

/** The message with its MBCP payload replaced. */
function withMbcp(m: SynthMessage, edit: (msg: MbcpMessage) => MbcpMessage): SynthMessage {
  return { ...m, packet: { ...m.packet, payload: encodeMbcp(edit(decodeMbcp(m.packet.payload))) } };
}

describe('flowspec diff: MBCP values (OMA PoC Figure 19)', () => {
  it('knows which message each Acknowledgement step acknowledges', () => {
    const b = expected.messages.find((m) => m.id === 'B');
    expect(b).toBeDefined();
    expect(b && acknowledgedStep(expected, b)?.id).toBe('A');
    const a = expected.messages.find((m) => m.id === 'A');
    expect(a && acknowledgedStep(expected, a)).toBeUndefined();
  });

  it('passes Acknowledgements that name the MBCP Disconnect', async () => {
    const msgs = run();
    const acks = msgs.filter((m) => m.step.startsWith('B@'));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      const mbcp = decodeMbcp(ack.packet.payload);
      expect(mbcp.kind).toBe('Acknowledgement');
      // Disconnect (11) with the 0x10 bit it was sent with.
      expect(mbcp.kind === 'Acknowledgement' && mbcp.acknowledgedSubtype).toBe(0x1b);
    }
    const { code, report } = await diffJson(FIGURE_19, writeCapture(msgs));
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
  });

  it('tells participants on one host apart by their media ports, PoC Client B seen in MBCP only', async () => {
    const msgs = run(oneHost());
    // MBCP between media ports (the synthesised SIP port plus 2), SIP between SIP ports.
    const acks = msgs.filter((m) => m.step.startsWith('B@'));
    expect(acks.every((m) => m.packet.src.port % 10 === 2)).toBe(true);
    const { code, report } = await diffJson(FIGURE_19, writeCapture(msgs));
    expect(report.instances.map((i) => i.verdict)).toEqual(['pass']);
    expect(report.unrelated).toBe(0);
    expect(code).toBe(0);
    const mapping = (report as unknown as { mapping: Record<string, { addresses: string[] }> })
      .mapping;
    // The two PoC Client Bs by their media endpoints (127.0.0.1, media port = SIP port + 2).
    expect(mapping['clientB']?.addresses.length).toBe(2);
    expect(mapping['clientB']?.addresses.every((a) => /^127\.0\.0\.1:\d+2$/.test(a))).toBe(true);
  });

  it.each([
    ['B@0', 'B'],
    ['B@1', 'B[2]'],
  ])(
    'fails step B when %s, the Acknowledgement, comes from another port of that host (%s missing)',
    async (moved, missing) => {
      const msgs = run(oneHost());
      const ack = msgs.find((m) => m.step === moved);
      const edited = msgs.map((m) =>
        m === ack ? { ...m, packet: { ...m.packet, src: { ...m.packet.src, port: 7999 } } } : m,
      );
      const { code, report } = await diffJson(FIGURE_19, writeCapture(edited));
      expect(code).toBe(1);
      expect(report.unrelated).toBe(1);
      // The other participant's Acknowledgement keeps its iteration, whichever is missing.
      const bad = report.instances[0]?.steps.filter((s) => s.status !== 'matched');
      expect(bad?.map((s) => [s.id, s.status])).toEqual([[missing, 'missing']]);
    },
  );

  it.each([
    ['the MBCP Connect (15)', 0x1f, '15'],
    ['the MBCP Connect without the 0x10 bit', 0x0f, '15'],
    ['a Media Burst Release (4)', 0x14, '4'],
  ])('fails step B when its Acknowledgement names %s', async (_what, subtype, actual) => {
    const msgs = run();
    const ack = messageOf(msgs, 'B');
    const edited = msgs.map((m) =>
      m === ack
        ? withMbcp(m, (x) =>
            x.kind === 'Acknowledgement' ? { ...x, acknowledgedSubtype: subtype } : x,
          )
        : m,
    );
    const { code, report } = await diffJson(FIGURE_19, writeCapture(edited));
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(report.instances).toHaveLength(1);
    const bad = report.instances[0]?.steps.filter((s) => s.status !== 'matched');
    expect(bad?.map((s) => [s.id, s.status, s.diffs])).toEqual([
      [
        'B',
        'mismatch',
        [{ field: 'mbcp.acknowledgedSubtype', expected: '11 (Disconnect, step A)', actual }],
      ],
    ]);
  });
});
