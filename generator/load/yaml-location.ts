/**
 * Maps YAML paths to places in the text through the yaml Document API, so
 * findings and diagram edits know their line and column.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../model/flow-model.js';

/** A path of keys and indexes from the document root. */
export type YamlPath = readonly (string | number)[];

/** Finds the node at `path`; with `key`, the key node of the last segment. */
export function nodeAt(doc: Document, path: YamlPath, key = false): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (!pair) return node as Node;
      if (last && key) return (pair.key as Node | null) ?? (node as Node);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return node as Node;
      node = item;
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Resolves a path to the deepest existing node and returns its location. */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  path: YamlPath,
  key = false,
): SourceLocation {
  const node = nodeAt(doc, path, key) ?? (doc.contents as Node | null) ?? undefined;
  return rangeLocation(node?.range ?? undefined, lineCounter, file, path);
}

/** Location of a node's range; the document start when there is none. */
export function rangeLocation(
  range: readonly [number, number, number] | undefined,
  lineCounter: LineCounter,
  file: string,
  path: YamlPath,
): SourceLocation {
  const start = lineCounter.linePos(range?.[0] ?? 0);
  const end = lineCounter.linePos(range?.[1] ?? range?.[0] ?? 0);
  return { file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col, path };
}
