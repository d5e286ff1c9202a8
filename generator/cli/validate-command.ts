/** `flowspec validate <paths...> [--format text|json]`. */
import { hasErrors } from '../findings/finding.js';
import { validatePaths } from '../project/flow-set.js';
import { findingsJson, findingsText, type FindingFormat } from './output.js';

/** Validates the paths and prints the findings; returns the exit code. */
export async function runValidate(
  paths: readonly string[],
  format: FindingFormat,
  io: { out(s: string): void; isTTY: boolean },
): Promise<number> {
  const { files, findings } = await validatePaths(paths);
  io.out(format === 'json' ? findingsJson(findings) : findingsText(findings, files, io.isTTY));
  return hasErrors(findings) ? 1 : 0;
}
