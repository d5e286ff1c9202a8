/**
 * A set of flow files loaded together, so refs and preconditions resolve
 * across files: the files named, plus every flow of the `flows/` folder
 * they live in (or the current directory's flows/). The neighbours are read
 * at once but parsed only when a ref or precondition asks for their id (or
 * when the whole index is listed): a command on one flow does not pay for
 * parsing and schema-checking the whole folder.
 */
import { readFile } from 'node:fs/promises';
import { sep } from 'node:path';
import type { Finding } from '../findings/finding.js';
import { compareFindings } from '../findings/finding.js';
import { FlowReadError, loadFlowFile, loadFlowText, type LoadedFlow } from '../load/load-flow.js';
import type { Flow } from '../model/flow-model.js';
import { validateFlow } from '../validate/validate-flow.js';
import { flowSetFiles } from './flow-files.js';

export { expandPaths, FLOW_FILE, FlowPathError } from './flow-files.js';

/** A file a flow set was read from, and its text as read. */
export interface FlowSource {
  readonly file: string;
  readonly text: string;
}

/** Loaded flows: the ones asked for, and an index over them and their neighbours. */
export interface FlowSet {
  /** Flows named on the command line (files, or found in named folders), in path order. */
  readonly requested: readonly LoadedFlow[];
  /** Every flow that loaded, by id. */
  readonly index: ReadonlyMap<string, Flow>;
  /** Findings that concern the set: duplicate flow ids. */
  readonly findings: readonly Finding[];
  /**
   * Every file the set was read from, with the text read: the requested files, then the
   * neighbours, in path order. The set is a function of these alone (cli/flow-cache.ts).
   */
  readonly sources: readonly FlowSource[];
}

/** Loads the named flows and their neighbours, and indexes them by id. */
export async function loadFlowSet(paths: readonly string[]): Promise<FlowSet> {
  const { requested: requestedFiles, neighbours } = await flowSetFiles(paths);
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
  const sources = [...requested, ...texts].map(({ file, text }) => ({ file, text }));
  return { requested, index: new LazyFlowIndex(index, texts), findings, sources };
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
