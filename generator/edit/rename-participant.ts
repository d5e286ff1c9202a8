/**
 * Renaming a participant everywhere a flow names it: its key under
 * `participants`, message ends, `at`, `decidedBy`, and the participants
 * bound here by refs, state steps and preconditions. Each occurrence is
 * replaced in place, keeping its quoting.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import {
  applySplices,
  FlowEditError,
  nodeAtPath,
  pairOf,
  type EditableFlow,
  type Splice,
} from './flow-text.js';
import { renderValue } from './render.js';

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Collects the scalars of a step list (and nested fragments) that name participants. */
function collectSteps(list: unknown, out: Scalar[]): void {
  if (!isSeq(list)) return;
  for (const step of list.items) {
    if (!isMap(step)) continue;
    const get = (k: string): Node | undefined =>
      (pairOf(step, k)?.value as Node | null) ?? undefined;
    const head = get('message');
    if (isMap(head)) for (const k of ['from', 'to']) push(pairOf(head, k)?.value, out);
    const at = get('at');
    if (isSeq(at)) at.items.forEach((x) => push(x, out));
    else push(at, out);
    push(get('decidedBy'), out);
    bindValues(get('bind'), out);
    const ref = get('ref');
    if (isMap(ref)) bindValues(pairOf(ref, 'bind')?.value, out);
    const alt = get('alt');
    if (isSeq(alt))
      for (const o of alt.items) if (isMap(o)) collectSteps(pairOf(o, 'steps')?.value, out);
    const opt = get('opt');
    if (isMap(opt)) collectSteps(pairOf(opt, 'steps')?.value, out);
    const loop = get('loop');
    if (isMap(loop)) collectSteps(pairOf(loop, 'steps')?.value, out);
    const par = get('par');
    if (isSeq(par)) par.items.forEach((operand) => collectSteps(operand, out));
  }
}

function push(node: unknown, out: Scalar[]): void {
  if (isScalar(node)) out.push(node);
}

/** The values of a `bind` map (participants of this flow); its keys belong to the other flow. */
function bindValues(bind: unknown, out: Scalar[]): void {
  if (isMap(bind)) for (const p of (bind as YAMLMap).items) push(p.value, out);
}

/**
 * Renames participant `oldId` to `newId` in every place the flow names it.
 * Throws {@link FlowEditError} when `oldId` is not a participant, or `newId`
 * is taken or not an identifier.
 */
export function renameParticipant(ed: EditableFlow, oldId: string, newId: string): EditableFlow {
  const path = ['participants', oldId];
  const participants = nodeAtPath(ed, ['participants']);
  const entry = isMap(participants) ? pairOf(participants, oldId) : undefined;
  if (!isMap(participants) || !entry) throw new FlowEditError(path, `no participant "${oldId}"`);
  if (!IDENTIFIER.test(newId)) throw new FlowEditError(path, `"${newId}" is not an identifier`);
  if (pairOf(participants, newId))
    throw new FlowEditError(path, `"${newId}" is already a participant`);
  const names: Scalar[] = [];
  push(entry.key, names);
  collectSteps(nodeAtPath(ed, ['steps']), names);
  const given = nodeAtPath(ed, ['given']);
  if (isSeq(given))
    for (const g of given.items) if (isMap(g)) bindValues(pairOf(g, 'bind')?.value, names);
  const splices: Splice[] = names
    .filter((n) => String(n.value) === oldId && n.range)
    .map((n) => ({
      start: n.range?.[0] ?? 0,
      end: n.range?.[1] ?? 0,
      text: renderValue(newId, path, n.type),
    }));
  return applySplices(ed, splices, path);
}
