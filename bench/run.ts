/**
 * `npm run bench`: runs every benchmark module (`bench/*.bench.ts`), each
 * measured side by side with its anchor (tshark, Kamailio, the fastest npm
 * parser) in the same run, and writes docs/benchmarks.md from their reports.
 *
 * Pass names to run a subset (`npm run bench -- sip-parser diff`): their
 * sections of docs/benchmarks.md are replaced and the others kept.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { loadBenchmarks } from './registry.js';

const benchmarks = await loadBenchmarks();

const wanted = new Set(process.argv.slice(2));
const selected = benchmarks.filter((b) => wanted.size === 0 || wanted.has(b.name));
if (selected.length === 0 || selected.length < wanted.size) {
  process.stderr.write(
    `bench: unknown benchmark in ${[...wanted].join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}\n`,
  );
  process.exit(2);
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const out = 'docs/benchmarks.md';

/** Sections of the current file by benchmark name (marked with an HTML comment). */
function currentSections(): Map<string, string> {
  const map = new Map<string, string>();
  if (!existsSync(out)) return map;
  const text = readFileSync(out, 'utf8');
  for (const part of text.split(/(?=<!-- bench: )/)) {
    const m = /^<!-- bench: ([\w-]+) -->/.exec(part);
    if (m?.[1]) map.set(m[1], part.trimEnd());
  }
  return map;
}

const measured = new Map<string, string>();
for (const bench of selected) {
  process.stderr.write(`bench: ${bench.name} ...\n`);
  const started = performance.now();
  const markdown = await bench.run();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`bench: ${bench.name} done in ${seconds.toFixed(1)} s\n`);
  process.stdout.write(`${markdown.trimEnd()}\n\n`);
  measured.set(
    bench.name,
    `<!-- bench: ${bench.name} -->\n${markdown.trimEnd()}\n\n_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}._`,
  );
}

// Read just before writing: another run may have replaced other sections meanwhile.
const sections = currentSections();
for (const [name, text] of measured) sections.set(name, text);
const header = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (all) or `npm run bench -- NAME...` (those sections only). Every',
  'figure is measured in the same run as its anchor (tshark, Kamailio, the fastest npm parser).',
  '',
].join('\n');
const order = benchmarks.map((b) => b.name);
const body = [...sections.entries()]
  .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
  .map(([, text]) => text)
  .join('\n\n');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${header}\n${body}\n`);
process.stderr.write(`bench: wrote ${out}\n`);
