/**
 * Edits of step lists, as the diagram makes them: insert a step, move one
 * (with the comment lines above it), wrap a range of steps in a fragment.
 * The moved or wrapped steps keep their own text, shifted to the new depth.
 */
import { isSeq, type Node } from 'yaml';
import type { StepDocument } from '../model/flow-schema.js';
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
  reindent,
  seqAt,
  shiftLines,
  type EditableFlow,
  type EditPath,
} from './flow-text.js';
import { deletion, setValue } from './node-edits.js';
import { renderValue } from './render.js';

/** The YAML text of a new list item at column 0: "- " and the step. */
function itemText(step: unknown, path: EditPath): string {
  return `- ${reindent(renderValue(step, path), 2)}\n`;
}

/**
 * Inserts full lines `block` (an item whose "-" is at column `column`) into
 * the list at `listPath` before item `index` (or at its end). `value` is the
 * item as data, for lists written in flow style.
 */
function insertBlock(
  ed: EditableFlow,
  listPath: EditPath,
  index: number,
  block: string,
  column: number,
  value: unknown,
): EditableFlow {
  const seq = seqAt(ed, listPath);
  if (index < 0 || index > seq.items.length)
    throw new FlowEditError(listPath, `no position ${index} in a list of ${seq.items.length}`);
  const first = seq.items[0];
  if (seq.flow || !first) {
    const next = seq.toJSON() as unknown[];
    next.splice(index, 0, value);
    return setValue(ed, listPath, next);
  }
  const t = ed.text;
  const target = columnOf(t, dashOf(t, first));
  const lines = shiftLines(block.endsWith('\n') ? block : `${block}\n`, target - column);
  const anchor = seq.items[index];
  if (anchor === undefined) {
    const at = lineEndAfter(t, contentEnd(t, seq.items[seq.items.length - 1] as Node));
    const newline = t[at - 1] === '\n' ? '' : '\n';
    return applySplices(ed, [{ start: at, end: at, text: newline + lines }], listPath);
  }
  const dash = dashOf(t, anchor);
  if (firstOnLine(t, dash)) {
    const at = leadingCommentsStart(t, lineStart(t, dash));
    return applySplices(ed, [{ start: at, end: at, text: lines }], listPath);
  }
  // The anchor shares its line with an enclosing "- ": the new item takes its place there.
  const text = `${lines.trimStart()}${' '.repeat(target)}`;
  return applySplices(ed, [{ start: dash, end: dash, text }], listPath);
}

/** Inserts `step` into the step list at `listPath`, before item `index` (or at its end). */
export function insertStep(
  ed: EditableFlow,
  listPath: EditPath,
  index: number,
  step: StepDocument,
): EditableFlow {
  return insertBlock(ed, listPath, index, itemText(step, [...listPath, index]), 0, step);
}

/**
 * Where `path` points after the list item `removed` is taken out of its list:
 * later siblings (and what lies inside them) move up by one.
 */
function afterRemoval(path: EditPath, removed: EditPath): EditPath {
  const parent = removed.slice(0, -1);
  const index = removed[removed.length - 1] as number;
  if (path.length < removed.length || parent.some((seg, i) => path[i] !== seg)) return path;
  const at = path[parent.length];
  if (typeof at !== 'number' || at < index) return path;
  if (at === index) throw new FlowEditError(path, 'a step cannot move into itself');
  return [...parent, at - 1, ...path.slice(parent.length + 1)];
}

/**
 * Moves the step at `fromPath` into the list at `toListPath`, to position
 * `toIndex` of that list after the move. Comment lines directly above the
 * step move with it; `toListPath` is a path in the document before the move.
 */
export function moveStep(
  ed: EditableFlow,
  fromPath: EditPath,
  toListPath: EditPath,
  toIndex: number,
): EditableFlow {
  const node = nodeAtPath(ed, fromPath);
  const parent = nodeAtPath(ed, fromPath.slice(0, -1));
  if (!node || !isSeq(parent) || typeof fromPath[fromPath.length - 1] !== 'number')
    throw new FlowEditError(fromPath, 'not a step of a list');
  const target = afterRemoval(toListPath, fromPath);
  const value = node.toJSON() as unknown;
  const t = ed.text;
  const dash = dashOf(t, node);
  const removed = applySplices(ed, deletion(ed, fromPath, true), fromPath);
  if (parent.flow || !firstOnLine(t, dash)) {
    return insertStep(removed, target, toIndex, value as StepDocument);
  }
  const block = t.slice(
    leadingCommentsStart(t, lineStart(t, dash)),
    lineEndAfter(t, contentEnd(t, node)),
  );
  return insertBlock(removed, target, toIndex, block, columnOf(t, dash), value);
}

/** A fragment to wrap steps in; `id` gives the fragment a step id. */
export type WrapFragment =
  | {
      readonly kind: 'alt';
      readonly guard: string;
      /** Guard of the second, empty operand (default "else"). */
      readonly otherGuard?: string;
      readonly decidedBy: string;
      readonly id?: string;
    }
  | {
      readonly kind: 'opt';
      readonly guard: string;
      readonly decidedBy: string;
      readonly id?: string;
    }
  | { readonly kind: 'loop'; readonly over: string; readonly as?: string; readonly id?: string }
  /** Each wrapped step becomes one operand. */
  | { readonly kind: 'par'; readonly id?: string };

const HOLE = (k: number): string => `__flowspec_wrapped_${k}__`;

function wrapper(f: WrapFragment, holes: number): Record<string, unknown> {
  const id = f.id === undefined ? {} : { id: f.id };
  const steps = [HOLE(0)];
  switch (f.kind) {
    case 'alt':
      return {
        ...id,
        alt: [
          { guard: f.guard, steps },
          { guard: f.otherGuard ?? 'else', steps: [] },
        ],
        decidedBy: f.decidedBy,
      };
    case 'opt':
      return { ...id, opt: { guard: f.guard, steps }, decidedBy: f.decidedBy };
    case 'loop':
      return { ...id, loop: { over: f.over, ...(f.as === undefined ? {} : { as: f.as }), steps } };
    case 'par':
      return { ...id, par: Array.from({ length: holes }, (_, k) => [HOLE(k)]) };
  }
}

/**
 * Wraps items `from` (inclusive) to `to` (exclusive) of the step list at
 * `listPath` in an alt, opt, loop or par fragment. The steps keep their text
 * and comments; comment lines above the first stay above the fragment.
 */
export function wrapSteps(
  ed: EditableFlow,
  listPath: EditPath,
  from: number,
  to: number,
  fragment: WrapFragment,
): EditableFlow {
  const seq = seqAt(ed, listPath);
  const items = seq.items.slice(from, to);
  if (from < 0 || to > seq.items.length || items.length === 0)
    throw new FlowEditError(
      listPath,
      `no steps ${from} to ${to - 1} in a list of ${seq.items.length}`,
    );
  if (fragment.kind === 'par' && items.length < 2)
    throw new FlowEditError(listPath, 'a par needs at least two steps, one per operand');
  const t = ed.text;
  const dashes = items.map((n) => dashOf(t, n));
  if (seq.flow || dashes.some((d) => !firstOnLine(t, d)))
    throw new FlowEditError(listPath, 'wrapping needs a block list, one step per "-" line');
  const column = columnOf(t, dashes[0] as number);
  const start = lineStart(t, dashes[0] as number);
  const end = lineEndAfter(t, contentEnd(t, items[items.length - 1] as Node));
  // Par: one span per step, with the comment lines directly above it; otherwise one span.
  const cuts =
    fragment.kind === 'par'
      ? [start, ...dashes.slice(1).map((d) => leadingCommentsStart(t, lineStart(t, d))), end]
      : [start, end];
  const spans = cuts.slice(0, -1).map((c, k) => t.slice(c, cuts[k + 1]).replace(/\n$/, ''));
  let text = shiftLines(itemText(wrapper(fragment, spans.length), [...listPath, from]), column);
  spans.forEach((span, k) => {
    const at = text.indexOf(`- ${HOLE(k)}`);
    const col = columnOf(text, at);
    const lineEnd = at + `- ${HOLE(k)}`.length;
    const moved = shiftLines(span, col - column);
    text = firstOnLine(text, at)
      ? text.slice(0, lineStart(text, at)) + moved + text.slice(lineEnd)
      : text.slice(0, at) + moved.trimStart() + text.slice(lineEnd);
  });
  return applySplices(ed, [{ start, end, text }], listPath);
}
