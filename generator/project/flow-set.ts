/**
 * A set of flow files loaded together, so refs and preconditions resolve
 * across files: the files named, plus every flow of the `flows/` folder
 * they live in (or the current directory's flows/). The neighbours are read
 * at once but parsed only when a ref or precondition asks for their id (or
 * when the whole index is listed): a command on one flow does not pay for
 * parsing and schema-checking the whole folder.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../findings/finding.js';
import { compareFindings } from '../findings/finding.js';
import { FlowReadError, loadFlowFile, loadFlowText, type LoadedFlow } from '../load/load-flow.js';
import type { Flow } from '../model/flow-model.js';
import { validateFlow } from '../validate/validate-flow.js';

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

/** Loaded flows: the ones asked for, and an index over them and their neighbours. */
export interface FlowSet {
  /** Flows named on the command line (files, or found in named folders), in path order. */
  readonly requested: readonly LoadedFlow[];
  /** Every flow that loaded, by id. */
  readonly index: ReadonlyMap<string, Flow>;
  /** Findings that concern the set: duplicate flow ids. */
  readonly findings: readonly Finding[];
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

/** Loads the named flows and their neighbours, and indexes them by id. */
export async function loadFlowSet(paths: readonly string[]): Promise<FlowSet> {
  const requestedFiles = await expandPaths(paths);
  const roots = new Set<string>();
  for (const f of requestedFiles) {
    const r = flowsRoot(f);
    if (r) roots.add(r);
  }
  const local = resolve('flows');
  try {
    if ((await stat(local)).isDirectory()) roots.add(local);
  } catch {
    // no flows/ here: only the named files and their own roots resolve refs
  }
  const neighbourFiles: string[] = [];
  for (const r of roots) await walk(r, neighbourFiles);
  const neighbours = neighbourFiles
    .map((f) => relative(process.cwd(), f) || f)
    .filter((f) => !requestedFiles.includes(f));

  const requested = await Promise.all(requestedFiles.map((f) => loadFlowFile(f)));
  const index = new Map<string, Flow>();
  const findings: Finding[] = [];
  // Neighbours come after every requested flow: a duplicate id is a finding only among these.
  for (const l of requested) {
    if (!l.flow) continue;
    const prev = index.get(l.flow.id);
    if (prev) {
      findings.push({
        rule: 'duplicate-flow-id',
        severity: 'error',
        message: `flow id "${l.flow.id}" is already used by ${prev.file}`,
        file: l.file,
        line: l.flow.loc.line,
        column: l.flow.loc.column,
      });
      continue;
    }
    index.set(l.flow.id, l.flow);
  }
  const texts = await Promise.all(neighbours.map((f) => readNeighbour(f)));
  return { requested, index: new LazyFlowIndex(index, texts), findings };
}

/** A neighbour flow file read but not yet parsed, with the id its text declares (when plain). */
interface NeighbourText {
  readonly file: string;
  readonly text: string;
  /** The top-level `id:` when the text states it plainly once; undefined when it must be parsed to know. */
  readonly id: string | undefined;
  loaded?: LoadedFlow;
}

/** A top-level `id:` line with a plain or simply quoted flow id (schema: flow id pattern). */
const ID_LINE =
  /^id:[ \t]*(?:([a-z][a-z0-9.-]*)|"([a-z][a-z0-9.-]*)"|'([a-z][a-z0-9.-]*)')[ \t]*(?:#.*)?$/gm;

async function readNeighbour(file: string): Promise<NeighbourText> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FlowReadError(file, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  // A key at column 0 is a key of the top-level mapping (block scalars and continuation lines
  // are indented): one such `id:` line is the flow's id. Anything else (none, several, flow
  // style, anchors, tags) is left to the parser.
  const ids = [...text.matchAll(ID_LINE)];
  const m = ids.length === 1 ? ids[0] : undefined;
  return { file, text, id: m ? (m[1] ?? m[2] ?? m[3]) : undefined };
}

/**
 * The flows of a set by id: the requested ones, then the neighbours in path order, the first of
 * an id winning. A lookup parses only the neighbours that may hold the id; listing the index
 * parses them all.
 */
class LazyFlowIndex implements ReadonlyMap<string, Flow> {
  private all: Map<string, Flow> | undefined;

  constructor(
    private readonly requested: ReadonlyMap<string, Flow>,
    private readonly neighbours: readonly NeighbourText[],
  ) {}

  private load(n: NeighbourText): LoadedFlow {
    n.loaded ??= loadFlowText(n.text, n.file);
    return n.loaded;
  }

  /** Every flow, in the order the set defines. */
  private full(): Map<string, Flow> {
    if (!this.all) {
      const all = new Map(this.requested);
      for (const n of this.neighbours) {
        const flow = this.load(n).flow;
        if (flow && !all.has(flow.id)) all.set(flow.id, flow);
      }
      this.all = all;
    }
    return this.all;
  }

  get(id: string): Flow | undefined {
    if (this.all) return this.all.get(id);
    const own = this.requested.get(id);
    if (own) return own;
    for (const n of this.neighbours) {
      if (n.id !== undefined && n.id !== id) continue;
      const flow = this.load(n).flow;
      if (flow?.id === id) return flow;
    }
    return undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  get size(): number {
    return this.full().size;
  }

  entries(): MapIterator<[string, Flow]> {
    return this.full().entries();
  }

  keys(): MapIterator<string> {
    return this.full().keys();
  }

  values(): MapIterator<Flow> {
    return this.full().values();
  }

  forEach(fn: (value: Flow, key: string, map: ReadonlyMap<string, Flow>) => void): void {
    for (const [k, v] of this.full()) fn(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, Flow]> {
    return this.full()[Symbol.iterator]();
  }
}

/** Loads, checks and validates flows: every finding of the named files, sorted. */
export async function validatePaths(
  paths: readonly string[],
): Promise<{ files: number; findings: Finding[] }> {
  const set = await loadFlowSet(paths);
  const findings: Finding[] = [...set.findings];
  for (const l of set.requested) {
    findings.push(...l.findings);
    if (l.flow) findings.push(...validateFlow(l.flow, (id) => set.index.get(id)));
  }
  return { files: set.requested.length, findings: findings.sort(compareFindings) };
}

/** Path separator-independent display of a file. */
export function displayPath(file: string): string {
  return file.split(sep).join('/');
}
