/**
 * `flowspec run` as a peer of the interop tests and the interop load
 * benchmark: the compiled CLI (bin/flowspec.js) started on a topology file,
 * ready when it prints `ready:`, its status line read from its output, and
 * stopped with SIGTERM, after which it must have exited 0 and reported what
 * it still held. Its output is kept in the run's work dir. With `commands`,
 * it reads command lines (`flowspec run --commands`, docs/run.md) from a
 * FIFO in the work dir that is its standard input, and the run calls the
 * started participants' entry points through it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
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
  /** Start it with `--commands`, so that {@link FlowspecRun.call} and {@link FlowspecRun.states} work. */
  readonly commands?: boolean;
  readonly workDir: string;
}

/** What an entry point got, from the `result:` line: final response statuses and the dialog's Call-ID. */
export interface EntryResult {
  readonly statuses: readonly number[];
  readonly callId?: string;
}

/** A participant's line of the `status` command. */
export interface ParticipantState {
  readonly dialogs: number;
  readonly transactions: number;
  readonly sessions: number;
  /** The flow actions it took, in order. */
  readonly actions: readonly string[];
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
  /**
   * `call <participant> <entry> [call-id=] [to=]` (with `commands`): resolves with its
   * `result:` line, rejects with its `error:` line.
   */
  call(
    participant: string,
    entry: string,
    args?: { readonly callId?: string; readonly to?: string },
  ): Promise<EntryResult>;
  /** `status` (with `commands`): each started participant's state and actions. */
  states(): Promise<Readonly<Record<string, ParticipantState>>>;
  /** The `error:` lines so far: reactions and entry points that ended in an error. */
  errors(): readonly string[];
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
  // A FIFO as standard input (ManagedProcess gives its children none): opened read-write here
  // so that neither end blocks, and the shell execs the CLI (same pid, same process group).
  const fifo = join(options.workDir, `${options.name}.commands`);
  let input: number | undefined;
  if (options.commands) {
    execFileSync('mkfifo', [fifo]);
    input = openSync(fifo, 'r+');
    teardown.add(`${peer} commands`, () => {
      if (input !== undefined) closeSync(input);
      input = undefined;
      rmSync(fifo, { force: true });
      return Promise.resolve();
    });
  }
  const command = options.commands
    ? { command: 'sh', prefix: ['-c', 'exec "$0" "$@" < "$FIFO"'.replace('$FIFO', fifo)] }
    : { command: globalThis.process.execPath, prefix: [] };
  const process = await ManagedProcess.start({
    name: peer,
    command: command.command,
    args: [
      ...command.prefix,
      ...(options.commands ? [globalThis.process.execPath] : []),
      CLI,
      'run',
      '--topology',
      options.topology,
      '--status',
      '--status-interval',
      '0.2',
      ...(options.roles ? ['--roles', options.roles.join(',')] : []),
      ...(options.quiet ? ['--quiet'] : []),
      ...(options.commands ? ['--commands'] : []),
    ],
    cwd: REPO_ROOT,
  });
  // Standard error line by line, unbounded (the log keeps the last 64 KiB): command answers.
  const errLines: string[] = [];
  let partial = '';
  process.child.stderr?.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    errLines.push(...parts);
  });
  /** Writes a command; resolves with the lines it answered once `done` holds for them. */
  const ask = (line: string, done: (answer: readonly string[]) => boolean): Promise<string[]> => {
    if (input === undefined)
      return Promise.reject(new InteropError('command-failed', peer, 'started without commands'));
    const from = errLines.length;
    writeSync(input, `${line}\n`);
    return pollUntil(
      () => {
        const answer = errLines.slice(from);
        return done(answer) ? answer : undefined;
      },
      { peer, what: `the answer to "${line}"`, timeoutMs: 30_000, log: () => process.log },
    );
  };
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
  // Both ends are open once it is ready: the FIFO leaves the artifacts (a reader of them would block on it).
  if (options.commands) rmSync(fifo, { force: true });
  return {
    process,
    status: () => lastRunStatus(process.log),
    waitIdle: (timeoutMs) => {
      // Only a status line printed after the wait began counts: an earlier one (printed before
      // the traffic, or between two calls) would say idle too soon.
      const mark = process.written;
      return pollUntil(
        async () => {
          const s = lastRunStatus(process.logSince(mark));
          return s && s.sessions === 0 && s.dialogs === 0 && s.transactions === 0 ? s : undefined;
        },
        {
          peer,
          what: 'idle (no session, dialog or transaction)',
          timeoutMs,
          log: () => process.log,
        },
      );
    },
    stop,
    call: async (participant, entry, args = {}) => {
      const line = [
        'call',
        participant,
        entry,
        ...(args.callId !== undefined ? [`call-id=${args.callId}`] : []),
        ...(args.to !== undefined ? [`to=${args.to}`] : []),
      ].join(' ');
      const ours = (l: string): boolean =>
        l.startsWith(`result: ${participant} ${entry}`) ||
        l.startsWith(`error: ${participant}: ${entry}: `) ||
        /^error: (?:unknown command|call)/.test(l);
      const answer = (await ask(line, (lines) => lines.some(ours))).find(ours) ?? '';
      if (answer.startsWith('error: '))
        throw new InteropError('command-failed', peer, `${line}: ${answer}`, process.log);
      const words = answer.split(' ').slice(3);
      const callId = words.find((w) => w.startsWith('call-id='))?.slice('call-id='.length);
      return {
        statuses: words.filter((w) => /^\d{3}$/.test(w)).map(Number),
        ...(callId !== undefined ? { callId } : {}),
      };
    },
    states: async () => {
      const ids = [...process.log.matchAll(/^listening: (\S+) /gm)].map((m) => m[1] ?? '');
      const state = /^ {2}(\S+): dialogs=(\d+) transactions=(\d+) sessions=(\d+) \| actions (.*)$/;
      // The status line, then one line per participant (docs/run.md, Commands).
      const answer = await ask('status', (lines) => {
        const seen = new Set(lines.map((l) => state.exec(l)?.[1]));
        return ids.every((id) => seen.has(id));
      });
      const states: Record<string, ParticipantState> = {};
      for (const l of answer) {
        const m = state.exec(l);
        if (m?.[1] !== undefined && !(m[1] in states))
          states[m[1]] = {
            dialogs: Number(m[2]),
            transactions: Number(m[3]),
            sessions: Number(m[4]),
            actions: m[5] === '-' ? [] : (m[5] ?? '').split(' '),
          };
      }
      return states;
    },
    errors: () => errLines.filter((l) => l.startsWith('error: ')),
  };
}
