/**
 * A flow's text and its YAML Document, kept in sync. Every edit splices the
 * text where the edited node lies and parses it again, so comments and the
 * formatting of every untouched node stay byte-identical.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { YamlPath } from '../load/yaml-location.js';

/** A path of keys and indexes from the document root (as in `SourceLocation.path`). */
export type EditPath = YamlPath;

/** Text and Document of one flow file; {@link LoadedFlow} is one. */
export interface EditableFlow {
  readonly text: string;
  readonly document: Document;
  readonly lineCounter: LineCounter;
}

/** An edit that cannot be made: the path, and why. */
export class FlowEditError extends Error {
  constructor(
    readonly path: EditPath,
    readonly reason: string,
  ) {
    super(`${path.length ? path.join('.') : '(root)'}: ${reason}`);
    this.name = 'FlowEditError';
  }
}

/** Parses flow text the way the loader does (positions, unique keys). */
export function editableFlow(text: string): EditableFlow {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  return { text, document, lineCounter };
}

/** A text replacement: `[start, end)` becomes `text`. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Applies splices (non-overlapping, any order) and parses the result. An edit
 * that would leave broken YAML throws {@link FlowEditError} rather than
 * handing back a file that no longer loads.
 */
export function applySplices(
  ed: EditableFlow,
  splices: readonly Splice[],
  path: EditPath,
): EditableFlow {
  let text = ed.text;
  for (const s of [...splices].sort((a, b) => b.start - a.start))
    text = text.slice(0, s.start) + s.text + text.slice(s.end);
  const next = editableFlow(text);
  const error = next.document.errors[0];
  if (error) throw new FlowEditError(path, `the edit would break the YAML: ${error.message}`);
  return next;
}

/** The node at `path`, exactly (undefined when any segment is missing). */
export function nodeAtPath(ed: EditableFlow, path: EditPath): Node | undefined {
  if (path.length === 0) return (ed.document.contents as Node | null) ?? undefined;
  const parent = nodeAtPath(ed, path.slice(0, -1));
  const last = path[path.length - 1] as string | number;
  if (isMap(parent)) return (pairOf(parent, last)?.value as Node | null) ?? undefined;
  if (isSeq(parent) && typeof last === 'number') return (parent.items[last] as Node) ?? undefined;
  return undefined;
}

/** The node at `path`, or {@link FlowEditError}. */
export function nodeAtPathOrThrow(ed: EditableFlow, path: EditPath): Node {
  const n = nodeAtPath(ed, path);
  if (!n) throw new FlowEditError(path, 'no such node');
  return n;
}

/** The pair of `key` in a map. */
export function pairOf(map: YAMLMap, key: string | number): Pair<Node, Node> | undefined {
  return map.items.find(
    (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
  ) as Pair<Node, Node> | undefined;
}

/** The block sequence at `path`, or {@link FlowEditError}. */
export function seqAt(ed: EditableFlow, path: EditPath): YAMLSeq<Node> {
  const n = nodeAtPathOrThrow(ed, path);
  if (!isSeq(n)) throw new FlowEditError(path, 'not a list');
  return n as YAMLSeq<Node>;
}

/** Start of the line holding `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Just after the newline ending the line that holds `pos` (or the end of the text). */
export function lineEndAfter(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** 0-based column of `pos`. */
export function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** True when only spaces precede `pos` on its line. */
export function firstOnLine(text: string, pos: number): boolean {
  return text.slice(lineStart(text, pos), pos).trim() === '';
}

/** End of a node's own content: its range end, moved back over trailing blanks and newlines. */
export function contentEnd(text: string, node: Node): number {
  const r = node.range;
  if (!r) return 0;
  let end = Math.max(r[1], r[0]);
  while (end > r[0] && /\s/.test(text[end - 1] ?? '')) end--;
  return end;
}

/** The position of the `-` indicator of a block sequence item. */
export function dashOf(text: string, item: Node): number {
  let p = (item.range?.[0] ?? 0) - 1;
  while (p >= 0 && text[p] === ' ') p--;
  if (text[p] !== '-') throw new FlowEditError([], 'list item without its "-"');
  return p;
}

/**
 * Start of the comment lines directly above the line at `lineBegin` (no blank
 * line between): they describe what follows, so they go wherever it goes.
 */
export function leadingCommentsStart(text: string, lineBegin: number): number {
  let start = lineBegin;
  while (start > 0) {
    const prev = lineStart(text, start - 1);
    if (!text.slice(prev, start).trim().startsWith('#')) break;
    start = prev;
  }
  return start;
}

/** Shifts every line after the first by `delta` columns (negative: fewer spaces). */
export function reindent(block: string, delta: number): string {
  if (delta === 0) return block;
  return block
    .split('\n')
    .map((line, i) => {
      if (i === 0 || line === '') return line;
      if (delta > 0) return ' '.repeat(delta) + line;
      const spaces = /^ */.exec(line)?.[0].length ?? 0;
      return line.slice(Math.min(spaces, -delta));
    })
    .join('\n');
}

/** Shifts every line (the first too) by `delta` columns; blank lines stay empty. */
export function shiftLines(block: string, delta: number): string {
  return reindent(`\n${block}`, delta).slice(1);
}
