/**
 * A role process (role-runner.ts) seen from the test: spawned in its own
 * process group, optionally inside a network namespace (`ip netns exec`),
 * driven by the line protocol of role-protocol.ts, its trace lines kept,
 * its exit (code or signal) observable, killed on teardown and when the
 * worker exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './flowspec-cli.js';
import { InteropError } from './interop-error.js';
import {
  RPC_PREFIX,
  type CallOutcome,
  type RoleReply,
  type Snapshots,
  type StartedRole,
  type StartRequest,
  type TraceLine,
} from './role-protocol.js';
import type { CallTarget } from '../../../generated/roles/role-support.js';
import type { Teardown } from './teardown.js';

const REGISTER = join(REPO_ROOT, 'test/interop/harness/ts-register.mjs');
const RUNNER = join(REPO_ROOT, 'test/interop/harness/role-runner.ts');
/** Output kept per process. */
const LOG_LIMIT = 64 * 1024;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** How a role process ended. */
export interface RoleExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Where and how to start a role process. */
export interface RoleProcessOptions {
  /** For errors: "roles A". */
  readonly name: string;
  readonly netns?: string;
}

/** A running role process. */
export class RoleProcess {
  /** Every trace line received so far, in order. */
  readonly trace: TraceLine[] = [];
  /** Resolves when the process has ended. */
  readonly exited: Promise<RoleExit>;
  private seq = 0;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private stderr = '';
  private ended: RoleExit | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.ended = { code, signal };
        for (const p of this.pending.values())
          p.reject(this.failure(`exited (${signal ?? `code ${String(code)}`}) before answering`));
        this.pending.clear();
        resolve(this.ended);
      });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-LOG_LIMIT);
    });
    if (child.stdout)
      createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
  }

  /** Starts the runner and waits for it to be ready (at most 30 s: it transpiles the roles first). */
  static async start(options: RoleProcessOptions, teardown?: Teardown): Promise<RoleProcess> {
    const node = [process.execPath, '--import', REGISTER, RUNNER];
    const [command, ...args] = options.netns
      ? ['ip', 'netns', 'exec', options.netns, ...node]
      : node;
    const child = spawn(command ?? 'node', args, {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const c of live) killGroup(c, 'SIGKILL');
      });
    }
    const p = new RoleProcess(options.name, child);
    teardown?.add(`role process ${options.name}`, () => p.stop());
    await p.waitReady();
    return p;
  }

  /** The runner's stderr (the last 64 KiB): a role's crash is written there. */
  get log(): string {
    return this.stderr;
  }

  /** How the process ended, or undefined while it runs. */
  get exit(): RoleExit | undefined {
    return this.ended;
  }

  /** The process id (the runner's: `ip netns exec` execs it). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts a role; resolves with its URI and transport target. */
  startRole(request: Omit<StartRequest, 'op'>): Promise<StartedRole> {
    return this.request({ op: 'start', ...request }) as Promise<StartedRole>;
  }

  /** Runs an entry point; resolves with the statuses of its final responses. */
  call(
    id: string,
    entry: string,
    options: { readonly target?: CallTarget; readonly callId?: string } = {},
  ): Promise<CallOutcome> {
    return this.request({ op: 'call', id, entry, ...options }) as Promise<CallOutcome>;
  }

  /** Dialogs, transactions and sessions of every role in the process. */
  snapshots(): Promise<Snapshots> {
    return this.request({ op: 'snapshot' }) as Promise<Snapshots>;
  }

  /** The reactions that ended in an error, of every role in the process (`id method: message`). */
  failures(): Promise<string[]> {
    return this.request({ op: 'failures' }) as Promise<string[]>;
  }

  /** The flow actions a role took, in order. */
  actions(id: string): Promise<string[]> {
    return this.request({ op: 'actions', id }) as Promise<string[]>;
  }

  /** Closes every role and ends the process (SIGKILL after `graceMs`). */
  async stop(graceMs = 3000): Promise<RoleExit> {
    if (this.ended) return this.ended;
    await Promise.race([
      this.request({ op: 'close' }).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, graceMs)),
    ]);
    this.child.stdin?.end();
    const timer = setTimeout(() => killGroup(this.child, 'SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** SIGKILL to the process group, as a fault; resolves when it is gone. */
  kill(): Promise<RoleExit> {
    killGroup(this.child, 'SIGKILL');
    return this.exited;
  }

  /** Resolves with the first trace line (already seen or to come) that `match` accepts; rejects after `timeoutMs`. */
  async waitForTrace(match: (t: TraceLine) => boolean, timeoutMs: number): Promise<TraceLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.trace.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new InteropError('timeout', this.name, `no such message within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private request(body: object): Promise<unknown> {
    if (this.ended) return Promise.reject(this.failure('has exited'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.child.stdin?.write(`${JSON.stringify({ seq, ...body })}\n`);
    });
  }

  private readyResolve: (() => void) | undefined;

  private waitReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup(this.child, 'SIGKILL');
        reject(this.failure('not ready within 30000 ms'));
      }, 30_000);
      this.readyResolve = () => {
        clearTimeout(timer);
        resolve();
      };
      void this.exited.then((e) => {
        clearTimeout(timer);
        reject(this.failure(`exited (${e.signal ?? `code ${String(e.code)}`}) before ready`));
      });
    });
  }

  private onLine(line: string): void {
    if (!line.startsWith(RPC_PREFIX)) return;
    const data = JSON.parse(line.slice(RPC_PREFIX.length)) as RoleReply | TraceLine;
    if ('event' in data) {
      this.trace.push(data);
      return;
    }
    if (data.seq === 0) {
      this.readyResolve?.();
      return;
    }
    const waiting = this.pending.get(data.seq);
    this.pending.delete(data.seq);
    if (!waiting) return;
    if (data.ok) waiting.resolve(data.result);
    else waiting.reject(this.failure(data.error ?? 'failed'));
  }

  private failure(message: string): InteropError {
    return new InteropError('exited', `role process ${this.name}`, message, this.stderr);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}
