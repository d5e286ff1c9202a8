/**
 * From a changed flow back to its file: the smallest set of node edits that
 * turns the text's content into the new content, so comments and the
 * formatting of everything unchanged survive a round trip through the model.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isSeq } from 'yaml';
import { STEP_KEYS, type FlowDocument, type StepDocument } from '../model/flow-schema.js';
import {
  applySplices,
  editableFlow,
  nodeAtPath,
  type EditableFlow,
  type EditPath,
} from './flow-text.js';
import { deleteNode, deletion, setValue } from './node-edits.js';
import { insertStep } from './step-edits.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Edits the block map at `path` from `before` to `after`, key by key. */
function updateMap(
  ed: EditableFlow,
  path: EditPath,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): EditableFlow {
  if (!Object.keys(after).some((k) => k in before)) return setValue(ed, path, after);
  let out = ed;
  for (const k of Object.keys(after)) {
    out =
      k in before
        ? update(out, [...path, k], before[k], after[k])
        : setValue(out, [...path, k], after[k]);
  }
  // Deleted last, so the map is never empty on the way.
  for (const k of Object.keys(before).reverse())
    if (!(k in after)) out = deleteNode(out, [...path, k]);
  return out;
}

/**
 * The same item, perhaps changed: equal; two steps with one id; or, without
 * ids, two steps of one kind with an equal body (a loop given a note).
 */
function same(a: unknown, b: unknown): boolean {
  if (isDeepStrictEqual(a, b)) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (a['id'] !== undefined || b['id'] !== undefined) return a['id'] === b['id'];
  return STEP_KEYS.some((k) => k in a && k in b && isDeepStrictEqual(a[k], b[k]));
}

/** Pairs of indexes of the same items, in order (a longest common subsequence). */
function matches(before: readonly unknown[], after: readonly unknown[]): [number, number][] {
  const n = before.length;
  const m = after.length;
  const len = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = len[i] as number[];
      row[j] = same(before[i], after[j])
        ? (len[i + 1]?.[j + 1] ?? 0) + 1
        : Math.max(len[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(before[i], after[j])) out.push([i++, j++]);
    else if ((len[i + 1]?.[j] ?? 0) >= (len[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  return out;
}

/**
 * Edits the block list at `path` from `before` to `after`: the same items in
 * both (a longest common subsequence; a step by its id) are edited in place;
 * between them, old and new items are edited pairwise, the surplus deleted
 * or the rest inserted.
 */
function updateList(
  ed: EditableFlow,
  path: EditPath,
  before: readonly unknown[],
  after: readonly unknown[],
): EditableFlow {
  let out = ed;
  // From the end, so the indexes of earlier items stay valid.
  const anchors: [number, number][] = [[-1, -1], ...matches(before, after)];
  let nextOld = before.length;
  let nextNew = after.length;
  for (const [i, j] of anchors.reverse()) {
    if (i >= 0) out = update(out, [...path, i], before[i], after[j]);
    const oldCount = nextOld - i - 1;
    const newCount = nextNew - j - 1;
    const paired = Math.min(oldCount, newCount);
    for (let k = oldCount - 1; k >= paired; k--)
      out = applySplices(out, deletion(out, [...path, i + 1 + k], false), path);
    for (let k = 0; k < paired; k++)
      out = update(out, [...path, i + 1 + k], before[i + 1 + k], after[j + 1 + k]);
    for (let k = paired; k < newCount; k++)
      out = insertStep(out, path, i + 1 + k, after[j + 1 + k] as StepDocument);
    nextOld = i;
    nextNew = j;
  }
  return out;
}

function update(ed: EditableFlow, path: EditPath, before: unknown, after: unknown): EditableFlow {
  if (isDeepStrictEqual(before, after)) return ed;
  const node = nodeAtPath(ed, path);
  if (isObject(before) && isObject(after) && isMap(node) && !node.flow)
    return updateMap(ed, path, before, after);
  if (Array.isArray(before) && Array.isArray(after) && isSeq(node) && !node.flow)
    return updateList(ed, path, before, after);
  return setValue(ed, path, after);
}

/**
 * Changes the text to hold `next` (a whole flow document as data) with the
 * fewest node edits: unchanged nodes keep their text, comments stay.
 */
export function updateFlowText(ed: EditableFlow, next: FlowDocument): EditableFlow {
  return update(ed, [], ed.document.toJS() as unknown, next);
}

/**
 * The text to save for a loaded or edited flow. Edits made with this
 * module's operations are already in the text; when the Document itself was
 * changed through the yaml API, its content is written into the original
 * text by {@link updateFlowText}, keeping comments and formatting.
 */
export function saveFlowText(loaded: EditableFlow): string {
  const current = loaded.document.toJS() as unknown;
  const written = editableFlow(loaded.text);
  if (isDeepStrictEqual(written.document.toJS(), current)) return loaded.text;
  return update(written, [], written.document.toJS() as unknown, current).text;
}
