/**
 * SIPp (Debian sip-tester) as the real clients and servers of the interop
 * tests: a scenario from test/interop/sipp/ on a test-chosen address, a
 * bounded number of calls (-m) and a global timeout, optionally inside a
 * network namespace. A UAS is ready when its port is bound (probed with
 * `ss`, not slept on). Its statistics (-trace_stat), errors and messages
 * are kept in the run's work dir as artifacts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './flowspec-cli.js';
import { InteropError } from './interop-error.js';
import { ManagedProcess } from './managed-process.js';
import { pollUntil } from './poll.js';
import type { Teardown } from './teardown.js';

const run = promisify(execFile);

/** Where the scenarios live. */
export const SIPP_SCENARIOS = join(REPO_ROOT, 'test/interop/sipp');

/** How to run SIPp. */
export interface SippOptions {
  /** Name for logs: "calling-ue". */
  readonly name: string;
  /** Scenario file name in test/interop/sipp/, or the path of one (written by `flowspec export-sipp`). */
  readonly scenario: string;
  readonly address: string;
  readonly port?: number;
  /** host:port of the first hop (UAC only). */
  readonly remote?: string;
  /** Calls to make or answer (-m). */
  readonly calls: number;
  /** Calls per second (UAC). */
  readonly rate?: number;
  /** Most calls open at once (-l, UAC). */
  readonly limit?: number;
  /** Length of the scenario's plain <pause/> in ms (-d). */
  readonly pauseMs?: number;
  /** Keys used in the scenario ([called_uri], ...). */
  readonly keys?: Readonly<Record<string, string>>;
  /** SIPp's own limit on the whole run, in seconds (-timeout, an error when reached). */
  readonly timeoutSeconds: number;
  readonly workDir: string;
  readonly netns?: string;
}

/** SIPp's counters at the end of a run (-trace_stat). */
export interface SippStats {
  readonly successfulCalls: number;
  readonly failedCalls: number;
  readonly retransmissions: number;
}

/** The outcome of a SIPp run. */
export interface SippResult {
  /** SIPp's exit code: 0 when every call succeeded. */
  readonly exitCode: number | null;
  readonly stats: SippStats;
  readonly log: string;
}

/** A running SIPp. */
export interface Sipp {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly hostport: string;
  readonly process: ManagedProcess;
  /** Waits for SIPp to end (at most its own timeout plus a margin) and reads its statistics. */
  finished(): Promise<SippResult>;
  stop(): Promise<void>;
}

function lastStats(file: string): SippStats | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0]?.split(';') ?? [];
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(';') : undefined;
  if (!last) return undefined;
  const column = (name: string): number => Number(last[header.indexOf(name)] ?? Number.NaN);
  return {
    successfulCalls: column('SuccessfulCall(C)'),
    failedCalls: column('FailedCall(C)'),
    retransmissions: column('Retransmissions(C)'),
  };
}

/** Whether a UDP port is bound (in `netns` when given), from `ss`. */
export async function isUdpBound(address: string, port: number, netns?: string): Promise<boolean> {
  const ss = ['ss', '-Hlun', 'src', `${address}:${port}`];
  const [cmd, args] = netns
    ? ['ip', ['netns', 'exec', netns, ...ss]]
    : [ss[0] ?? 'ss', ss.slice(1)];
  const { stdout } = await run(cmd, args, { timeout: 5000 });
  return stdout.trim().length > 0;
}

/** Starts SIPp; for a UAS (no remote) resolves once its port is bound. Registers its stop with `teardown`. */
export async function startSipp(options: SippOptions, teardown: Teardown): Promise<Sipp> {
  const port = options.port ?? 5060;
  const peer = `sipp ${options.name}`;
  mkdirSync(options.workDir, { recursive: true });
  const file = (suffix: string): string => join(options.workDir, `${options.name}-${suffix}`);
  const keys = Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]);
  const process = await ManagedProcess.start({
    name: peer,
    command: 'sipp',
    args: [
      ...(options.remote ? [options.remote] : []),
      '-sf',
      resolve(SIPP_SCENARIOS, options.scenario),
      '-i',
      options.address,
      '-p',
      String(port),
      '-mi',
      options.address,
      '-m',
      String(options.calls),
      ...(options.rate ? ['-r', String(options.rate)] : []),
      ...(options.limit ? ['-l', String(options.limit)] : []),
      ...(options.pauseMs !== undefined ? ['-d', String(options.pauseMs)] : []),
      '-nostdin',
      '-timeout',
      `${options.timeoutSeconds}s`,
      '-timeout_error',
      '-trace_stat',
      '-stf',
      file('stats.csv'),
      '-trace_err',
      '-error_file',
      file('errors.log'),
      '-trace_msg',
      '-message_file',
      file('messages.log'),
      ...keys,
    ],
    cwd: options.workDir,
    ...(options.netns ? { netns: options.netns } : {}),
  });
  const stop = async (): Promise<void> => {
    await process.stop('SIGTERM');
  };
  teardown.add(peer, stop);
  if (!options.remote) {
    await pollUntil(
      async () => {
        if (!process.running)
          throw new InteropError('exited', peer, 'exited before it was ready', process.log);
        return (await isUdpBound(options.address, port, options.netns)) ? true : undefined;
      },
      {
        peer,
        what: `listening on ${options.address}:${port}`,
        timeoutMs: 5_000,
        log: () => process.log,
      },
    );
  }
  const finished = async (): Promise<SippResult> => {
    const code = await process.waitExit((options.timeoutSeconds + 10) * 1000);
    if (code === undefined) {
      await process.stop('SIGTERM');
      throw new InteropError(
        'timeout',
        peer,
        `still running after ${options.timeoutSeconds + 10} s`,
        process.log,
      );
    }
    const stats = lastStats(file('stats.csv'));
    if (!stats)
      throw new InteropError('exited', peer, `exited with ${code} without statistics`, process.log);
    return { exitCode: code, stats, log: process.log };
  };
  return {
    name: options.name,
    address: options.address,
    port,
    hostport: `${options.address}:${port}`,
    process,
    finished,
    stop,
  };
}
