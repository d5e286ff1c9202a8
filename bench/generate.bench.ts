/**
 * The generator's speed (issue 6 item 6): every flow of flows/ generated
 * cold, in a fresh process through the CLI and in process on first use; and
 * one flow regenerated warm the way the editor's preview does it (projection
 * of that flow, role modules printed by ts-morph without the prettier pass).
 * Targets: cold under 3 s, warm under 150 ms. Cold through the CLI is the
 * median of a few fresh processes, each writing into an empty folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFiles, loadForGeneration, previewFlow } from '../generator/emit/index.js';
import { FORMAT_CACHE_ENV } from '../generator/emit/format-cache.js';
import { median, ms } from './stats.js';
import type { Benchmark } from './registry.js';

const WARM_RUNS = 30;
const CLI_RUNS = 3;
const PREVIEW_FLOW = 'poc.leave.on-demand';

/** A fresh process that runs the CLI and reports its CPU time (user and system, µs) on stderr. */
const CPU_REPORTING = [
  "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`\\ncpu ${u.user + u.system}\\n`); });",
  "await import(new URL('bin/flowspec.js', `file://${process.cwd()}/`).href);",
].join(' ');

/**
 * The median wall and CPU time of `runs` fresh `flowspec generate` processes, each into an
 * empty folder, with the format cache in `cache`, or in a new empty folder per run when
 * `cache` is undefined. CPU time is what the machine's load (other processes) changes least.
 */
function cliMedian(cache: string | undefined, runs = CLI_RUNS): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), 'flowspec-bench-generate-'));
    const dir = cache ?? mkdtempSync(join(tmpdir(), 'flowspec-bench-cache-'));
    try {
      const started = performance.now();
      const child = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', CPU_REPORTING, 'bin/flowspec.js', 'generate', '--out', out],
        { encoding: 'utf8', env: { ...process.env, [FORMAT_CACHE_ENV]: dir } },
      );
      walls.push(performance.now() - started);
      const cpu = /\ncpu (\d+)\n/.exec(child.stderr)?.[1];
      if (child.status !== 0 || cpu === undefined)
        throw new Error(`bench: flowspec generate failed: ${child.stderr}`);
      cpus.push(Number(cpu) / 1000);
    } finally {
      rmSync(out, { recursive: true, force: true });
      if (cache === undefined) rmSync(dir, { recursive: true, force: true });
    }
  }
  return { wall: median(walls), cpu: median(cpus) };
}

/** The generate benchmark. */
export const benchmark: Benchmark = {
  name: 'generate',
  async run(): Promise<string> {
    // Each run is a fresh process writing into an empty folder: cold every time. Without a
    // format cache (a fresh clone: its own empty cache folder per run), then with the cache an
    // earlier generation filled (the usual case on a working checkout and in CI after one run).
    const emptyCache = cliMedian(undefined);
    const shared = mkdtempSync(join(tmpdir(), 'flowspec-bench-cache-'));
    let filledCache: { wall: number; cpu: number };
    try {
      cliMedian(shared, 1);
      filledCache = cliMedian(shared);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
    // In process, prettier runs on every file (no format cache).
    process.env[FORMAT_CACHE_ENV] = 'off';
    let t = performance.now();
    const { flows, resolve } = await loadForGeneration('flows');
    const load = performance.now() - t;
    t = performance.now();
    const files = await generateFiles(flows, resolve);
    const firstGenerate = performance.now() - t;
    t = performance.now();
    await generateFiles(flows, resolve);
    const warmAll = performance.now() - t;
    const flow = flows.find((f) => f.id === PREVIEW_FLOW);
    if (!flow) throw new Error(`bench: no flow ${PREVIEW_FLOW}`);
    previewFlow(flow, resolve);
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      t = performance.now();
      previewFlow(flow, resolve);
      warm.push(performance.now() - t);
    }
    const cold = load + firstGenerate;
    return [
      '## Generator (`flowspec generate`)',
      '',
      `${flows.length} flows, ${files.length} generated files; ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1) ?? '?'} (other processes share the CPUs: the CPU time of the process is the steadier figure).`,
      '',
      '| measurement | time | target |',
      '|---|---|---|',
      `| all flows, cold, fresh process (\`node bin/flowspec.js generate\`, Node start included), empty format cache, median of ${CLI_RUNS} | ${ms(emptyCache.wall)} wall, ${ms(emptyCache.cpu)} CPU | 3 s ${emptyCache.wall < 3000 ? 'met' : 'missed'} |`,
      `| the same, format cache filled by an earlier generation, median of ${CLI_RUNS} | ${ms(filledCache.wall)} wall, ${ms(filledCache.cpu)} CPU | 3 s ${filledCache.wall < 3000 ? 'met' : 'missed'} |`,
      `| all flows, cold, in process: load and validate | ${ms(load)} | |`,
      `| all flows, cold, in process: project, emit, print, prettier (no format cache) | ${ms(firstGenerate)} | |`,
      `| all flows, cold, in process, total | ${ms(cold)} | 3 s ${cold < 3000 ? 'met' : 'missed'} |`,
      `| all flows again, warm (no format cache) | ${ms(warmAll)} | |`,
      `| one flow (${PREVIEW_FLOW}) regenerated warm for the preview, median of ${WARM_RUNS} | ${ms(median(warm))} | 150 ms ${median(warm) < 150 ? 'met' : 'missed'} |`,
      '',
      'Each file is printed once by ts-morph (the statements, then the imports they use; no edit of a printed file) and formatted once by prettier, the largest part left, or taken from the format cache (`node_modules/.cache/flowspec-format`, by hash of the printed text, the options and the prettier version); the preview prints with ts-morph only.',
      '',
    ].join('\n');
  },
};
