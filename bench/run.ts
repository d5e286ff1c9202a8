/**
 * `npm run bench`: runs every benchmark module listed below, each measured
 * side by side with its anchor (tshark, Kamailio, the fastest npm parser) in
 * the same run, and rewrites docs/benchmarks.md from their reports.
 *
 * A benchmark module exports `benchmark: Benchmark`. Pass names to run a
 * subset: `npm run bench -- sip-parser`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { loadBenchmarks } from './registry.js';

const benchmarks = await loadBenchmarks();

const wanted = new Set(process.argv.slice(2));
const selected = benchmarks.filter((b) => wanted.size === 0 || wanted.has(b.name));
if (selected.length === 0) {
  process.stderr.write(
    `bench: no benchmark named ${[...wanted].join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}\n`,
  );
  process.exit(2);
}

const sections: string[] = [];
for (const bench of selected) {
  process.stderr.write(`bench: ${bench.name} ...\n`);
  const started = performance.now();
  const markdown = await bench.run();
  process.stderr.write(
    `bench: ${bench.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  sections.push(markdown.trimEnd());
}

const header = [
  '# Benchmarks',
  '',
  'Written by `npm run bench`; every figure is measured in the same run as its anchor.',
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
].join('\n');
const out = 'docs/benchmarks.md';
if (wanted.size === 0) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${header}\n${sections.join('\n\n')}\n`);
  process.stderr.write(`bench: wrote ${out}\n`);
} else {
  process.stdout.write(`${sections.join('\n\n')}\n`);
}
