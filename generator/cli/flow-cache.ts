/**
 * `flowspec diff`'s flows kept on disk once checked: the flow a diff names,
 * validated, with the flows it refers to, stored under the hash of every
 * file the flow set was read from (their names and texts: loading depends
 * on nothing else, project/flow-set.ts) and of the code that loads and
 * validates it (the request's thread's script). A diff that finds its flows
 * there hands them to the engine's thread at once: no YAML parsed, no
 * schema or lint run, no request thread started (docs/adr/0006). Anything
 * edited, added or removed in the flows folder, or a new build, gives
 * another key, and the flow is loaded and checked again. The cache is only
 * ever a copy of what loading produced for a flow that validated; one that
 * cannot be read or written only costs speed, and `FLOWSPEC_FLOW_CACHE=off`
 * turns it off.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { cacheRoot } from '../load/validator-cache.js';
import type { Flow } from '../model/flow-model.js';
import { flowSetFiles } from '../project/flow-files.js';

/** `FLOWSPEC_FLOW_CACHE`: the cache folder, or `off`; default `node_modules/.cache/flowspec-flows`. */
export const FLOW_CACHE_ENV = 'FLOWSPEC_FLOW_CACHE';

/** Entries kept: the oldest beyond these go when one is stored. */
const KEPT = 100;

/** Where entries are, and the build they are made by. */
export interface FlowCache {
  readonly dir: string;
  /** Hash of the code that loads and validates flows (the request's thread's script). */
  readonly build: string;
}

/** A flow as a diff needs it: validated, with the flows its refs name, by id. */
export interface CachedFlows {
  readonly flow: Flow;
  readonly flows: ReadonlyMap<string, Flow>;
}

/** A file the flows were read from, with its text. */
interface Source {
  readonly file: string;
  readonly text: string;
}

/**
 * The cache for flows loaded by `loaderScript`; undefined when it is turned off, and for a
 * script that is not a bundle (scripts/bundle-workers.mjs): the modules tsc built import others,
 * whose changes the script's own hash would not show.
 */
export function flowCache(loaderScript: string): FlowCache | undefined {
  const set = process.env[FLOW_CACHE_ENV];
  if (set === 'off' || basename(dirname(loaderScript)) !== 'bundled') return undefined;
  let build: string;
  try {
    build = createHash('sha256').update(readFileSync(loaderScript)).digest('hex');
  } catch {
    return undefined;
  }
  const dir = set !== undefined && set !== '' ? set : join(cacheRoot(), 'flowspec-flows');
  return { dir, build };
}

/** The entry's file for a flow set read from `sources` (in the set's order). */
export function entryFile(cache: FlowCache, sources: readonly Source[]): string {
  const h = createHash('sha256').update(`flowspec flows 1\0${cache.build}\0`);
  // Each name and text with its length before it: no two lists hash the same text.
  for (const { file, text } of sources)
    h.update(`${file.length}:${file}\0${text.length}:`).update(text);
  return join(cache.dir, `${h.digest('hex')}.bin`);
}

/**
 * The flows stored for `flowPath` as its files read now; undefined when there are none, or a
 * file cannot be read (loading it reports that), or the entry cannot be read.
 */
export async function cachedFlows(
  flowPath: string,
  cache: FlowCache,
): Promise<CachedFlows | undefined> {
  try {
    const { requested, neighbours } = await flowSetFiles([flowPath]);
    if (requested.length !== 1) return undefined;
    const files = [...requested, ...neighbours];
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    const sources = files.map((file, i) => ({ file, text: texts[i] ?? '' }));
    const stored = deserialize(await readFile(entryFile(cache, sources))) as Partial<CachedFlows>;
    if (typeof stored.flow?.id !== 'string' || !(stored.flows instanceof Map)) return undefined;
    return stored as CachedFlows;
  } catch {
    return undefined;
  }
}

/**
 * Stores the flows loaded from `sources` (a temporary file renamed: a concurrent diff reads
 * either nothing or all of it), and lets the oldest entries beyond {@link KEPT} go.
 */
export function storeFlows(cache: FlowCache, sources: readonly Source[], flows: CachedFlows): void {
  const file = entryFile(cache, sources);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(cache.dir, { recursive: true });
    writeFileSync(tmp, serialize({ flow: flows.flow, flows: new Map(flows.flows) }));
    renameSync(tmp, file);
    const entries = readdirSync(cache.dir);
    if (entries.length <= KEPT) return;
    // The oldest others go (the one just stored stays, whatever the clock's resolution).
    const aged = entries
      .filter((name) => name !== basename(file))
      .map((name) => ({ name, at: statSync(join(cache.dir, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const { name } of aged.slice(KEPT - 1)) unlinkSync(join(cache.dir, name));
  } catch {
    // Read-only checkout or full disk: the next diff loads the flow again.
  }
}
