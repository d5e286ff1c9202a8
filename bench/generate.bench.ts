/**
 * The generator's speed (issue 6 item 6): every flow of flows/ generated
 * cold, in a fresh process through the CLI and in process on first use; and
 * one flow regenerated warm the way the editor's preview does it (projection
 * of that flow, role modules printed by ts-morph without the prettier pass).
 * Targets: cold under 3 s, warm under 150 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFiles, loadForGeneration, previewFlow } from '../generator/emit/index.js';
import { median, ms } from './stats.js';
import type { Benchmark } from './registry.js';

const WARM_RUNS = 30;
const PREVIEW_FLOW = 'poc.leave.on-demand';

/** The generate benchmark. */
export const benchmark: Benchmark = {
  name: 'generate',
  async run(): Promise<string> {
    const out = mkdtempSync(join(tmpdir(), 'flowspec-bench-generate-'));
    let cli: number;
    try {
      const started = performance.now();
      execFileSync(process.execPath, ['bin/flowspec.js', 'generate', '--out', out], {
        stdio: 'ignore',
      });
      cli = performance.now() - started;
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
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
      `${flows.length} flows, ${files.length} generated files; ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1) ?? '?'}.`,
      '',
      '| measurement | time | target |',
      '|---|---|---|',
      `| all flows, cold, fresh process (\`node bin/flowspec.js generate\`, Node start included) | ${ms(cli)} | 3 s |`,
      `| all flows, cold, in process: load and validate | ${ms(load)} | |`,
      `| all flows, cold, in process: project, emit, print, prettier | ${ms(firstGenerate)} | |`,
      `| all flows, cold, in process, total | ${ms(cold)} | 3 s ${cold < 3000 ? 'met' : 'missed'} |`,
      `| all flows again, warm | ${ms(warmAll)} | |`,
      `| one flow (${PREVIEW_FLOW}) regenerated warm for the preview, median of ${WARM_RUNS} | ${ms(median(warm))} | 150 ms ${median(warm) < 150 ? 'met' : 'missed'} |`,
      '',
      'The prettier pass dominates the full generation; the preview prints with ts-morph only.',
      '',
    ].join('\n');
  },
};
