/**
 * Structural sharing between successive diagrams: a keystroke changes one
 * row of a thousand, so the rows, layout nodes and React Flow nodes that did
 * not change keep their identity. React Flow then skips them when it adopts
 * the nodes, and their memoised views do not render again.
 */
import type { DiagramModel, DiagramRow } from '../../api/index.js';
import type { DiagramNode } from './diagram-nodes.js';

/** Deep equality of JSON-like values (plain objects, arrays, primitives). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka)
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false;
  return true;
}

/** `next` with every row, lifeline and fragment equal to one of `prev` replaced by that one. */
export function shareDiagram(prev: DiagramModel | undefined, next: DiagramModel): DiagramModel {
  if (!prev || prev.flowId !== next.flowId) return next;
  const rows = new Map<string, DiagramRow>(prev.rows.map((r) => [r.key, r]));
  const same = <T>(old: T | undefined, now: T): T =>
    old !== undefined && sameValue(old, now) ? old : now;
  return {
    ...next,
    lifelines: sameValue(prev.lifelines, next.lifelines) ? prev.lifelines : next.lifelines,
    rows: next.rows.map((r) => same(rows.get(r.key), r)),
    fragments: next.fragments.map((f, i) => same(prev.fragments[i], f)),
  };
}

/** Shallow equality of two layout items: same fields, each identical (rows are shared above). */
function sameLaid(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (x !== y && !(Array.isArray(x) && sameValue(x, y))) return false;
  }
  return true;
}

function sameNode(a: DiagramNode, b: DiagramNode): boolean {
  if (
    a.type !== b.type ||
    a.position.x !== b.position.x ||
    a.position.y !== b.position.y ||
    a.width !== b.width ||
    a.height !== b.height ||
    a.zIndex !== b.zIndex
  )
    return false;
  const da = a.data as Record<string, unknown>;
  const db = b.data as Record<string, unknown>;
  for (const k of Object.keys(db)) {
    const x = da[k];
    const y = db[k];
    if (x === y) continue;
    if (k !== 'laid' || typeof x !== 'object' || typeof y !== 'object' || !x || !y) return false;
    if (!sameLaid(x, y)) return false;
  }
  return true;
}

/** `next` with every node equal to the node of the same id in `prev` replaced by that one. */
export function shareNodes(
  prev: readonly DiagramNode[] | undefined,
  next: DiagramNode[],
): DiagramNode[] {
  if (!prev) return next;
  const byId = new Map(prev.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = byId.get(n.id);
    return old && sameNode(old, n) ? old : n;
  });
}
