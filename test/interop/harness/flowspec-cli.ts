/**
 * The compiled CLI (bin/flowspec.js, built by scripts/setup.sh) as the
 * tests' checker: `flowspec diff` and `flowspec ladder` on a capture, with
 * exit code and output kept.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InteropError } from './interop-error.js';

/**
 * The repository root: the nearest folder above this module with a
 * package.json, so that the harness finds the repository's files both from
 * its sources (test/interop/harness) and compiled for the benchmarks
 * (dist/test/interop/harness).
 */
function repositoryRoot(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(import.meta.dirname, '../../..');
  }
}

/** The repository root. */
export const REPO_ROOT = repositoryRoot();
const CLI = join(REPO_ROOT, 'bin/flowspec.js');
const BUILT = join(REPO_ROOT, 'dist/generator/cli/main.js');

/** What a CLI run gave. */
export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `flowspec <args>` (at most 60 s); exit codes 0, 1, 2 with output are
 * results, anything else (another code, a crash without output) an error
 * carrying stderr.
 */
export function runFlowspec(args: readonly string[]): Promise<CliResult> {
  if (!existsSync(BUILT))
    throw new InteropError(
      'start-failed',
      'flowspec',
      'the CLI is not built: run `bash scripts/setup.sh` or `npm run build`',
    );
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: REPO_ROOT, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        // A verdict (1) or unusable input (2) comes with output; a crash (exit 1, a stack on
        // stderr, nothing on stdout) is no result.
        const crashed = code !== 0 && stdout.trim() === '' && !args.includes('--out');
        if (code < 0 || code > 2 || crashed) {
          reject(
            new InteropError(
              'command-failed',
              `flowspec ${args.join(' ')}`,
              `exit ${String(err?.code)}`,
              stderr,
            ),
          );
          return;
        }
        resolve({ exitCode: code, stdout, stderr });
      },
    );
  });
}
