/**
 * `flowspec run` as a peer of the interop tests and the interop load
 * benchmark: the compiled CLI (bin/flowspec.js) started on a topology file,
 * ready when it prints `ready:`, its status line read from its output, and
 * stopped with SIGTERM, after which it must have exited 0 and reported what
 * it still held. Its output is kept in the run's work dir.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InteropError } from './interop-error.js';
import { ManagedProcess } from './managed-process.js';
import { REPO_ROOT } from './flowspec-cli.js';
import { pollUntil } from './poll.js';
import type { Teardown } from './teardown.js';

const CLI = join(REPO_ROOT, 'bin/flowspec.js');
const BUILT = join(REPO_ROOT, 'dist/launcher/run-command.js');

/** How to start `flowspec run`. */
export interface FlowspecRunOptions {
  /** Name for logs: "poc-servers". */
  readonly name: string;
  readonly topology: string;
  /** Participant ids to start (--roles); default all under `run:`. */
  readonly roles?: readonly string[];
  /** No line per message (load runs). */
  readonly quiet?: boolean;
  readonly workDir: string;
}

/** Counts of the status line. */
export interface RunStatus {
  readonly sessions: number;
  readonly dialogs: number;
  readonly transactions: number;
  readonly received: number;
  readonly sent: number;
  /** Reactions that met an answer their flow does not draw (reported and survived). */
  readonly errors: number;
}

/** What `flowspec run` reported when it stopped. */
export interface RunStop {
  readonly exitCode: number | null;
  /** The counts when the signal came. */
  readonly open: RunStatus | undefined;
  readonly log: string;
}

/** A running `flowspec run`. */
export interface FlowspecRun {
  readonly process: ManagedProcess;
  /** The last status line printed. */
  status(): RunStatus | undefined;
  /** Waits until no participant holds a session, dialog or transaction (Timer J/K ended them). */
  waitIdle(timeoutMs: number): Promise<RunStatus>;
  /** SIGTERM, then the exit code and the report of what was still open. */
  stop(): Promise<RunStop>;
}

const STATUS =
  /(?:status:|SIG\w+: stopping;) sessions=(\d+) dialogs=(\d+) transactions=(\d+) \| messages in (\d+) out (\d+) \| errors (\d+)/g;

/** Parses the last status (or stopping) line of an output. */
export function lastRunStatus(output: string): RunStatus | undefined {
  const m = [...output.matchAll(STATUS)].at(-1);
  if (!m) return undefined;
  return {
    sessions: Number(m[1]),
    dialogs: Number(m[2]),
    transactions: Number(m[3]),
    received: Number(m[4]),
    sent: Number(m[5]),
    errors: Number(m[6]),
  };
}

/** Starts `flowspec run` and waits for `ready:`; registers its stop with `teardown`. */
export async function startFlowspecRun(
  options: FlowspecRunOptions,
  teardown: Teardown,
): Promise<FlowspecRun> {
  if (!existsSync(BUILT))
    throw new InteropError('start-failed', 'flowspec run', 'not built: run `npm run build`');
  const peer = `flowspec run ${options.name}`;
  const process = await ManagedProcess.start({
    name: peer,
    command: globalThis.process.execPath,
    args: [
      CLI,
      'run',
      '--topology',
      options.topology,
      '--status',
      '--status-interval',
      '0.2',
      ...(options.roles ? ['--roles', options.roles.join(',')] : []),
      ...(options.quiet ? ['--quiet'] : []),
    ],
    cwd: REPO_ROOT,
  });
  let stopped: RunStop | undefined;
  const stop = async (): Promise<RunStop> => {
    if (stopped) return stopped;
    const exitCode = await process.stop('SIGTERM', 10_000);
    const log = process.log;
    writeFileSync(join(options.workDir, `${options.name}.log`), log);
    const stopping = [...log.matchAll(STATUS)].filter((m) => m[0].includes('stopping')).at(-1);
    stopped = { exitCode, open: stopping ? lastRunStatus(stopping[0]) : undefined, log };
    return stopped;
  };
  teardown.add(peer, stop);
  await process.waitForOutput(/^ready: \d+ participant/m, 20_000);
  return {
    process,
    status: () => lastRunStatus(process.log),
    waitIdle: (timeoutMs) =>
      pollUntil(
        async () => {
          const s = lastRunStatus(process.log);
          return s && s.sessions === 0 && s.dialogs === 0 && s.transactions === 0 ? s : undefined;
        },
        {
          peer,
          what: 'idle (no session, dialog or transaction)',
          timeoutMs,
          log: () => process.log,
        },
      ),
    stop,
  };
}
