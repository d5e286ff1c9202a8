/**
 * `flowspec run --topology FILE [--roles ID,...]`: starts participants of a
 * topology as SIP servers and runs until SIGINT or SIGTERM. Standard output
 * gets one line per message; standard error the participants as they
 * listen, `ready`, a status line (every second on a terminal or with
 * --status) and, on shutdown, what each participant still held.
 *
 * With --commands, lines on standard input call the participants' entry
 * points (run-commands.ts); standard input closing does not stop the run.
 *
 * Exit codes: 0 after a signal (sockets closed), 2 for a bad topology or a
 * participant that cannot start.
 */
import { createInterface } from 'node:readline';
import type { ReactionFailure } from '../generated/roles/index.js';
import { Launcher, statusLine } from './launcher.js';
import { mbcpLine, messageLine } from './message-log.js';
import { CommandRunner } from './run-commands.js';
import { LaunchError, TopologyError } from './topology-error.js';
import { readTopology } from './topology.js';

/** Options of `flowspec run`. */
export interface RunOptions {
  readonly topology: string;
  /** Comma-separated participant ids or labels; default every participant under `run:`. */
  readonly roles?: string;
  /** Print the status line even when standard error is not a terminal. */
  readonly status?: boolean;
  /** Seconds between status lines (default 1). */
  readonly statusInterval?: string;
  /** No line per message (for load runs). */
  readonly quiet?: boolean;
  /** Read commands from standard input after `ready:` (run-commands.ts). */
  readonly commands?: boolean;
}

/** Where the command writes, and the process it answers signals for. */
export interface RunIo {
  out(s: string): void;
  err(s: string): void;
  readonly errIsTTY?: boolean;
  /** Where `--commands` reads its lines (default: the process's standard input). */
  readonly input?: NodeJS.ReadableStream;
}

/** The signals that end a run (the ones a terminal and a service manager send). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Resolves with the first stop signal; `cancel` removes the handlers (a run that never started). */
function waitForSignal(): { readonly signal: Promise<NodeJS.Signals>; cancel(): void } {
  const handlers: [NodeJS.Signals, () => void][] = [];
  const cancel = (): void => {
    for (const [s, f] of handlers) process.off(s, f);
  };
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    for (const s of STOP_SIGNALS) {
      const h = (): void => {
        cancel();
        resolve(s);
      };
      process.on(s, h);
      handlers.push([s, h]);
    }
  });
  return { signal, cancel };
}

/**
 * Reads command lines and runs each as it comes (a call that waits for its
 * responses does not hold up a `status`); `close` stops reading.
 */
function readCommands(
  input: NodeJS.ReadableStream,
  runner: CommandRunner,
  err: (s: string) => void,
): { close(): void } {
  const lines = createInterface({ input, terminal: false });
  let closing = false;
  lines.on('line', (line) => {
    runner.run(line).catch((e: unknown) => err(`error: command "${line}": ${String(e)}\n`));
  });
  // The servers keep running without a command reader: only a signal stops them.
  lines.on('close', () => {
    if (!closing) err('commands: standard input closed; running until SIGINT or SIGTERM\n');
  });
  return {
    close: () => {
      closing = true;
      lines.close();
    },
  };
}

/** Runs the command; resolves to the exit code once a signal has stopped the participants. */
export async function runLauncher(options: RunOptions, io: RunIo): Promise<number> {
  let topology;
  try {
    topology = await readTopology(options.topology);
  } catch (e) {
    if (e instanceof TopologyError) {
      io.err(`flowspec: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let only: string[] | undefined;
  if (options.roles !== undefined) {
    const labels = new Map(
      [...(topology.flow?.participants.values() ?? [])].map((p) => [p.label, p.id]),
    );
    only = options.roles
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '')
      .map((r) => labels.get(r) ?? r);
    const unknown = only.filter((id) => !topology.run.some((r) => r.id === id));
    if (unknown.length > 0 || only.length === 0) {
      io.err(
        `flowspec: --roles ${options.roles}: ${unknown.length > 0 ? `${unknown.join(', ')} not under "run:" of ${options.topology}` : 'no participant named'} (startable: ${topology.run.map((r) => r.id).join(', ')})\n`,
      );
      return 2;
    }
  }
  const seconds = Number(options.statusInterval ?? '1');
  if (!Number.isFinite(seconds) || seconds <= 0) {
    io.err(`flowspec: --status-interval ${options.statusInterval}: a number of seconds above 0\n`);
    return 2;
  }
  // Signals that arrive while the sockets are being bound still stop the run, after start-up.
  const stopped = waitForSignal();
  // A reaction that meets an answer its flow does not draw (FlowStepError: "step 11: expected 200,
  // got 500") or a peer that went away (a transaction timeout) ends in an error inside the role;
  // the role reports it and keeps serving.
  let errors = 0;
  const onFailure = (participant: string, f: ReactionFailure): void => {
    errors++;
    io.err(`error: ${participant}: ${f.method}: ${f.error.name}: ${f.error.message}\n`);
  };
  let launcher: Launcher;
  try {
    launcher = await Launcher.start(
      topology,
      only,
      options.quiet ? () => undefined : (id, e) => io.out(`${messageLine(id, e)}\n`),
      onFailure,
      options.quiet ? undefined : (id, r) => io.out(`${mbcpLine(id, r)}\n`),
    );
  } catch (e) {
    stopped.cancel();
    if (e instanceof LaunchError) {
      io.err(`flowspec: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  for (const p of launcher.participants)
    io.err(
      `listening: ${p.spec.id} (${p.spec.role}${p.spec.mode === '-' ? '' : `, ${p.spec.mode}`}) ${(p.spec.transports ?? ['udp']).join('+')} ${p.role.target.address}:${p.role.target.port} ${p.role.uri}\n`,
    );
  io.err(`ready: ${launcher.participants.length} participant(s)\n`);
  const tty = Boolean(io.errIsTTY);
  const interval = seconds * 1000;
  const statusText = (): string => `${statusLine(launcher.status())} | errors ${errors}`;
  const timer =
    tty || options.status
      ? setInterval(() => {
          const line = `status: ${statusText()}`;
          io.err(tty ? `\r${line}\u001b[K` : `${line}\n`);
        }, interval)
      : undefined;
  const commands = options.commands
    ? readCommands(
        io.input ?? process.stdin,
        new CommandRunner(launcher, topology, io.err, statusText, () => errors++),
        io.err,
      )
    : undefined;
  const signal = await stopped.signal;
  commands?.close();
  if (timer) clearInterval(timer);
  if (tty) io.err('\n');
  // What the participants still held when the signal came: a session mid-call is reported, not hidden.
  const open = launcher.status();
  io.err(`${signal}: stopping; ${statusLine(open)} | errors ${errors}\n`);
  for (const line of launcher.states()) io.err(`  ${line}\n`);
  await launcher.close();
  io.err('stopped: sockets closed\n');
  return 0;
}
