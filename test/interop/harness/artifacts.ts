/**
 * Test artifacts (captures, diff reports, peer logs) under
 * test-output/interop/<test>/, kept after the run for CI to upload and for
 * docs/interop.md to quote.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './flowspec-cli.js';

/** An emptied directory test-output/interop/<name>/ (name in kebab-case). */
export function artifactDir(name: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new RangeError(`artifact dir ${name}: kebab-case only`);
  const dir = join(REPO_ROOT, 'test-output/interop', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes the address map of a run for `flowspec diff --map`: participant
 * id -> "address:port", with a comment naming the flow.
 */
export function writeAddressMap(
  file: string,
  flowId: string,
  participants: Readonly<Record<string, string>>,
): string {
  const lines = Object.entries(participants).map(([id, at]) => `  ${id}: "${at}"`);
  writeFileSync(
    file,
    [
      `# Participants of ${flowId} in this run (flowspec diff --map).`,
      'participants:',
      ...lines,
      '',
    ].join('\n'),
  );
  return file;
}
