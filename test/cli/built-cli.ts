/**
 * Builds the CLI the way users run it (compiled JavaScript behind
 * bin/flowspec.js) into a private folder, so these tests exercise the current
 * sources without racing other builds of dist/.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve('.');

/** A built CLI: the copied bin, and a way to remove the build. */
export interface BuiltCli {
  readonly bin: string;
  remove(): void;
}

/**
 * Compiles the CLI into a fresh folder and copies bin/flowspec.js next to
 * it. The folder lies inside node_modules so that the compiled code resolves
 * the project's packages; one per run, so concurrent runs do not collide.
 */
export function buildCli(): BuiltCli {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const OUT = mkdtempSync(join(cache, 'flowspec-cli-test-'));
  mkdirSync(join(OUT, 'bin'), { recursive: true });
  const config = join(OUT, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: ROOT,
        outDir: join(OUT, 'dist'),
        incremental: false,
      },
      // The CLI and what it imports (tsc follows the lazy imports of commands too).
      include: [join(ROOT, 'generator', 'cli', 'main.ts')],
      exclude: [join(ROOT, 'node_modules'), '**/*.test.ts'],
    }),
  );
  // Type errors elsewhere in the tree do not stop emit; a missing main.js does.
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config],
    { encoding: 'utf8' },
  );
  const main = join(OUT, 'dist', 'generator', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`CLI build failed:\n${tsc.stdout}${tsc.stderr}`);
  const bin = join(OUT, 'bin', 'flowspec.js');
  copyFileSync(join(ROOT, 'bin', 'flowspec.js'), bin);
  return { bin, remove: () => rmSync(OUT, { recursive: true, force: true }) };
}

/** Result of running the built CLI. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI with `args` in the repository root. */
export function runBuilt(bin: string, args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
