/**
 * Hops inside one participant (docs/diff.md, "Hops inside a participant"): the procedure flows
 * leave the SIP/IP Cores out, and a map may list a Core's address with the participant it
 * serves; a message between two addresses of one participant is then neither a step nor
 * unexpected nor unrelated, and is counted and listed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import type { PcapEndpoint } from '../../runtime/trace/pcap-writer.js';
import { cli, FIGURE_16, interleaved, loadExpected, writeCapture } from './figure16-helpers.js';
import { addressesFor, scenariosOf, synthesizeScenario } from './helpers/seed-scenarios.js';

interface JsonReport {
  verdict: string;
  instances: {
    verdict: string;
    steps: { id: string; status: string }[];
    unexpected: { frame: number; summary: string }[];
    inside: { frame: number; participant: string; summary: string }[];
  }[];
  unrelated: number;
  stats: Record<string, number>;
}

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected();
});

/** PoC Server A's address in Figure 16's synthesised traces, and a proxy in front of it. */
const SERVER_A = { address: '127.0.0.3', port: 5060 };
const FRONT = { address: '127.0.0.30', port: 5060 };

/**
 * Figure 16 with every message to PoC Server A going through a proxy in front of it (at
 * 127.0.0.30): the step's message reaches the proxy, which relays it on to PoC Server A.
 */
function throughFront(messages: readonly SynthMessage[]): SynthMessage[] {
  const out: SynthMessage[] = [];
  for (const m of messages) {
    const d = m.packet.dst;
    if (d.address !== SERVER_A.address || d.port !== SERVER_A.port) {
      out.push(m);
      continue;
    }
    out.push({ ...m, packet: { ...m.packet, dst: FRONT } });
    out.push({
      ...m,
      step: `hop ${m.step}`,
      packet: { ...m.packet, timeNs: m.packet.timeNs + 1000n, src: FRONT, dst: SERVER_A },
    });
  }
  return out;
}

async function diff(
  messages: readonly SynthMessage[],
  map: string,
  format = 'json',
): Promise<{ code: number; out: string }> {
  const file = writeCapture(messages);
  const mapFile = join(dirname(file), 'map.yaml');
  writeFileSync(mapFile, map);
  return cli(['diff', FIGURE_16, file, '--map', mapFile, '--format', format]);
}

describe('flowspec diff: hops inside one participant', () => {
  it('passes a capture whose participant has a proxy in front, listing each hop inside it', async () => {
    const msgs = throughFront(interleaved(expected, 2));
    const hops = msgs.flatMap((m, i) => (m.step.startsWith('hop ') ? [i + 1] : []));
    // Steps 3 (BYE from Core A) and 5 (its 200 from Core A) reach PoC Server A, per instance.
    expect(hops).toHaveLength(4);
    const { code, out } = await diff(
      msgs,
      'participants:\n  serverA: [127.0.0.3:5060, 127.0.0.30:5060]\n',
    );
    expect(code).toBe(0);
    const report = JSON.parse(out) as JsonReport;
    expect(report.verdict).toBe('pass');
    expect(report.instances).toHaveLength(2);
    expect(report.unrelated).toBe(0);
    expect(report.stats['insideParticipants']).toBe(4);
    for (const inst of report.instances) {
      expect(inst.unexpected).toEqual([]);
      expect(inst.steps.every((s) => s.status === 'matched')).toBe(true);
      expect(inst.inside.map((h) => h.participant)).toEqual(['serverA', 'serverA']);
      expect(inst.inside[0]?.summary).toMatch(
        /^BYE sip:.* 127\.0\.0\.30:5060 -> 127\.0\.0\.3:5060$/,
      );
    }
    expect(
      report.instances.flatMap((i) => i.inside.map((h) => h.frame)).sort((a, b) => a - b),
    ).toEqual(hops);
  });

  it('prints one line per hop inside a participant and counts them in the totals', async () => {
    const msgs = throughFront(interleaved(expected, 1));
    const { code, out } = await diff(
      msgs,
      'participants:\n  serverA: [127.0.0.3:5060, 127.0.0.30:5060]\n',
      'text',
    );
    expect(code).toBe(0);
    const lines = out.split('\n').filter((l) => l.startsWith('  ~'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /BYE sip:.* 127\.0\.0\.30:5060 -> 127\.0\.0\.3:5060 inside serverA \(frame \d+\)$/,
    );
    expect(lines[1]).toMatch(
      /200 OK \(BYE\) 127\.0\.0\.30:5060 -> 127\.0\.0\.3:5060 inside serverA/,
    );
    expect(out).toMatch(
      /PASS: 1 instance\(s\), 0 failing; 0 unrelated message\(s\); 2 hop\(s\) inside a participant/,
    );
  });

  it('reports the hops as unexpected when the map does not put both ends in one participant', async () => {
    const msgs = throughFront(interleaved(expected, 1));
    // The proxy in front as PoC Server A, the server itself unmapped: the relayed hops are
    // messages PoC Server A sends to an address no step draws.
    const { code, out } = await diff(msgs, 'participants:\n  serverA: 127.0.0.30:5060\n');
    expect(code).toBe(1);
    const report = JSON.parse(out) as JsonReport;
    expect(report.stats['insideParticipants']).toBe(0);
    expect(report.instances[0]?.inside).toEqual([]);
  });

  it('does not take an end that two mapped participants share for either', async () => {
    const msgs = throughFront(interleaved(expected, 1));
    // 127.0.0.30 is listed for PoC Server A and (any port) for SIP/IP Core A: not a hop inside.
    const { code, out } = await diff(
      msgs,
      'participants:\n  serverA: [127.0.0.3:5060, 127.0.0.30:5060]\n  coreA: [127.0.0.2:5060, 127.0.0.30]\n',
    );
    expect(code).toBe(1);
    expect((JSON.parse(out) as JsonReport).stats['insideParticipants']).toBe(0);
  });
});

/**
 * OMA CPM 8.2.2.3 (flows/cpm/pf-bye-originating.flow.yaml) through SIP/IP Cores the flow leaves
 * out: every message from or to a Participating Function goes through the Core of its network,
 * which the map lists with it, as the interop topologies do.
 */
describe('flowspec diff: a Participating Function and its SIP/IP Core as one participant', () => {
  const CPM_PF_BYE = 'flows/cpm/pf-bye-originating.flow.yaml';
  const CORES: Record<string, PcapEndpoint> = {
    pfA: { address: '127.0.9.1', port: 5060 },
    pfB: { address: '127.0.9.3', port: 5060 },
  };
  let cpm: ExpectedFlow;
  beforeAll(async () => {
    cpm = await loadExpected(CPM_PF_BYE);
  });

  /** The messages with each Participating Function's Core on the path, and the hops through it. */
  function throughCores(
    messages: readonly SynthMessage[],
    addresses: ReadonlyMap<string, PcapEndpoint>,
  ): SynthMessage[] {
    const pfOf = (e: PcapEndpoint): string | undefined =>
      Object.keys(CORES).find((pf) => {
        const a = addresses.get(pf);
        return a?.address === e.address && a.port === e.port;
      });
    const out: SynthMessage[] = [];
    for (const m of messages) {
      const { src, dst, timeNs } = m.packet;
      const from = pfOf(src);
      const to = pfOf(dst);
      const fromCore = from === undefined ? undefined : CORES[from];
      const toCore = to === undefined ? undefined : CORES[to];
      if (fromCore)
        out.push({
          ...m,
          step: `hop ${m.step}`,
          packet: { ...m.packet, dst: fromCore, timeNs: timeNs - 100_000n },
        });
      out.push({ ...m, packet: { ...m.packet, src: fromCore ?? src, dst: toCore ?? dst } });
      if (toCore)
        out.push({
          ...m,
          step: `hop ${m.step}`,
          packet: { ...m.packet, src: toCore, timeNs: timeNs + 100_000n },
        });
    }
    return out;
  }

  it('matches the same steps of every operand with the Core hops as without them', async () => {
    for (const scenario of scenariosOf(cpm)) {
      const addresses = addressesFor(cpm);
      const msgs = synthesizeScenario(cpm, scenario, addresses, 0, 1_700_000_000_000_000_000n);
      const pfA = addresses.get('pfA');
      const pfB = addresses.get('pfB');
      if (!pfA || !pfB) throw new Error('no Participating Function');
      const ep = (e: PcapEndpoint): string => `${e.address}:${e.port}`;
      const map = `participants:\n  pfA: [${ep(pfA)}, ${ep(CORES['pfA'] ?? pfA)}]\n  pfB: [${ep(pfB)}, ${ep(CORES['pfB'] ?? pfB)}]\n`;
      const plain = writeCapture(msgs);
      const mapFile = join(dirname(plain), 'map.yaml');
      writeFileSync(mapFile, map);
      const run = async (file: string): Promise<JsonReport> =>
        JSON.parse(
          (await cli(['diff', CPM_PF_BYE, file, '--map', mapFile, '--format', 'json'])).out,
        ) as JsonReport;
      const without = await run(plain);
      const cored = throughCores(msgs, addresses);
      const hops = cored.filter((m) => m.step.startsWith('hop ')).length;
      expect(hops, scenario.name).toBeGreaterThan(0);
      const withHops = await run(writeCapture(cored));
      const steps = (r: JsonReport): string[][] =>
        r.instances.map((i) => i.steps.map((s) => `${s.id} ${s.status}`));
      expect([scenario.name, without.verdict, withHops.verdict]).toEqual([
        scenario.name,
        'pass',
        'pass',
      ]);
      expect(steps(withHops), scenario.name).toEqual(steps(without));
      expect(withHops.unrelated, scenario.name).toBe(without.unrelated);
      expect(withHops.stats['insideParticipants'], scenario.name).toBe(hops);
      expect(
        withHops.instances.flatMap((i) => i.unexpected),
        scenario.name,
      ).toEqual([]);
    }
  });
});
