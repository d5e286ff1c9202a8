/** `flowspec lint <paths...> [--format text|json]`. */
import { hasErrors } from '../findings/finding.js';
import { lintPaths } from '../lint/lint-flow.js';
import { findingsJson, findingsText, type FindingFormat } from './output.js';

/** Lints the paths and prints the findings; returns the exit code (1 when any finding is an error). */
export async function runLint(
  paths: readonly string[],
  format: FindingFormat,
  io: { out(s: string): void; isTTY: boolean },
): Promise<number> {
  const { files, findings } = await lintPaths(paths);
  // The evidence is for import-text's locating; output keeps the validate shape.
  const plain = findings.map(({ evidence: _evidence, ...f }) => f);
  io.out(format === 'json' ? findingsJson(plain) : findingsText(plain, files, io.isTTY));
  return hasErrors(findings) ? 1 : 0;
}
