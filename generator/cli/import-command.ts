/** `flowspec import-text <seed.txt> [--out DIR] [--format text|json]`. */
import { basename, join } from 'node:path';
import { hasErrors } from '../findings/finding.js';
import { importJson, importTextFile } from '../import/import-text.js';
import { findingsText, type FindingFormat } from './output.js';

/** Imports a seed, writes its drafts and prints the findings; returns the exit code. */
export async function runImportText(
  seed: string,
  opts: { out?: string; format: FindingFormat },
  io: { out(s: string): void; isTTY: boolean },
): Promise<number> {
  const out = opts.out ?? join('drafts', basename(seed).replace(/\.[^.]*$/, ''));
  // An unreadable seed or unwritable folder throws FlowReadError: main prints it, exit 2.
  const result = await importTextFile(seed, out);
  if (opts.format === 'json') io.out(importJson(result));
  else {
    const written = result.flows
      .map((f) => `wrote ${f.file} (${f.id}, ${f.steps} steps)`)
      .join('\n');
    io.out(`${written}${written ? '\n' : ''}${findingsText(result.findings, 1, io.isTTY)}`);
  }
  return hasErrors(result.findings) ? 1 : 0;
}
