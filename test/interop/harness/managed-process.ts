/**
 * Child processes of the interop tests (Kamailio, SIPp, dumpcap): spawned in
 * their own process group, optionally inside a network namespace, with their
 * output kept (bounded), stopped by signal to the group with a SIGKILL after
 * a grace period. Every started process is registered so that even a test
 * that dies before its teardown leaves nothing running when the worker exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import process from 'node:process';
import { InteropError } from './interop-error.js';

/** Output kept per process: the tail is what explains a failure. */
const LOG_LIMIT = 64 * 1024;

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last line of defence: the worker exits with processes still registered (a crashed test).
  process.once('exit', () => {
    for (const p of live) p.killNow();
  });
}

/** How to start a process. */
export interface StartOptions {
  /** Name for errors and logs: "kamailio scscf". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Run inside this network namespace (`ip netns exec`, which execs the command: same pid). */
  readonly netns?: string;
}

/** A running child process with its combined output. */
export class ManagedProcess {
  private output = '';
  /** Characters written since the start, the 64 KiB kept included. */
  private total = 0;
  private readonly listeners = new Set<() => void>();
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const append = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.total += text.length;
      this.output = (this.output + text).slice(-LOG_LIMIT);
      for (const l of this.listeners) l();
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        live.delete(this);
        resolve(code);
        for (const l of this.listeners) l();
      });
    });
  }

  /** Starts a process detached (its own process group) with stdout and stderr captured. */
  static start(options: StartOptions): Promise<ManagedProcess> {
    const [command, args] = options.netns
      ? ['ip', ['netns', 'exec', options.netns, options.command, ...options.args]]
      : [options.command, [...options.args]];
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    installExitHook();
    const p = new ManagedProcess(options.name, child);
    return new Promise((resolve, reject) => {
      child.once('spawn', () => {
        live.add(p);
        resolve(p);
      });
      child.once('error', (err) =>
        reject(
          new InteropError('start-failed', options.name, `cannot start ${command}: ${err.message}`),
        ),
      );
    });
  }

  /** What the process wrote to stdout and stderr so far (the last 64 KiB). */
  get log(): string {
    return this.output;
  }

  /** A mark of the output so far, for {@link logSince}. */
  get written(): number {
    return this.total;
  }

  /** What the process wrote after `mark` (a {@link written} value), as far as the log keeps it. */
  logSince(mark: number): string {
    return this.output.slice(Math.max(0, this.output.length - (this.total - mark)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the output matches `pattern`; rejects when the process exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: InteropError): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (pattern.test(this.output)) done();
        else if (!this.running)
          done(
            new InteropError('exited', this.name, `exited before printing ${pattern}`, this.output),
          );
      };
      const timer = setTimeout(
        () =>
          done(
            new InteropError(
              'timeout',
              this.name,
              `no ${pattern} within ${timeoutMs} ms`,
              this.output,
            ),
          ),
        timeoutMs,
      );
      this.listeners.add(check);
      check();
    });
  }

  /** Waits for the exit at most `timeoutMs`; the exit code, or undefined when still running. */
  async waitExit(timeoutMs: number): Promise<number | null | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // The group is gone already.
    }
  }

  /**
   * Sends `sig` (SIGTERM; SIGINT for dumpcap, which then finishes its file)
   * to the process group and waits; SIGKILL when it has not exited within
   * `graceMs`.
   */
  async stop(sig: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<number | null> {
    if (this.running) {
      this.signal(sig);
      if ((await this.waitExit(graceMs)) === undefined) this.signal('SIGKILL');
    }
    return this.exited;
  }

  /** Synchronous SIGKILL to the group (exit hook). */
  killNow(): void {
    if (this.running) this.signal('SIGKILL');
  }
}

/** Processes started and not yet exited (for a check that a teardown left nothing behind). */
export function liveProcesses(): readonly string[] {
  return [...live].filter((p) => p.running).map((p) => `${p.name} (pid ${p.child.pid ?? '?'})`);
}
