/**
 * `flowspec diff` throughput and memory on a capture of tens of thousands of
 * interleaved Figure 16 sessions, side by side in the same run with tshark
 * listing the SIP messages of the same file (issue: at least 3x tshark's
 * throughput, resident memory under 200 MB whatever the file's size).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandFlow } from '../generator/conformance/expected.js';
import { loadFlowSet } from '../generator/project/flow-set.js';
import {
  PcapFileWriter,
  type PcapEndpoint,
  type PcapPacket,
} from '../runtime/trace/pcap-writer.js';
import { tsharkSipList } from './capture-read.bench.js';
import { synthesizeInstance } from './fixtures/synthesize-trace.js';
import type { Benchmark } from './registry.js';

const FLOW = 'flows/poc/leave-on-demand.flow.yaml';

interface Measured {
  readonly seconds: number;
  /** CPU seconds (user and system, every thread). */
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  readonly status: number | null;
  readonly stdoutBytes: number;
}

/** Runs a command under GNU time and reads its wall time and peak resident memory. */
function measure(cmd: string, args: string[], env?: Record<string, string>): Measured {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], {
    maxBuffer: 2 ** 31 - 1,
    encoding: 'buffer',
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const err = r.stderr.toString();
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1];
  const user = Number(/User time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
  const system = Number(/System time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
  return {
    seconds,
    cpuSeconds: user + system,
    maxRssMb: Number(rss ?? 0) / 1024,
    status: r.status,
    stdoutBytes: r.stdout.length,
  };
}

/** The SIP/IP Cores and PoC Servers of every session of the capture: one of each. */
const SERVERS: readonly (readonly [string, PcapEndpoint])[] = [
  ['coreA', { address: '127.1.0.2', port: 5060 }],
  ['serverA', { address: '127.1.0.3', port: 5060 }],
  ['coreX', { address: '127.2.0.2', port: 5060 }],
  ['serverX', { address: '127.2.0.3', port: 5060 }],
];

/**
 * A map (docs/diff.md) of the participants every session shares, as an operator who knows the
 * network writes it; each session's PoC Client is left to inference.
 */
function writeMap(dir: string): string {
  const file = join(dir, 'servers.map.yaml');
  const lines = SERVERS.map(([p, e]) => `  ${p}: "${e.address}:${e.port}"`);
  writeFileSync(file, ['participants:', ...lines, ''].join('\n'));
  return file;
}

/** OPTIONS keepalive number `n` from a host of its own to a registrar, and its 200 OK. */
function keepalive(n: number, timeNs: bigint): PcapPacket[] {
  const host = { address: `127.8.${(n >> 8) & 255}.${n & 255}`, port: 5060 };
  const registrar = { address: '127.9.0.1', port: 5060 };
  const common = [
    `Via: SIP/2.0/UDP ${host.address}:5060;branch=z9hG4bK-ka-${n}`,
    `From: <sip:ua${n}@example.invalid>;tag=ka${n}`,
  ];
  const tail = [`Call-ID: ka-${n}@example.invalid`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''];
  const text = (lines: string[]): Uint8Array => Buffer.from(lines.join('\r\n'));
  const request = text([
    'OPTIONS sip:registrar.example.invalid SIP/2.0',
    ...common,
    'Max-Forwards: 70',
    'To: <sip:registrar.example.invalid>',
    ...tail,
  ]);
  const response = text([
    'SIP/2.0 200 OK',
    ...common,
    `To: <sip:registrar.example.invalid>;tag=r${n}`,
    ...tail,
  ]);
  return [
    { timeNs, transport: 'udp', src: host, dst: registrar, payload: request },
    { timeNs: timeNs + 1_000_000n, transport: 'udp', src: registrar, dst: host, payload: response },
  ];
}

/** Writes `instances` interleaved Figure 16 sessions; returns the packet count. */
export async function writeCapture(
  file: string,
  instances: number,
  keepalives = 0,
): Promise<number> {
  const set = await loadFlowSet([FLOW]);
  const flow = set.requested[0]?.flow;
  if (!flow) throw new Error(`${FLOW} did not load`);
  const expected = expandFlow(flow, (id) => set.index.get(id));
  const addresses = new Map<string, PcapEndpoint>([
    ['clientA', { address: '127.1.0.1', port: 5060 }],
    ...SERVERS,
  ]);
  const writer = new PcapFileWriter(file);
  // 200 sessions in flight at any time: a new one every 100 µs, 10 messages 2 ms apart.
  const window: { timeNs: bigint; write: () => Promise<void> }[] = [];
  const start = 1_700_000_000_000_000_000n;
  for (let i = 0; i < instances; i++) {
    // Client addresses differ per session, as in a real network (one PoC Client per session).
    const client = { address: `127.3.${(i >> 8) & 255}.${i & 255}`, port: 5060 };
    const msgs = synthesizeInstance(expected, new Map([...addresses, ['clientA', client]]), {
      instance: i,
      startNs: start + BigInt(i) * 100_000n,
      stepNs: 2_000_000n,
    });
    for (const m of msgs)
      window.push({ timeNs: m.packet.timeNs, write: () => writer.write(m.packet) });
    // Traffic of no flow beside each session: OPTIONS keepalives from hosts of their own to a
    // registrar, each answered 200 OK (RFC 3261 11), as a busy capture holds.
    for (let k = 0; k < keepalives; k++) {
      const n = i * keepalives + k;
      const timeNs = start + BigInt(i) * 100_000n + BigInt(k) * 10_000n + 1n;
      for (const packet of keepalive(n, timeNs))
        window.push({ timeNs: packet.timeNs, write: () => writer.write(packet) });
    }
    // Flush everything older than the newest session's start: it can no longer be overtaken.
    const horizon = start + BigInt(i) * 100_000n;
    window.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
    while (window.length > 0 && (window[0]?.timeNs ?? 0n) < horizon) await window.shift()?.write();
  }
  for (const w of window) await w.write();
  await writer.close();
  return writer.packets;
}

/**
 * `flowspec diff` of a capture against Figure 16, the JSON report written into `dir`; with
 * `cached` false, without the flow cache (generator/cli/flow-cache.ts): the flow is loaded and
 * validated in the request's thread, as on the first diff after it changed.
 */
function diffFigure16(file: string, dir: string, cached = true, map?: string): Measured {
  const out = ['--format', 'json', '--out', join(dir, 'report.json')];
  return measure(
    process.execPath,
    ['bin/flowspec.js', 'diff', FLOW, file, ...(map !== undefined ? ['--map', map] : []), ...out],
    cached ? undefined : { FLOWSPEC_FLOW_CACHE: 'off' },
  );
}

/** Size of the report `diffFigure16` wrote, in MiB (0 when it wrote none). */
function reportMb(dir: string): number {
  const report = join(dir, 'report.json');
  return existsSync(report) ? statSync(report).size / 2 ** 20 : 0;
}

/** The run of median wall time among `runs`. */
function median(runs: readonly Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const m = sorted[(sorted.length - 1) >> 1];
  if (m === undefined) throw new Error('no run measured');
  return m;
}

/**
 * One capture of `instances` sessions, measured with both tools `rounds` times, alternately
 * (tshark, then flowspec, then flowspec without its flow cache, then again), so that all meet
 * the same state of the machine, after one run of each that is not measured (the file in the
 * page cache, the flow in flowspec's cache, as hyperfine's --warmup 1); the run of median wall
 * time of each is shown. Its table and summary line.
 */
async function measureCapture(
  dir: string,
  instances: number,
  rounds: number,
  keepalives = 0,
): Promise<string[]> {
  const file = join(dir, `figure16-${instances}-${keepalives}.pcap`);
  const packets = await writeCapture(file, instances, keepalives);
  const sizeMb = statSync(file).size / 2 ** 20;
  // A capture measured once (the large one: tshark alone takes over a minute) is just written,
  // so in the page cache, and the flow is in flowspec's cache from the main capture.
  const once = rounds === 1;
  const map = writeMap(dir);
  if (!once) {
    measure('tshark', tsharkSipList(file));
    diffFigure16(file, dir);
  }
  const tsharkRuns: Measured[] = [];
  const ourRuns: Measured[] = [];
  const uncachedRuns: Measured[] = [];
  const mappedRuns: Measured[] = [];
  for (let r = 0; r < rounds; r++) {
    tsharkRuns.push(measure('tshark', tsharkSipList(file)));
    ourRuns.push(diffFigure16(file, dir));
    if (!once) {
      uncachedRuns.push(diffFigure16(file, dir, false));
      mappedRuns.push(diffFigure16(file, dir, true, map));
    }
  }
  const tshark = median(tsharkRuns);
  const ours = median(ourRuns);
  const uncached = once ? undefined : median(uncachedRuns);
  const mapped = once ? undefined : median(mappedRuns);
  rmSync(file, { force: true });
  const walls = (runs: readonly Measured[]): string =>
    runs.map((m) => m.seconds.toFixed(2)).join(', ');
  const row = (name: string, m: Measured): string =>
    `| ${name} | ${m.seconds.toFixed(2)} | ${m.cpuSeconds.toFixed(2)} | ${Math.round(packets / m.seconds).toLocaleString('en')} | ${m.maxRssMb.toFixed(0)} | ${m.status} |`;
  const ratio = tshark.seconds / ours.seconds;
  const uncachedRatio =
    uncached === undefined
      ? ''
      : `${(tshark.seconds / uncached.seconds).toFixed(1)}x without the flow cache; `;
  const mappedRatio =
    mapped === undefined ? '' : `${(tshark.seconds / mapped.seconds).toFixed(1)}x with the map; `;
  return [
    `A capture of ${instances.toLocaleString('en')} interleaved Figure 16 sessions${keepalives > 0 ? ` and ${(instances * keepalives).toLocaleString('en')} OPTIONS keepalives answered 200 OK, from as many hosts (traffic of no flow: ${Math.round((100 * 2 * instances * keepalives) / packets)}% of the packets)` : ''} (${packets.toLocaleString('en')} packets, ${sizeMb.toFixed(0)} MiB, 200 sessions in flight), diffed against ${FLOW} with JSON output (${reportMb(dir).toFixed(0)} MiB of report); tshark lists the SIP messages of the same file (\`tshark -r FILE -Y sip -T fields -e frame.number -e sip.Method -e sip.Status-Code -e sip.Call-ID\`). Wall time, CPU time (user and system, all threads: \`flowspec diff\` reads in one thread and checks in another, ADR 0006) and peak resident memory from GNU time; ${once ? 'one run of each' : `after one run of each that is not measured, ${rounds} runs of each, alternately, the run of median wall time shown (flowspec: ${walls(ourRuns)} s; without the flow cache: ${walls(uncachedRuns)} s; with a map: ${walls(mappedRuns)} s; tshark: ${walls(tsharkRuns)} s). \`flowspec diff\` takes the validated flow from its cache (docs/diff.md); \`FLOWSPEC_FLOW_CACHE=off\` shows the first diff after the flow changed; the map gives the four SIP/IP Cores and PoC Servers every session shares (\`--map\`, each session's PoC Client inferred)`}.`,
    '',
    '| tool | seconds | CPU seconds | packets/s | max RSS (MB) | exit |',
    '|---|---|---|---|---|---|',
    row('flowspec diff', ours),
    ...(uncached === undefined ? [] : [row('flowspec diff, flow cache off', uncached)]),
    ...(mapped === undefined ? [] : [row('flowspec diff --map', mapped)]),
    row('tshark', tshark),
    '',
    `flowspec is ${ratio.toFixed(1)}x tshark's throughput on this file (${uncachedRatio}${mappedRatio}goal: at least 3x), at ${ours.maxRssMb.toFixed(0)} MB resident (goal: under 200 MB).`,
  ];
}

export const benchmark: Benchmark = {
  name: 'diff',
  async run(): Promise<string> {
    const instances = Number(process.env['FLOWSPEC_BENCH_DIFF_SESSIONS'] ?? 30_000);
    // Optional: a capture past 1 GB (280,000 sessions), to show memory stays flat with size.
    const large = Number(process.env['FLOWSPEC_BENCH_DIFF_LARGE_SESSIONS'] ?? 0);
    // Runs of each tool on the main capture (the large one is run once: tshark alone takes
    // over a minute on it). Five: on a shared two-core machine one run of tshark on the main
    // capture took from 6.5 to 9.6 s, and one of flowspec from 2.3 to 2.7 s, in the same hour.
    const rounds = Math.max(1, Number(process.env['FLOWSPEC_BENCH_DIFF_ROUNDS'] ?? 5));
    const dir = mkdtempSync(join(tmpdir(), 'flowspec-bench-diff-'));
    try {
      const lines = ['## Capture diff (`flowspec diff`) against tshark', ''];
      lines.push(...(await measureCapture(dir, instances, rounds)));
      if (large > 0) {
        lines.push('', '### A larger capture', '');
        lines.push(...(await measureCapture(dir, large, 1)));
      }
      // Traffic of no flow: as many keepalive messages as messages of the flow, measured once.
      lines.push('', '### A capture with traffic of no flow', '');
      lines.push(...(await measureCapture(dir, instances, 1, 5)));
      return lines.join('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
