/**
 * `flowspec run` as the tests start it: the CLI and the launcher compiled
 * into a private folder (so that the tests exercise the current sources
 * without racing other builds of dist/), run as a child process on
 * 127.0.0.1, its standard output and error kept, stopped by a signal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** A private build of bin/flowspec.js with `run`. */
export interface BuiltRun {
  readonly bin: string;
  remove(): void;
}

/** Compiles generator/cli/main.ts and launcher/run-command.ts (reached by a dynamic import, ADR 0005). */
export function buildRunCli(): BuiltRun {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'flowspec-run-test-'));
  mkdirSync(join(out, 'bin'), { recursive: true });
  const config = join(out, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { rootDir: ROOT, outDir: join(out, 'dist'), incremental: false },
      include: [
        join(ROOT, 'generator', 'cli', 'main.ts'),
        join(ROOT, 'launcher', 'run-command.ts'),
      ],
      exclude: [join(ROOT, 'node_modules'), '**/*.test.ts'],
    }),
  );
  // Type errors elsewhere in the tree do not stop emit; a missing module does.
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config],
    { encoding: 'utf8' },
  );
  for (const built of ['generator/cli/main.js', 'launcher/run-command.js'])
    if (!existsSync(join(out, 'dist', built)))
      throw new Error(`build of ${built} failed:\n${tsc.stdout}${tsc.stderr}`);
  const bin = join(out, 'bin', 'flowspec.js');
  copyFileSync(join(ROOT, 'bin', 'flowspec.js'), bin);
  return { bin, remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** A `flowspec run` child process. */
export class RunProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString('utf8');
      for (const w of this.waiters) w();
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
      for (const w of this.waiters) w();
    });
    this.exited = new Promise((done) => {
      child.once('exit', (code) => {
        done(code);
        for (const w of this.waiters) w();
      });
    });
  }

  /** Starts `flowspec run <args>` in the repository root; with `input`, its standard input is a pipe. */
  static start(bin: string, args: readonly string[], input = false): RunProcess {
    const child = spawn(process.execPath, [bin, 'run', ...args], {
      cwd: ROOT,
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    return new RunProcess(child);
  }

  /** Writes a command line to standard input (`--commands`). */
  write(line: string): void {
    if (!this.child.stdin)
      throw new Error('flowspec run was started without a standard input pipe');
    this.child.stdin.write(`${line}\n`);
  }

  /** Closes standard input. */
  endInput(): void {
    this.child.stdin?.end();
  }

  /** Whether the process still runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `test` holds for the output (or rejects after `ms`, or when the process ends first). */
  waitFor(what: string, test: (p: RunProcess) => boolean, ms = 15_000): Promise<void> {
    return new Promise((done, fail) => {
      const check = (): void => {
        if (test(this)) finish(undefined);
        else if (!this.running)
          finish(new Error(`flowspec run ended before ${what}:\n${this.stderr}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`no ${what} after ${ms} ms:\n${this.stderr.slice(-3000)}`)),
        ms,
      );
      const finish = (err: Error | undefined): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) fail(err);
        else done();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a signal and waits for the exit code (SIGKILL after `ms`). */
  async stop(signal: NodeJS.Signals, ms = 10_000): Promise<number | null> {
    if (this.running) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** The last status line printed (`--status`), parsed. */
  lastStatus(): { sessions: number; dialogs: number; transactions: number } | undefined {
    const all = [
      ...this.stderr.matchAll(/status: sessions=(\d+) dialogs=(\d+) transactions=(\d+)/g),
    ];
    const m = all[all.length - 1];
    return m
      ? { sessions: Number(m[1]), dialogs: Number(m[2]), transactions: Number(m[3]) }
      : undefined;
  }
}
