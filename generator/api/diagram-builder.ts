/**
 * Builds the diagram the editor draws from a loaded flow: lifelines in
 * participant order, one row per leaf step in the order of a linearisation
 * of the flow's partial order (Z.120 semantics, generator/order), and
 * fragment boxes over the rows of their steps.
 */
import { isMap, isNode, stringify, type Document } from 'yaml';
import type {
  DiagramFragment,
  DiagramHeader,
  DiagramMessageRow,
  DiagramModel,
  DiagramRow,
} from '../../api/diagram-model.js';
import type { Flow, MessageType, Step } from '../model/flow-model.js';
import { computeOrder } from '../order/happens-before.js';

/** The text an arrow shows for a message type. */
export function messageLabel(m: MessageType | undefined): string {
  if (!m) return '?';
  if (m.protocol === 'sip')
    return m.type === 'request' ? m.method : `${m.status}${m.reason ? ` ${m.reason}` : ''}`;
  return m.name;
}

/** YAML text of a node's value: scalars as they read, collections in flow style. */
function yamlText(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  const js: unknown = node.toJSON();
  if (js === null || js === undefined) return undefined;
  if (typeof js !== 'object') return String(js);
  return stringify(js, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

function stepKey(path: readonly (string | number)[]): string {
  return path.join('.');
}

/** Leaf steps in document order, with their fragment ancestry. */
function leaves(steps: readonly Step[], out: Step[]): void {
  for (const s of steps) {
    switch (s.kind) {
      case 'alt':
        for (const o of s.operands) leaves(o.steps, out);
        break;
      case 'opt':
        leaves(s.operand.steps, out);
        break;
      case 'par':
        for (const o of s.operands) leaves(o, out);
        break;
      case 'loop':
        leaves(s.steps, out);
        break;
      default:
        out.push(s);
    }
  }
}

/** The leaf steps of a flow in row order: first appearance in a linearisation of its order. */
export type RowOrder = (flow: Flow) => readonly Step[];

/** Row order computed afresh. */
export function rowOrder(flow: Flow): Step[] {
  const ordered: Step[] = [];
  const seen = new Set<Step>();
  for (const e of computeOrder(flow).linearize()) {
    if (e.refPath.length > 0 || seen.has(e.source)) continue;
    seen.add(e.source);
    ordered.push(e.source);
  }
  const docOrder: Step[] = [];
  leaves(flow.steps, docOrder);
  for (const s of docOrder) if (!seen.has(s)) ordered.push(s);
  return ordered;
}

/** What the order of a step's events depends on (computeOrder without a resolver). */
function orderShape(s: Step): unknown {
  const base = [s.kind, s.id, s.after, s.loc.path];
  switch (s.kind) {
    case 'message':
      return [...base, s.from ?? null, s.to];
    case 'action':
      return [...base, s.at];
    case 'state':
      return [...base, s.at];
    case 'ref':
      return [...base, s.flow, Object.entries(s.bind)];
    case 'alt':
      return [...base, s.operands.map((o) => o.steps.map(orderShape))];
    case 'opt':
      return [...base, s.operand.steps.map(orderShape)];
    case 'par':
      return [...base, s.operands.map((o) => o.map(orderShape))];
    case 'loop':
      return [...base, s.steps.map(orderShape)];
  }
}

/**
 * Row order that is computed again only when what the order depends on
 * changed (participants, routes, fragments, `after`): a keystroke in a
 * header, a title or a method keeps the rows where they were.
 */
export function cachedRowOrder(): RowOrder {
  let last: { shape: string; keys: readonly string[] } | undefined;
  return (flow) => {
    const shape = JSON.stringify([
      flow.id,
      [...flow.participants.values()].map((p) => [p.id, p.multiple]),
      flow.steps.map(orderShape),
    ]);
    if (last?.shape === shape) {
      const byKey = new Map<string, Step>();
      const all: Step[] = [];
      leaves(flow.steps, all);
      for (const s of all) byKey.set(stepKey(s.loc.path), s);
      const again = last.keys.map((k) => byKey.get(k));
      if (again.every((s): s is Step => s !== undefined)) return again;
    }
    const ordered = rowOrder(flow);
    last = { shape, keys: ordered.map((s) => stepKey(s.loc.path)) };
    return ordered;
  };
}

/** What one editor keeps between builds of its diagrams (see {@link createDiagramCache}). */
export interface DiagramCache {
  readonly order: RowOrder;
  /**
   * Message rows by the YAML node of their step, with what else went into
   * them (place, the type a relay takes from the step it relays): the
   * incremental loader keeps the nodes of the steps a keystroke left alone.
   */
  readonly rows: WeakMap<object, { readonly row: DiagramMessageRow; readonly from: string }>;
}

/** A cache for the diagrams of one editor's successive texts. */
export function createDiagramCache(): DiagramCache {
  return { order: cachedRowOrder(), rows: new WeakMap() };
}

/** Builds the diagram of a flow; `doc` is the YAML it was loaded from. */
export function buildDiagram(flow: Flow, doc: Document, cache?: DiagramCache): DiagramModel {
  const order = cache?.order ?? rowOrder;
  const lifelineOf = (p: string): string => p.replace(/\[[^\]]*\]$/, '');
  const docOrder: Step[] = [];
  leaves(flow.steps, docOrder);
  // Lifelines are the participants that send, receive, act or hold a state;
  // the ones a ref only binds live inside the referenced flow, as in the figures.
  const drawn = new Set<string>();
  for (const s of docOrder) {
    if (s.kind === 'message') {
      if (s.from !== undefined) drawn.add(lifelineOf(s.from));
      drawn.add(lifelineOf(s.to));
    } else if (s.kind === 'action') drawn.add(lifelineOf(s.at));
    else if (s.kind === 'state') for (const p of s.at) drawn.add(lifelineOf(p));
  }
  const lifelines = [...flow.participants.values()]
    .filter((p) => drawn.size === 0 || drawn.has(p.id))
    .map((p) => ({
      id: p.id,
      label: p.label,
      role: p.role,
      ...(p.network !== undefined ? { network: p.network } : {}),
      ...(p.mode !== undefined ? { mode: p.mode } : {}),
    }));
  const known = new Set(lifelines.map((l) => l.id));

  // Row order: first appearance of each leaf step in the linearisation.
  const ordered = order(flow);
  const rowOf = new Map<Step, number>(ordered.map((s, i) => [s, i]));

  const rows: DiagramRow[] = ordered.map((s) => {
    const path = s.loc.path;
    const base = {
      key: stepKey(path),
      stepId: s.id,
      hasId: s.hasId,
      line: s.loc.line,
      endLine: Math.max(s.loc.line, s.loc.endLine),
      path,
      parentPath: path.slice(0, -1),
      index: typeof path[path.length - 1] === 'number' ? (path[path.length - 1] as number) : 0,
      ...(s.title !== undefined ? { title: s.title } : {}),
      ...(s.text !== undefined ? { text: s.text } : {}),
    };
    switch (s.kind) {
      case 'message': {
        // The step's node once, then its keys: a thousand rows are built on every keystroke.
        const node: unknown = doc.getIn(path, true);
        const from = [
          base.key,
          base.line,
          base.endLine,
          messageLabel(s.message),
          s.message?.protocol,
          s.headers.map((h) => h.name).join(','),
        ].join('|');
        const hit = isNode(node) ? cache?.rows.get(node) : undefined;
        if (hit?.from === from) return hit.row;
        const at = (...keys: string[]): unknown =>
          isMap(node) ? node.getIn(keys, true) : undefined;
        const headers: DiagramHeader[] = s.headers.map((h) => ({
          name: h.name,
          value: yamlText(at('headers', h.name)) ?? '',
        }));
        const head = at('message');
        const own = isMap(head)
          ? (['sip', 'mbcp', 'indication'] as const)
              .map((k) => yamlText(head.get(k, true)))
              .find((v) => v !== undefined)
          : undefined;
        const requestUri = s.requestUri !== undefined ? yamlText(at('requestUri')) : undefined;
        const body = s.body !== undefined ? yamlText(at('body')) : undefined;
        const row: DiagramMessageRow = {
          ...base,
          kind: 'message',
          ...(s.from !== undefined ? { from: lifelineOf(s.from) } : {}),
          to: lifelineOf(s.to),
          protocol: s.message?.protocol ?? 'unknown',
          label: messageLabel(s.message),
          isResponse: s.message?.protocol === 'sip' && s.message.type === 'response',
          ...(own !== undefined ? { ownLabel: own } : {}),
          ...(s.relays !== undefined ? { relays: s.relays } : {}),
          ...(s.answers !== undefined ? { answers: s.answers } : {}),
          ...(requestUri !== undefined ? { requestUri } : {}),
          headers,
          ...(body !== undefined ? { body } : {}),
        };
        if (cache && isNode(node)) cache.rows.set(node, { row, from });
        return row;
      }
      case 'action':
        return { ...base, kind: 'action', label: s.action, over: [s.at] };
      case 'state':
        return { ...base, kind: 'state', label: s.state, over: [...s.at] };
      case 'ref': {
        const bound = Object.values(s.bind).filter((p) => known.has(p));
        return { ...base, kind: 'ref', label: s.flow, over: bound.length ? bound : [...known] };
      }
      default:
        throw new TypeError(`step ${s.id} of kind ${s.kind} is not a leaf`);
    }
  });

  const fragments: DiagramFragment[] = [];
  const rowSpan = (steps: readonly Step[]): number[] => {
    const list: Step[] = [];
    leaves(steps, list);
    return list.map((l) => rowOf.get(l)).filter((r): r is number => r !== undefined);
  };
  const lifelinesOf = (rs: readonly number[]): string[] => {
    const set = new Set<string>();
    for (const r of rs) {
      const row = rows[r];
      if (!row) continue;
      if (row.kind === 'message') {
        if (row.from !== undefined) set.add(row.from);
        set.add(row.to);
      } else for (const o of row.over) set.add(o);
    }
    return lifelines.map((l) => l.id).filter((id) => set.has(id));
  };
  const walk = (steps: readonly Step[], depth: number): void => {
    for (const s of steps) {
      if (s.kind !== 'alt' && s.kind !== 'opt' && s.kind !== 'par' && s.kind !== 'loop') continue;
      const groups: { label: string; steps: readonly Step[] }[] =
        s.kind === 'alt'
          ? s.operands.map((o) => ({ label: o.label ?? o.guard, steps: o.steps }))
          : s.kind === 'opt'
            ? [{ label: s.operand.label ?? s.operand.guard, steps: s.operand.steps }]
            : s.kind === 'par'
              ? s.operands.map((o) => ({ label: '', steps: o }))
              : [{ label: `${s.as ? `${s.as} in ` : 'each '}${s.over}`, steps: s.steps }];
      const all = groups.flatMap((g) => rowSpan(g.steps));
      if (all.length > 0) {
        fragments.push({
          key: stepKey(s.loc.path),
          kind: s.kind,
          ...(s.hasId ? { stepId: s.id } : {}),
          label: s.kind === 'par' ? '' : (groups[0]?.label ?? ''),
          firstRow: Math.min(...all),
          lastRow: Math.max(...all),
          lifelines: lifelinesOf(all),
          operands: groups.map((g) => ({
            label: g.label,
            firstRow: Math.min(...rowSpan(g.steps), Number.MAX_SAFE_INTEGER),
          })),
          depth,
          line: s.loc.line,
          endLine: s.loc.endLine,
        });
      }
      for (const g of groups) walk(g.steps, depth + 1);
    }
  };
  walk(flow.steps, 0);
  return { flowId: flow.id, title: flow.title, lifelines, rows, fragments };
}
