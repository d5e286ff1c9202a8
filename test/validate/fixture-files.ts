/** Paths of the flow fixtures shared by the model, validation, CLI and edit tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folder of the flow fixtures, relative to the repository root (the tests' working directory). */
export const FIXTURE_DIR = 'test/fixtures/flows';

/** The path of fixture `name` (without `.flow.yaml`). */
export function fixturePath(name: string): string {
  return join(FIXTURE_DIR, `${name}.flow.yaml`);
}

/** The text of fixture `name`. */
export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** Every `*.flow.yaml` file under `dir`, recursively, sorted; none when `dir` is missing. */
export function flowFilesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...flowFilesUnder(p));
    else if (e.endsWith('.flow.yaml')) out.push(p);
  }
  return out;
}
