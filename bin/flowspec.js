#!/usr/bin/env node
// Entry point of the compiled CLI: `npm run build` writes dist/; a fresh clone
// that has not built yet gets a one-line instruction instead of a stack trace.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = fileURLToPath(new URL('../dist/generator/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('flowspec: not built yet; run `npm run build` in the flowspec checkout\n');
  process.exit(2);
}
const { run } = await import(pathToFileURL(main).href);
process.exitCode = await run(process.argv.slice(2));
