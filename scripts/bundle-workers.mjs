// The worker threads of `flowspec diff` (generator/cli/*-worker.ts), each bundled into one
// module next to what tsc built (dist/generator/cli/bundled/): a worker then loads one file
// instead of resolving and linking some 70 to 290 modules, about 100 ms less before the first
// batch is checked (docs/adr/0006-diff-threads.md). Run by `npm run build` after tsc.
import { rolldown } from 'rolldown';

const WORKERS = ['capture-worker', 'engine-worker', 'request-worker'];
const DIR = 'dist/generator/cli';

for (const name of WORKERS) {
  const bundle = await rolldown({
    input: `${DIR}/${name}.js`,
    platform: 'node',
    logLevel: 'warn',
  });
  try {
    await bundle.write({ file: `${DIR}/bundled/${name}.js`, format: 'esm', sourcemap: true });
  } finally {
    await bundle.close();
  }
}
