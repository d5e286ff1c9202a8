/**
 * `flowspec generate [--flows DIR] [--out DIR] [--check]`: projects the
 * flows onto their roles and writes generated/ (one module per role, one
 * test per runnable flow); `--check` writes nothing and exits 1 when
 * generated/ is stale, naming the files.
 */
import { ContradictionError, ProjectionError } from '../projection/index.js';
import {
  GenerateError,
  generateOutput,
  loadForGeneration,
  staleFiles,
  untestedLine,
  writeGenerated,
} from '../emit/index.js';

/** Options of the generate command. */
export interface GenerateOptions {
  readonly flows?: string;
  readonly out?: string;
  readonly check?: boolean;
}

/** Runs the command; returns the exit code (0 fresh or written, 1 stale or contradictory flows, 2 unusable flows). */
export async function runGenerate(
  opts: GenerateOptions,
  io: { out(s: string): void; err(s: string): void },
): Promise<number> {
  const flowsDir = opts.flows ?? 'flows';
  const outDir = opts.out ?? 'generated';
  let files;
  try {
    const { flows, resolve } = await loadForGeneration(flowsDir);
    const output = await generateOutput(flows, resolve);
    files = output.files;
    // A seed flow without a generated test is named with why, one line each.
    for (const u of output.untested) io.err(`flowspec: ${untestedLine(u)}\n`);
  } catch (e) {
    if (e instanceof ContradictionError || e instanceof ProjectionError) {
      io.err(`flowspec: ${e.message}\n`);
      return 1;
    }
    if (e instanceof GenerateError) {
      io.err(`flowspec: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (opts.check === true) {
    const stale = await staleFiles(outDir, files);
    if (stale.length > 0) {
      io.err(`flowspec: ${outDir}/ is stale; run \`npm run generate\`:\n`);
      for (const f of stale) io.err(`  ${outDir}/${f}\n`);
      return 1;
    }
    io.out(`${outDir}/ is up to date (${files.length} files)\n`);
    return 0;
  }
  const written = await writeGenerated(outDir, files);
  for (const f of written) io.out(`wrote ${outDir}/${f}\n`);
  io.out(`${files.length} files, ${written.length} changed\n`);
  return 0;
}
