/**
 * Writing flow values as YAML in the house style: flow-style `{ }` for
 * participants and message heads, block style elsewhere, no line folding.
 */
import { Document, isMap, isPair, isScalar, isSeq, Scalar, type Node } from 'yaml';
import type { FlowDocument } from '../model/flow-schema.js';
import type { EditPath } from './flow-text.js';

const TO_STRING = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: true } as const;

/** True where the house style writes a map in flow style: a participant or a message head. */
export function isFlowStyleMap(path: EditPath): boolean {
  return (
    (path.length === 2 && path[0] === 'participants') ||
    (path.length > 1 && path[path.length - 1] === 'message')
  );
}

/** Sets flow or block style on every collection under `node`, which sits at `path`. */
export function applyHouseStyle(node: unknown, path: EditPath): void {
  if (isMap(node)) {
    node.flow = isFlowStyleMap(path);
    for (const p of node.items) {
      if (isPair(p) && isScalar(p.key)) applyHouseStyle(p.value, [...path, String(p.key.value)]);
    }
  } else if (isSeq(node)) {
    node.flow = node.items.length === 0;
    node.items.forEach((item, i) => applyHouseStyle(item, [...path, i]));
  }
}

function text(doc: Document): string {
  return doc.toString(TO_STRING).replace(/\n$/, '');
}

/**
 * A value as YAML text starting at column 0 (lines after the first indented
 * relative to it), styled for its place `path`. A scalar keeps `scalarType`
 * (its quoting) when it can; `flow` forces flow style on a collection.
 */
export function renderValue(
  value: unknown,
  path: EditPath,
  scalarType?: Scalar.Type,
  flow = false,
): string {
  const doc = new Document(value);
  applyHouseStyle(doc.contents, path);
  if (flow && (isMap(doc.contents) || isSeq(doc.contents))) doc.contents.flow = true;
  if (scalarType && isScalar(doc.contents) && typeof value === 'string') {
    // A block scalar would need its own lines; in place, write it quoted.
    const block = scalarType === Scalar.BLOCK_FOLDED || scalarType === Scalar.BLOCK_LITERAL;
    doc.contents.type = block ? Scalar.QUOTE_DOUBLE : scalarType;
  }
  return text(doc);
}

/** `key: value` as YAML text starting at column 0, styled for the value's place `path`. */
export function renderPair(key: string | number, value: unknown, path: EditPath): string {
  const doc = new Document({ [key]: value });
  const pair = (doc.contents as { items: { value: Node }[] }).items[0];
  applyHouseStyle(pair?.value, path);
  return text(doc);
}

/** Options of {@link flowToYaml}. */
export interface FlowToYamlOptions {
  /** Adds the yaml-language-server modeline pointing at this schema path (completion in VS Code). */
  readonly schema?: string;
}

/**
 * Writes a plain flow document (as the schema describes it) as YAML in the
 * house style. Comments of an earlier text are not known here: to change a
 * file and keep them, use `updateFlowText`.
 */
export function flowToYaml(flow: FlowDocument, options: FlowToYamlOptions = {}): string {
  const doc = new Document(flow);
  applyHouseStyle(doc.contents, []);
  if (options.schema !== undefined)
    doc.commentBefore = ` yaml-language-server: $schema=${options.schema}`;
  return doc.toString(TO_STRING);
}
