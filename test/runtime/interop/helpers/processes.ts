/** Child processes of the interop tests: spawned in their own process group, killed by it on teardown. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A running process with its combined output. */
export class PeerProcess {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  /** Starts `command` detached (its own process group) with output captured. */
  static start(name: string, command: string, args: readonly string[], cwd?: string): PeerProcess {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    return new PeerProcess(name, child);
  }

  /** What the process wrote to stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends SIGTERM to the process group, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const signal = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        // The group is gone already.
      }
    };
    signal('SIGTERM');
    const killed = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs)),
    ]);
    if (!killed) {
      signal('SIGKILL');
      await this.exited;
    }
  }
}
