/**
 * Capture reading throughput and memory (issue 5 item 6, reading half):
 * generates pcaps of many thousands of interleaved SIP BYE / 200 OK
 * exchanges over UDP into a temporary directory, then measures, in the same
 * run and on the same files, the streaming reader (alone, and with every
 * message parsed by the runtime parser) next to
 * `tshark -r FILE -Y sip -T fields -e frame.number -e sip.Method -e sip.Status-Code -e sip.Call-ID`.
 * Each side runs in its own process under `/usr/bin/time -v` (wall time and
 * maximum resident set size); without it, /proc/PID/status is polled.
 * Two file sizes show whether memory stays flat as the capture grows.
 * `FLOWSPEC_BENCH_EXCHANGES=20000,200000` sets the sizes.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './registry.js';

const encoder = new TextEncoder();

/** Deterministic PRNG (mulberry32) so every run measures the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function message(kind: 'BYE' | '200', i: number): Uint8Array {
  const callId = `${(i * 2654435761) >>> 0}-${i}@poc-server-a.networkA.net`;
  const head =
    kind === 'BYE'
      ? `BYE sip:TokenA%25PoC-Session-Identity${i}@PoC-ServerA.networkA.net;gr SIP/2.0\r\n`
      : 'SIP/2.0 200 OK\r\n';
  return encoder.encode(
    head +
      `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK${i.toString(36)}x;rport\r\n` +
      (kind === 'BYE' ? 'Max-Forwards: 70\r\n' : '') +
      `From: <sip:PoC-ClientA@networkA.net>;tag=${(i * 7919).toString(36)}\r\n` +
      `To: <sip:PoC-Session-Identity${i}@PoC-ServerX.networkX.net>;tag=${(i * 104729).toString(36)}\r\n` +
      `Call-ID: ${callId}\r\nCSeq: ${i + 2} BYE\r\nPrivacy: id\r\n` +
      (kind === 'BYE' ? 'Reason: SIP;cause=200;text="User ended the session"\r\n' : '') +
      'Content-Length: 0\r\n\r\n',
  );
}

/** Ethernet + IPv4 + UDP around a SIP message, as a pcap record (little-endian, microseconds). */
function record(payload: Uint8Array, forward: boolean, usec: number): Uint8Array {
  const total = 14 + 20 + 8 + payload.length;
  const out = new Uint8Array(16 + total);
  const v = new DataView(out.buffer);
  v.setUint32(0, 1_700_000_000 + Math.floor(usec / 1e6), true);
  v.setUint32(4, usec % 1e6, true);
  v.setUint32(8, total, true);
  v.setUint32(12, total, true);
  const p = 16;
  out.set([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00], p);
  const ip = p + 14;
  out[ip] = 0x45;
  v.setUint16(ip + 2, 20 + 8 + payload.length);
  out[ip + 8] = 64;
  out[ip + 9] = 17;
  out.set(forward ? [192, 0, 2, 10] : [192, 0, 2, 20], ip + 12);
  out.set(forward ? [192, 0, 2, 20] : [192, 0, 2, 10], ip + 16);
  const udp = ip + 20;
  v.setUint16(udp, 5060);
  v.setUint16(udp + 2, 5060);
  v.setUint16(udp + 4, 8 + payload.length);
  out.set(payload, udp + 8);
  return out;
}

/** Writes `exchanges` BYE/200 pairs, up to 500 open at a time, answered in random order. */
function generate(path: string, exchanges: number): number {
  const fd = openSync(path, 'w');
  const header = new Uint8Array(24);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0xa1b2c3d4, true);
  hv.setUint16(4, 2, true);
  hv.setUint16(6, 4, true);
  hv.setUint32(16, 262144, true);
  hv.setUint32(20, 1, true);
  writeSync(fd, header);
  const random = prng(5);
  const open: number[] = [];
  let next = 0;
  let usec = 0;
  let packets = 0;
  const batch: Uint8Array[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    writeSync(fd, Buffer.concat(batch));
    batch.length = 0;
    batchBytes = 0;
  };
  while (next < exchanges || open.length > 0) {
    usec += 50;
    let r: Uint8Array;
    if (next < exchanges && (open.length < 500 || random() < 0.5)) {
      r = record(message('BYE', next), true, usec);
      open.push(next++);
    } else {
      const k = Math.floor(random() * open.length);
      const i = open[k] ?? 0;
      const last = open.pop() ?? 0;
      if (k < open.length) open[k] = last;
      r = record(message('200', i), false, usec);
    }
    batch.push(r);
    batchBytes += r.length;
    packets++;
    if (batchBytes > 1 << 20) flush();
  }
  flush();
  closeSync(fd);
  return packets;
}

interface Measured {
  wallSeconds: number;
  maxRssMb: number;
  lines: number;
  stdout: string;
}

/** Runs a command, counting its stdout lines; wall time and max RSS via /usr/bin/time -v, or /proc polling. */
function measure(command: string, args: readonly string[]): Promise<Measured> {
  const useTime = existsSync('/usr/bin/time');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = useTime
      ? spawn('/usr/bin/time', ['-v', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let tail = '';
    let stderr = '';
    let polledKb = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
            const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
            polledKb = Math.max(polledKb, kb);
          } catch {
            // the process has ended
          }
        }, 20);
    child.stdout.on('data', (chunk: Buffer) => {
      for (const b of chunk) if (b === 10) lines++;
      tail = (tail + chunk.toString('utf8')).slice(-4096);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8192);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      const wallSeconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`${command} exited with ${code}: ${stderr.slice(-500)}`));
        return;
      }
      const kb = useTime
        ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0)
        : polledKb;
      resolve({ wallSeconds, maxRssMb: kb / 1024, lines, stdout: tail });
    });
  });
}

/** The reader in its own Node process; prints one JSON line with its own timing. */
const READER_SCRIPT = `
const [modulePath, file, mode] = process.argv.slice(1);
const capture = await import(modulePath);
const started = performance.now();
const source = mode === 'ingest' ? capture.ingestCapture(file) : capture.readCapture(file);
let events = 0;
let parsed = 0;
for await (const e of source) { events++; if (e.message) parsed++; }
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ events, parsed, seconds, packets: source.stats.packets }));
`;

interface ReaderResult extends Measured {
  events: number;
  parsed: number;
  seconds: number;
  packets: number;
}

async function runReader(file: string, mode: 'read' | 'ingest'): Promise<ReaderResult> {
  const modulePath = fileURLToPath(new URL('../generator/capture/index.js', import.meta.url));
  const m = await measure(process.execPath, [
    '--input-type=module',
    '-e',
    READER_SCRIPT,
    modulePath,
    file,
    mode,
  ]);
  const line = m.stdout.trim().split('\n').at(-1) ?? '{}';
  return {
    ...m,
    ...(JSON.parse(line) as { events: number; parsed: number; seconds: number; packets: number }),
  };
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** tshark's arguments to list the SIP messages of a capture, one line each (the anchor of the capture benchmarks). */
export function tsharkSipList(file: string): string[] {
  return [
    '-r',
    file,
    '-Y',
    'sip',
    '-T',
    'fields',
    '-e',
    'frame.number',
    '-e',
    'sip.Method',
    '-e',
    'sip.Status-Code',
    '-e',
    'sip.Call-ID',
  ];
}

export const benchmark: Benchmark = {
  name: 'capture-read',
  async run(): Promise<string> {
    const sizes = (process.env['FLOWSPEC_BENCH_EXCHANGES'] ?? '20000,200000')
      .split(',')
      .map(Number);
    const dir = mkdtempSync(join(tmpdir(), 'flowspec-capture-bench-'));
    const rows: string[] = [];
    const notes: string[] = [];
    try {
      for (const exchanges of sizes) {
        const file = join(dir, `bye-200-${exchanges}.pcap`);
        const packets = generate(file, exchanges);
        const size = statSync(file).size;
        const read = await runReader(file, 'read');
        const ingest = await runReader(file, 'ingest');
        const tshark = await measure('tshark', tsharkSipList(file));
        if (read.events !== packets || ingest.parsed !== packets || tshark.lines !== packets) {
          notes.push(
            `count mismatch at ${exchanges}: reader ${read.events}, parsed ${ingest.parsed}, tshark ${tshark.lines}, written ${packets}`,
          );
        }
        const label = `${fmt(exchanges)} exchanges, ${fmt(packets)} packets, ${fmt(size / 2 ** 20, 1)} MiB`;
        const tsharkRate = tshark.lines / tshark.wallSeconds;
        for (const [name, r] of [
          ['reader (events only)', read],
          ['reader + runtime parser', ingest],
        ] as const) {
          const rate = r.events / r.wallSeconds;
          rows.push(
            `| ${label} | ${name} | ${fmt(r.wallSeconds, 2)} | ${fmt(rate)} | ${fmt(r.events / r.seconds)} | ${fmt(r.maxRssMb, 1)} | ${fmt(rate / tsharkRate, 1)}x |`,
          );
        }
        rows.push(
          `| ${label} | tshark -Y sip -T fields | ${fmt(tshark.wallSeconds, 2)} | ${fmt(tsharkRate)} | – | ${fmt(tshark.maxRssMb, 1)} | 1.0x |`,
        );
        rmSync(file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return [
      '## Capture reading (issue 5, reader)',
      '',
      'Generated pcaps of interleaved SIP BYE / 200 OK exchanges over UDP (up to 500 open at a time),',
      'each read by the streaming reader in its own Node process and by tshark, in the same run.',
      'Wall time and maximum RSS come from `/usr/bin/time -v` and include process start-up; "in-process" is',
      "the reader's own loop time. tshark: `tshark -r FILE -Y sip -T fields -e frame.number -e sip.Method -e sip.Status-Code -e sip.Call-ID`.",
      '',
      '| capture | reader | wall s | messages/s (wall) | messages/s (in-process) | max RSS MB | vs tshark |',
      '|---|---|---:|---:|---:|---:|---:|',
      ...rows,
      ...(notes.length > 0 ? ['', ...notes.map((n) => `- ${n}`)] : []),
    ].join('\n');
  },
};
