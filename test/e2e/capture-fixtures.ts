/**
 * Captures of Figure 16 for the editor's tests: one conformant instance
 * synthesised from the flow (as test/conformance/figure16-helpers.ts does),
 * optionally with a step's message left out, written as a pcap.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { synthesizeInstance } from '../../bench/fixtures/synthesize-trace.js';
import { expandFlow } from '../../generator/conformance/index.js';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import { encodePcap, type PcapEndpoint } from '../../runtime/trace/pcap-writer.js';

/** Addresses of Figure 16's participants on loopback. */
const ADDRESSES: ReadonlyMap<string, PcapEndpoint> = new Map([
  ['clientA', { address: '127.0.0.1', port: 5061 }],
  ['coreA', { address: '127.0.0.2', port: 5060 }],
  ['serverA', { address: '127.0.0.3', port: 5060 }],
  ['coreX', { address: '127.0.0.4', port: 5060 }],
  ['serverX', { address: '127.0.0.5', port: 5060 }],
]);

/** The pcap bytes of one instance of Figure 16, without the messages of `leaveOut` steps. */
export async function figure16Capture(
  flowFile: string,
  leaveOut: readonly string[] = [],
): Promise<Buffer> {
  const set = await loadFlowSet([flowFile]);
  const flow = set.requested[0]?.flow;
  if (!flow) throw new Error(`${flowFile} does not load`);
  const expected = expandFlow(flow, (id) => set.index.get(id));
  const messages = synthesizeInstance(expected, ADDRESSES, {
    instance: 0,
    startNs: 1_700_000_000_000_000_000n,
    stepNs: 1_000_000n,
  }).filter((m) => !leaveOut.includes(m.step.split('@')[0] ?? ''));
  return encodePcap(
    messages.map((m) => (m.text ? { ...m.packet, payload: Buffer.from(m.text) } : m.packet)),
  );
}

/** Writes {@link figure16Capture} to `root/path`. */
export async function writeFigure16Capture(
  root: string,
  path: string,
  flowFile: string,
  leaveOut: readonly string[] = [],
): Promise<string> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, await figure16Capture(flowFile, leaveOut));
  return file;
}
