/**
 * The `--map` file of `flowspec diff` and `flowspec run` (participant id or
 * figure label -> "ip", "ip:port" or "[ipv6]:port"; address-map.ts). A map
 * that is a topology (docs/run.md) also gives the case's facts in
 * `policies:`.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { Flow } from '../model/flow-model.js';
import { AddressMapError, parseAddress, type AddressSpec } from './address-map.js';
import { checkFact, type FactValue } from './facts.js';

/** What a map file gives: participants' addresses, and facts of the case (`policies:`). */
export interface MapFile {
  readonly addresses: Map<string, AddressSpec[]>;
  /** The top-level `policies:` of a topology, checked against the flow's guards. */
  readonly facts: Map<string, FactValue>;
}

/**
 * Reads a map file for a flow: keys are participant ids or figure labels.
 * Unknown participants and bad addresses are located errors.
 */
export async function readAddressMap(
  file: string,
  flow: Flow,
): Promise<Map<string, AddressSpec[]>> {
  return (await readMapFile(file, flow)).addresses;
}

/** Reads a map file with its facts (see {@link parseMapFile}). */
export async function readMapFile(file: string, flow: Flow): Promise<MapFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AddressMapError(
      file,
      1,
      1,
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message,
    );
  }
  return parseMapFile(text, file, flow);
}

/** Offset of the key of `<section>.<key>` in the text. */
function keyOffset(doc: Document, key: string, section = 'participants'): number | undefined {
  const participants = doc.get(section, true);
  if (!isMap(participants)) return undefined;
  for (const pair of participants.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return pair.key.range?.[0];
  }
  return undefined;
}

/** Parses map text (see {@link readAddressMap}). */
export function parseAddressMap(
  text: string,
  file: string,
  flow: Flow,
): Map<string, AddressSpec[]> {
  return parseMapFile(text, file, flow).addresses;
}

/**
 * Parses map text with its facts: the top-level `policies:` of a topology (docs/run.md), each a
 * guard variable of the flow with a value of its type (located errors otherwise). A started
 * role's own `run.<id>.policies` and `mode` are that role's, not the case's: they are not read.
 */
export function parseMapFile(text: string, file: string, flow: Flow): MapFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (offset: number | undefined): { line: number; col: number } =>
    lines.linePos(offset ?? 0);
  const firstError = doc.errors[0];
  if (firstError) {
    const p = at(firstError.pos[0]);
    throw new AddressMapError(
      file,
      p.line,
      p.col,
      firstError.message.split('\n')[0] ?? 'YAML error',
    );
  }
  const data = doc.toJS() as {
    participants?: Record<string, unknown>;
    policies?: unknown;
  } | null;
  if (
    !data ||
    typeof data !== 'object' ||
    !data.participants ||
    typeof data.participants !== 'object'
  ) {
    throw new AddressMapError(
      file,
      1,
      1,
      'a map needs "participants:" with participant ids or labels and addresses',
    );
  }
  const byLabel = new Map([...flow.participants.values()].map((p) => [p.label, p.id]));
  const out = new Map<string, AddressSpec[]>();
  for (const [key, value] of Object.entries(data.participants)) {
    const p = at(keyOffset(doc, key));
    const id = flow.participants.has(key) ? key : byLabel.get(key);
    if (id === undefined) {
      throw new AddressMapError(
        file,
        p.line,
        p.col,
        `"${key}" is neither a participant id nor a label of flow ${flow.id} (participants: ${[...flow.participants.values()].map((x) => `${x.id} "${x.label}"`).join(', ')})`,
      );
    }
    const values = Array.isArray(value) ? value : [value];
    const specs: AddressSpec[] = [];
    for (const v of values) {
      const spec = typeof v === 'string' ? parseAddress(v) : undefined;
      if (!spec) {
        throw new AddressMapError(
          file,
          p.line,
          p.col,
          `${JSON.stringify(v)} is not an address ("ip", "ip:port" or "[ipv6]:port")`,
        );
      }
      specs.push(spec);
    }
    out.set(id, [...(out.get(id) ?? []), ...specs]);
  }
  return { addresses: out, facts: mapFacts(doc, data.policies, file, at, flow) };
}

/** The `policies:` of a map as facts. */
function mapFacts(
  doc: Document,
  policies: unknown,
  file: string,
  at: (offset: number | undefined) => { line: number; col: number },
  flow: Flow,
): Map<string, FactValue> {
  const facts = new Map<string, FactValue>();
  if (policies === undefined || policies === null) return facts;
  if (typeof policies !== 'object' || Array.isArray(policies)) {
    const node = doc.get('policies', true);
    const p = at(isNode(node) ? node.range?.[0] : undefined);
    throw new AddressMapError(file, p.line, p.col, 'policies: is a mapping of name: value');
  }
  for (const [name, value] of Object.entries(policies)) {
    const checked = checkFact(name, value, flow);
    if ('reason' in checked) {
      const p = at(keyOffset(doc, name, 'policies'));
      throw new AddressMapError(file, p.line, p.col, `policies: ${checked.reason}`);
    }
    facts.set(name, checked.value);
  }
  return facts;
}
