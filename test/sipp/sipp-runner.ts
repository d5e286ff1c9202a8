/**
 * Runs a pair of SIPp scenarios against each other on 127.0.0.1: the UAS
 * first, then the UAC towards it; both must exit 0 within a bounded time,
 * and SIPp's error logs (-trace_err) are collected.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when the `sipp` binary (Debian sip-tester) runs. */
export function sippAvailable(): boolean {
  const r = spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 5000 });
  return r.error === undefined && /SIPp/i.test(`${r.stdout}${r.stderr}`);
}

/** A free UDP port on 127.0.0.1 (bound, read, released). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Outcome of one SIPp process. */
export interface SippExit {
  readonly code: number | null;
  readonly output: string;
}

/** Outcome of a pair run. */
export interface PairResult {
  readonly uas: SippExit;
  readonly uac: SippExit;
  /** Contents of every *_errors.log SIPp wrote. */
  readonly errors: string;
}

function exitOf(child: ChildProcess, limitMs: number): Promise<SippExit> {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Runs the UAS scenario, then the UAC scenario against it; SIPp gives up after `timeout`, the test kills both after `limitMs`. */
export async function runPair(
  uasXml: string,
  uacXml: string,
  limitMs = 25_000,
  timeout = '20s',
): Promise<PairResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flowspec-sipp-'));
  const children: ChildProcess[] = [];
  try {
    writeFileSync(join(dir, 'uas.xml'), uasXml);
    writeFileSync(join(dir, 'uac.xml'), uacXml);
    const uasPort = await freeUdpPort();
    const uacPort = await freeUdpPort();
    const common = ['-i', '127.0.0.1', '-m', '1', '-nostdin', '-trace_err'];
    // Both ends give up after `timeout` (SIPp's own global timeout, counted as an error).
    const bounded = ['-timeout', timeout, '-timeout_error'];
    const uas = spawn('sipp', ['-sf', 'uas.xml', '-p', String(uasPort), ...common, ...bounded], {
      cwd: dir,
    });
    children.push(uas);
    const uasExit = exitOf(uas, limitMs);
    // Let the UAS bind before the first INVITE (a lost one is retransmitted anyway, RFC 3261 17.1.1.2).
    await new Promise((r) => setTimeout(r, 300));
    const uac = spawn(
      'sipp',
      ['-sf', 'uac.xml', `127.0.0.1:${uasPort}`, '-p', String(uacPort), ...common, ...bounded],
      { cwd: dir },
    );
    children.push(uac);
    const [uacResult, uasResult] = await Promise.all([exitOf(uac, limitMs), uasExit]);
    const errors = readdirSync(dir)
      .filter((f) => f.endsWith('_errors.log'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    return { uas: uasResult, uac: uacResult, errors };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
