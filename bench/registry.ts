import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One benchmark: a file `bench/NAME.bench.ts` exporting `benchmark`. */
export interface Benchmark {
  /** Short name used on the command line (`npm run bench -- NAME`). */
  readonly name: string;
  /** Runs the measurement and returns a Markdown section (starting with `## `). */
  run(): Promise<string>;
}

/** Every `*.bench.js` module next to this file, in file-name order. */
export async function loadBenchmarks(): Promise<Benchmark[]> {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.js'))
    .sort();
  const loaded: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { benchmark?: Benchmark };
    if (!mod.benchmark) throw new Error(`bench/${file} exports no \`benchmark\``);
    loaded.push(mod.benchmark);
  }
  return loaded;
}
