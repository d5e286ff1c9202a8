/**
 * Which files a set of flows is loaded from (project/flow-set.ts): the
 * files named, and every flow file of the `flows/` folder they live in and
 * of the current directory's flows/. Apart from the loader (no YAML parser
 * here), so a command can tell which files a flow depends on without loading
 * any of them (cli/flow-cache.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** File name endings of flow files found in folders. */
export const FLOW_FILE = /\.flow\.ya?ml$/;

/** A path given on the command line that could not be used. */
export class FlowPathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FlowPathError';
  }
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (FLOW_FILE.test(e.name)) out.push(p);
  }
}

/** Expands files and folders into flow files; throws {@link FlowPathError} for a missing path. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new FlowPathError(p, 'no such file or folder');
    }
    if (st.isDirectory()) await walk(p, files);
    else files.push(p);
  }
  return [...new Set(files.map((f) => relative(process.cwd(), resolve(f)) || f))];
}

/** The enclosing `flows` folder of a file, if any. */
function flowsRoot(file: string): string | undefined {
  let dir = dirname(resolve(file));
  for (;;) {
    if (basename(dir) === 'flows') return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The files of a flow set, each named relative to the current directory. */
export interface FlowSetFiles {
  /** The files named (or found in named folders), in path order. */
  readonly requested: readonly string[];
  /** The other flow files of their `flows/` folders and of ./flows, in path order. */
  readonly neighbours: readonly string[];
}

/** The files a set of `paths` loads; throws {@link FlowPathError} for a missing path. */
export async function flowSetFiles(paths: readonly string[]): Promise<FlowSetFiles> {
  const requested = await expandPaths(paths);
  const roots = new Set<string>();
  for (const f of requested) {
    const r = flowsRoot(f);
    if (r) roots.add(r);
  }
  const local = resolve('flows');
  try {
    if ((await stat(local)).isDirectory()) roots.add(local);
  } catch {
    // no flows/ here: only the named files and their own roots resolve refs
  }
  const found: string[] = [];
  for (const r of roots) await walk(r, found);
  const neighbours = found
    .map((f) => relative(process.cwd(), f) || f)
    .filter((f) => !requested.includes(f));
  return { requested, neighbours };
}
