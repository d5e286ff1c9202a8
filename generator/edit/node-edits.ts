/**
 * Setting and deleting one node of a flow file by text splicing: only the
 * node's own text changes; comments and every other node stay as written.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  applySplices,
  columnOf,
  contentEnd,
  dashOf,
  FlowEditError,
  firstOnLine,
  leadingCommentsStart,
  lineEndAfter,
  lineStart,
  nodeAtPath,
  pairOf,
  reindent,
  type EditableFlow,
  type EditPath,
  type Splice,
} from './flow-text.js';
import { renderPair, renderValue } from './render.js';

const isCollection = (v: unknown): boolean => v !== null && typeof v === 'object';

/**
 * Sets the value at `path`. A scalar replaced by a scalar keeps its quoting;
 * a collection is written in the house style (a flow collection stays flow);
 * a new key goes at the end of its map. Missing parents are created.
 */
export function setValue(ed: EditableFlow, path: EditPath, value: unknown): EditableFlow {
  if (path.length === 0) {
    const node = ed.document.contents as Node | null;
    const start = node?.range?.[0] ?? 0;
    const end = node ? contentEnd(ed.text, node) : ed.text.length;
    return applySplices(ed, [{ start, end, text: renderValue(value, []) }], path);
  }
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1] as string | number;
  const parent = nodeAtPath(ed, parentPath);
  if (!parent)
    return setValue(ed, parentPath, typeof key === 'number' ? [value] : { [key]: value });
  const current = nodeAtPath(ed, path);
  const scalarInPlace = isScalar(current) && !isCollection(value);
  if (!scalarInPlace && (isMap(parent) || isSeq(parent)) && parent.flow) {
    // A flow collection holds no comments of its own: rewrite it whole, still in flow style.
    const next = parent.toJSON() as Record<string | number, unknown>;
    next[key] = value;
    return setValue(ed, parentPath, next);
  }
  if (current) return applySplices(ed, [replaceNode(ed, path, current, value, parent)], path);
  if (isMap(parent)) return applySplices(ed, [appendPair(ed, parent, key, value, path)], path);
  throw new FlowEditError(path, 'no such list item; use insertStep to add one');
}

/** The splice that replaces `node` (at `path`) by `value`. */
function replaceNode(
  ed: EditableFlow,
  path: EditPath,
  node: Node,
  value: unknown,
  parent: Node,
): Splice {
  const key = path[path.length - 1] as string | number;
  const start = node.range?.[0] ?? 0;
  const end = contentEnd(ed.text, node);
  if (!isCollection(value)) {
    return { start, end, text: renderValue(value, path, isScalar(node) ? node.type : undefined) };
  }
  if ((isMap(node) || isSeq(node)) && node.flow) {
    return { start, end, text: renderValue(value, path, undefined, true) };
  }
  if (isMap(parent)) {
    // A block value hangs below its key: rewrite the whole pair.
    const keyStart = pairOf(parent, key)?.key.range?.[0] ?? start;
    const text = reindent(renderPair(key, value, path), columnOf(ed.text, keyStart));
    return { start: keyStart, end, text };
  }
  return { start, end, text: reindent(renderValue(value, path), columnOf(ed.text, start)) };
}

/** The splice that adds `key: value` after the last pair of a block map. */
function appendPair(
  ed: EditableFlow,
  map: YAMLMap,
  key: string | number,
  value: unknown,
  path: EditPath,
): Splice {
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  if (!first || !last) throw new FlowEditError(path, 'cannot add a key to an empty map in place');
  const column = columnOf(ed.text, (first.key as Node).range?.[0] ?? 0);
  const lastEnd = contentEnd(ed.text, (last.value as Node | null) ?? (last.key as Node));
  const at = lineEndAfter(ed.text, lastEnd);
  const newline = ed.text[at - 1] === '\n' ? '' : '\n';
  const text = `${newline}${' '.repeat(column)}${reindent(renderPair(key, value, path), column)}\n`;
  return { start: at, end: at, text };
}

/**
 * Deletes the node at `path` (a map key with its value, or a list item).
 * Comment lines around it stay: they may describe its neighbours.
 */
export function deleteNode(ed: EditableFlow, path: EditPath): EditableFlow {
  return applySplices(ed, deletion(ed, path, false), path);
}

/**
 * The splice that removes the node at `path`; with `withComments`, also the
 * comment lines directly above a list item (they move with it).
 */
export function deletion(ed: EditableFlow, path: EditPath, withComments: boolean): Splice[] {
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1] as string | number;
  const parent = nodeAtPath(ed, parentPath);
  const node = nodeAtPath(ed, path);
  if (!parent || node === undefined || path.length === 0)
    throw new FlowEditError(path, 'no such node');
  if ((isMap(parent) || isSeq(parent)) && parent.flow) {
    const data = parent.toJSON() as unknown;
    const next = Array.isArray(data)
      ? data.filter((_, i) => i !== key)
      : Object.fromEntries(
          Object.entries(data as Record<string, unknown>).filter(([k]) => k !== String(key)),
        );
    const flowNode = parent as Node;
    return [
      {
        start: flowNode.range?.[0] ?? 0,
        end: contentEnd(ed.text, flowNode),
        text: renderValue(next, parentPath, undefined, true),
      },
    ];
  }
  const t = ed.text;
  let start: number;
  let nextStart: number | undefined;
  let end: number;
  if (isSeq(parent)) {
    const seq = parent as YAMLSeq<Node>;
    const idx = key as number;
    start = dashOf(t, node);
    end = contentEnd(t, node);
    const next = seq.items[idx + 1];
    nextStart = next ? dashOf(t, next) : undefined;
  } else {
    const pair = pairOf(parent as YAMLMap, key);
    if (!pair) throw new FlowEditError(path, 'no such key');
    start = pair.key.range?.[0] ?? 0;
    end = Math.max(contentEnd(t, pair.key), node ? contentEnd(t, node) : 0);
    const items = (parent as YAMLMap).items;
    const next = items[items.indexOf(pair as never) + 1];
    nextStart = next ? ((next.key as Node).range?.[0] ?? undefined) : undefined;
  }
  if (firstOnLine(t, start)) {
    const line = lineStart(t, start);
    const from = withComments && isSeq(parent) ? leadingCommentsStart(t, line) : line;
    const removal = { start: from, end: lineEndAfter(t, end), text: '' };
    if (!isSeq(parent) || parent.items.length > 1) return [removal];
    return [removal, emptyList(ed, parentPath)];
  }
  // The node shares its line with an enclosing "- ": its next sibling moves up into its place.
  if (nextStart !== undefined) return [{ start, end: nextStart, text: '' }];
  return [{ start, end, text: isSeq(parent) ? '[]' : '{}' }];
}

/** The splice that writes `[]` after the key of the list at `path`, whose last item goes. */
function emptyList(ed: EditableFlow, path: EditPath): Splice {
  const holder = nodeAtPath(ed, path.slice(0, -1));
  const key = isMap(holder) ? pairOf(holder, path[path.length - 1] as string)?.key : undefined;
  const colon = key?.range ? ed.text.indexOf(':', key.range[1]) : -1;
  if (colon < 0)
    throw new FlowEditError(path, 'cannot empty a list that is not the value of a key');
  return { start: colon + 1, end: colon + 1, text: ' []' };
}
