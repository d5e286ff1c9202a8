/** Shared set-up of the conformance tests: Figure 16 loaded, addresses, a capture writer. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeInstance, type SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import { expandFlow, type ExpectedFlow } from '../../generator/conformance/expected.js';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import { encodePcap, type PcapEndpoint, type PcapPacket } from '../../runtime/trace/pcap-writer.js';

export const FIGURE_16 = 'flows/poc/leave-on-demand.flow.yaml';

/** Addresses of Figure 16's participants on loopback. */
export const FIG16_ADDRESSES: ReadonlyMap<string, PcapEndpoint> = new Map([
  ['clientA', { address: '127.0.0.1', port: 5061 }],
  ['coreA', { address: '127.0.0.2', port: 5060 }],
  ['serverA', { address: '127.0.0.3', port: 5060 }],
  ['coreX', { address: '127.0.0.4', port: 5060 }],
  ['serverX', { address: '127.0.0.5', port: 5060 }],
]);

/**
 * Figure 16's addresses, and per loop iteration (each released participant, Figure 16 step 12
 * with Figure 18) a SIP/IP Core B, PoC Server B and PoC Client B of its own.
 */
export const FIG16_LOOP_ADDRESSES: ReadonlyMap<string, PcapEndpoint> = new Map([
  ...FIG16_ADDRESSES,
  ...[0, 1].flatMap((it) => [
    [`coreB[${it}]`, { address: `127.0.1.${it * 3 + 1}`, port: 5060 }] as const,
    [`serverB[${it}]`, { address: `127.0.1.${it * 3 + 2}`, port: 5060 }] as const,
    [`clientB[${it}]`, { address: `127.0.1.${it * 3 + 3}`, port: 5060 }] as const,
  ]),
]);

export async function loadExpected(file = FIGURE_16): Promise<ExpectedFlow> {
  const set = await loadFlowSet([file]);
  const flow = set.requested[0]?.flow;
  if (!flow) throw new Error(`${file} did not load`);
  return expandFlow(flow, (id) => set.index.get(id));
}

/** `count` instances, interleaved: instance i starts `offsetNs * i` after the first. */
export function interleaved(
  expected: ExpectedFlow,
  count: number,
  offsetNs = 300_000n,
  addresses = FIG16_ADDRESSES,
): SynthMessage[] {
  const all: SynthMessage[] = [];
  for (let i = 0; i < count; i++) {
    all.push(
      ...synthesizeInstance(expected, addresses, {
        instance: i,
        startNs: 1_700_000_000_000_000_000n + BigInt(i) * offsetNs,
        stepNs: 1_000_000n,
      }),
    );
  }
  return all.sort((a, b) =>
    a.packet.timeNs < b.packet.timeNs ? -1 : a.packet.timeNs > b.packet.timeNs ? 1 : 0,
  );
}

/** Writes messages (with their possibly edited text) as a pcap in a temp dir. */
export function writeCapture(messages: readonly SynthMessage[], name = 'trace.pcap'): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowspec-diff-'));
  const packets: PcapPacket[] = messages.map((m) =>
    m.text ? { ...m.packet, payload: Buffer.from(m.text) } : m.packet,
  );
  const file = join(dir, name);
  writeFileSync(file, encodePcap(packets));
  return file;
}

/** Runs the CLI in-process and captures its output. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { run } = await import('../../generator/cli/main.js');
  let out = '';
  let err = '';
  const code = await run(args, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false });
  return { code, out, err };
}
