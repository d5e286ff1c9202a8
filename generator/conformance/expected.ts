/**
 * The expected side of a conformance check: a flow expanded into the
 * messages that cross the wire, each with its dialog group (which messages
 * share a Call-ID), its fragment context (alt operand, opt, loop) and its
 * place in the flow's partial order.
 */
import type { Flow, MessageStep, MessageType, Step, Value } from '../model/flow-model.js';
import { derivationLeaves } from '../model/derivation.js';
import { computeOrder, type PartialOrder } from '../order/happens-before.js';
import { valueRequirements, type Facts, type ValueRequirement } from './value-requirements.js';

/** Where an expected message sits among the flow's fragments. */
export interface FragmentContext {
  /** Alt operands on the way down: "altKey:operandIndex". */
  readonly alts: readonly string[];
  /** Opt fragments on the way down. */
  readonly opts: readonly string[];
  /** Innermost loop fragment key, when inside a loop. */
  readonly loop?: string;
}

/** One message of the flow that should appear on the wire. */
export interface ExpectedMessage {
  /** Index in {@link ExpectedFlow.messages}. */
  readonly index: number;
  /** Id shown in reports: the step id, prefixed by the referenced flow's id inside refs ("poc.disconnect.on-demand:4"). */
  readonly id: string;
  readonly step: MessageStep;
  readonly type: MessageType;
  /** Flow that holds the step. */
  readonly flow: Flow;
  /** Sender and receiver as participants of the root flow ("flowId:participant" when a ref leaves them unbound). */
  readonly from: string | undefined;
  readonly to: string;
  /** Dialog group: messages of one group share a Call-ID on the wire. */
  readonly group: number;
  readonly context: FragmentContext;
  /** The request this message answers (for responses), as an index. */
  readonly answers: number | undefined;
  /** Index of the send event in the partial order. */
  readonly event: number;
}

/** A flow ready for checking. */
export interface ExpectedFlow {
  readonly flow: Flow;
  readonly messages: readonly ExpectedMessage[];
  /** Messages that travel on the wire (SIP and MBCP; indications are internal). */
  readonly wire: readonly ExpectedMessage[];
  readonly order: PartialOrder;
  /** For each message, the wire messages that happen before it. */
  readonly before: readonly (readonly number[])[];
  /**
   * For each message, the wire messages that must happen before it causally: `before` within
   * its dialog group, and across groups only along causal edges (see {@link causalBefore}). A
   * step out of order is judged against this relation.
   */
  readonly causal: readonly (readonly number[])[];
  /** For each message, its immediate causal predecessors (the latest of `causal`). */
  readonly causalImmediate: readonly (readonly number[])[];
  /** For each message, its immediate wire predecessors (the latest of `before`). */
  readonly immediate: readonly (readonly number[])[];
  /** Group count; groups are 0..groups-1. */
  readonly groups: number;
  /** Groups that hold a wire message with no wire predecessor: they start an instance. */
  readonly startGroups: ReadonlySet<number>;
  /** Participants whose instances change per loop iteration. */
  readonly multiple: ReadonlySet<string>;
  /** Messages a later step derives a value from (`step(N).…`): their observed message is kept. */
  readonly referenced: ReadonlySet<number>;
  /** Wire messages every instance must show: outside opt, loop and alt fragments. */
  readonly mandatory: readonly number[];
  /** Operand count of every alt ("alt3" -> 2), including operands without wire messages. */
  readonly altSizes: ReadonlyMap<string, number>;
  /** Variables actions of the flow and the flows it refers to yield (`yields: uid`). */
  readonly yielded: ReadonlySet<string>;
  /**
   * What the facts (see {@link withFacts}) and `yields:` decide about values of the steps; a
   * value left out is checked as its constraint says, a `when:` not requiring it.
   */
  readonly requirements: ReadonlyMap<Value, ValueRequirement>;
  /** The facts {@link requirements} were decided by (none from {@link expandFlow}). */
  readonly facts: Facts;
}

interface Scope {
  readonly flow: Flow;
  readonly bind: (id: string) => string;
  readonly refPath: readonly string[];
  readonly prefix: string;
}

class UnionFind {
  private readonly parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r] ?? r;
    this.parent[x] = r;
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[rb] = ra;
  }
}

/** Expands a flow (refs resolved through `resolve`) into its expected messages. */
export function expandFlow(flow: Flow, resolve?: (id: string) => Flow | undefined): ExpectedFlow {
  const order = computeOrder(flow, resolve ? { resolve } : {});
  const eventIndex = new Map<string, number>();
  for (const e of order.events) {
    if (e.kind !== 'send' && !(e.kind === 'receive' && e.message && e.message.from === undefined))
      continue;
    const key = `${e.refPath.join('/')}|${e.flow}|${e.step}`;
    if (!eventIndex.has(key)) eventIndex.set(key, e.index);
  }
  const messages: ExpectedMessage[] = [];
  const uf = new UnionFind();
  const multiple = new Set<string>();
  let fragmentCounter = 0;
  const altSizes = new Map<string, number>();
  const yielded = new Set<string>();
  /** Loop fragment key -> the list it iterates over (`over:`). */
  const loopLists = new Map<string, string>();
  /** "dialog|list" -> a group of that dialog in a loop over that list, across refs. */
  const listDialogs = new Map<string, number>();

  const walk = (
    steps: readonly Step[],
    scope: Scope,
    ctx: FragmentContext,
    labels: Map<string, number>,
    ids: Map<string, number>,
  ): void => {
    for (const s of steps) {
      switch (s.kind) {
        case 'message': {
          if (!s.message) break;
          const key = `${scope.refPath.join('/')}|${scope.flow.id}|${s.id}`;
          const group = uf.add();
          const index = messages.length;
          const from = s.from === undefined ? undefined : scope.bind(s.from);
          const to = scope.bind(s.to);
          for (const [p, bound] of [
            [s.from, from],
            [s.to, to],
          ] as const) {
            if (p !== undefined && bound !== undefined && scope.flow.participants.get(p)?.multiple)
              multiple.add(bound);
          }
          const answered = s.answers !== undefined ? ids.get(s.answers) : undefined;
          messages.push({
            index,
            id: `${scope.prefix}${s.id}`,
            step: s,
            type: s.message,
            flow: scope.flow,
            from,
            to,
            group,
            context: ctx,
            answers: answered,
            event: eventIndex.get(key) ?? -1,
          });
          if (s.hasId) ids.set(s.id, index);
          // RFC 3261 16.6: a proxy keeps the Call-ID; a response belongs to its request's dialog.
          for (const rel of [s.relays, s.answers]) {
            const j = rel === undefined ? undefined : ids.get(rel);
            if (j !== undefined) uf.union(messages[j]?.group ?? group, group);
          }
          if (s.dialog !== undefined) {
            // Inside a loop each iteration has its own dialog (one per IWF, per participant): a
            // label joins the messages of one loop, or those outside loops, never both.
            const label = `${s.dialog}|${ctx.loop ?? ''}`;
            const g = labels.get(label);
            if (g === undefined) labels.set(label, group);
            else uf.union(g, group);
            // Loops over the same list go through the same participants in the same order: the
            // dialog of iteration i of one continues in iteration i of the other (OMA PoC CANCEL,
            // 2xx operand: `controllingLeg` opened per participant in step 2xx.5, released by
            // Figure 16 step 12), whichever flow each loop is in.
            const list = ctx.loop === undefined ? undefined : loopLists.get(ctx.loop);
            if (list !== undefined) {
              const key = `${s.dialog}|${list}`;
              const l = listDialogs.get(key);
              if (l === undefined) listDialogs.set(key, group);
              else uf.union(l, group);
            }
          }
          break;
        }
        case 'alt': {
          const key = `alt${fragmentCounter++}`;
          altSizes.set(key, s.operands.length);
          s.operands.forEach((o, i) =>
            walk(o.steps, scope, { ...ctx, alts: [...ctx.alts, `${key}:${i}`] }, labels, ids),
          );
          break;
        }
        case 'opt': {
          const key = `opt${fragmentCounter++}`;
          walk(s.operand.steps, scope, { ...ctx, opts: [...ctx.opts, key] }, labels, ids);
          break;
        }
        case 'par':
          for (const o of s.operands) walk(o, scope, ctx, labels, ids);
          break;
        case 'loop': {
          const loop = `loop${fragmentCounter++}`;
          loopLists.set(loop, s.over);
          walk(s.steps, scope, { ...ctx, loop }, labels, ids);
          break;
        }
        case 'ref': {
          const target = resolve?.(s.flow);
          if (!target || scope.refPath.length > 8) break;
          const outer = scope;
          walk(
            target.steps,
            {
              flow: target,
              bind: (id) => {
                const mapped = s.bind[id] ?? (outer.flow.participants.has(id) ? id : undefined);
                return mapped !== undefined ? outer.bind(mapped) : `${target.id}:${id}`;
              },
              refPath: [...scope.refPath, s.id],
              prefix: `${target.id}:`,
            },
            ctx,
            new Map(),
            new Map(),
          );
          break;
        }
        case 'action':
          if (s.yields !== undefined) yielded.add(s.yields);
          break;
        default:
          break;
      }
    }
  };
  walk(
    flow.steps,
    { flow, bind: (id) => id, refPath: [], prefix: '' },
    { alts: [], opts: [] },
    new Map(),
    new Map(),
  );

  // Renumber groups densely.
  const dense = new Map<number, number>();
  const final = messages.map((m) => {
    const root = uf.find(m.group);
    if (!dense.has(root)) dense.set(root, dense.size);
    return { ...m, group: dense.get(root) ?? 0 };
  });
  const wire = final.filter((m) => m.type.protocol !== 'indication');
  const before = final.map((m) =>
    wire
      .filter(
        (w) =>
          w.index !== m.index &&
          w.event >= 0 &&
          m.event >= 0 &&
          order.happensBefore(w.event, m.event),
      )
      .map((w) => w.index),
  );
  const latest = (rel: readonly (readonly number[])[]): number[][] =>
    rel.map((list) => list.filter((p) => !list.some((q) => q !== p && (rel[q] ?? []).includes(p))));
  const immediate = latest(before);
  const causal = causalBefore(final, before, order);
  const causalImmediate = latest(causal);
  const startGroups = new Set<number>();
  for (const w of wire) if ((before[w.index] ?? []).length === 0) startGroups.add(w.group);
  const referenced = new Set<number>();
  for (const m of final) {
    const prefix = m.id.slice(0, m.id.length - m.step.id.length);
    const values = [m.step.requestUri, ...m.step.headers.flatMap((h) => h.values), m.step.body];
    for (const v of values) {
      if (v?.constraint.kind !== 'derived') continue;
      for (const leaf of derivationLeaves(v.constraint.derivation)) {
        if (leaf.kind !== 'step') continue;
        const target = final.find((x) => x.id === `${prefix}${leaf.step}`);
        if (target) referenced.add(target.index);
      }
    }
  }
  const mandatory = wire
    .filter(
      (m) =>
        m.context.alts.length === 0 && m.context.opts.length === 0 && m.context.loop === undefined,
    )
    .map((m) => m.index);
  return {
    flow,
    messages: final,
    wire,
    order,
    before,
    causal,
    causalImmediate,
    immediate,
    groups: dense.size,
    startGroups,
    multiple,
    altSizes,
    referenced,
    mandatory,
    yielded,
    requirements: valueRequirements(
      final.map((m) => m.step),
      yielded,
      NO_FACTS,
    ),
    facts: NO_FACTS,
  };
}

const NO_FACTS: Facts = new Map();

/**
 * The flow checked under the case's facts: each value's `when:` is decided once here, by the
 * same evaluator the generated roles use, instead of per message (see {@link ValueRequirement}).
 */
export function withFacts(expected: ExpectedFlow, facts: Facts): ExpectedFlow {
  if (facts.size === 0 && expected.facts.size === 0) return expected;
  return {
    ...expected,
    requirements: valueRequirements(
      expected.messages.map((m) => m.step),
      expected.yielded,
      facts,
    ),
    facts,
  };
}

/**
 * The causal part of `before`. Within one dialog group every drawn order holds. Across groups a
 * participant's position in the drawing alone orders nothing: a stateful proxy handles each
 * transaction on its own (RFC 3261 16), so when the network reorders, or loses and re-sends, what
 * triggers two of its sends in different dialogs, it sends them in the other order (Figure 16:
 * SIP/IP Core A may relay PoC Server A's BYE, step 7, before its 200, step 5). What crosses
 * groups: a relay after what it relays and an answer after its request (RFC 3261 16.6, 16.7:
 * both also join the groups), a step after the steps its `after` names, and a send of a
 * participant that is not a proxy after every receive that precedes it on its lifeline (a
 * B2BUA's request on one leg after its trigger on the other: in Figure 16 the BYE of step 6
 * after the BYE of step 3 it received, not after its 200 of step 4). The relation is closed
 * transitively over these edges.
 */
function causalBefore(
  messages: readonly ExpectedMessage[],
  before: readonly (readonly number[])[],
  order: PartialOrder,
): number[][] {
  const receiveOf = (m: ExpectedMessage): number =>
    // The receive event follows the send event (happens-before adds them in a pair).
    m.from === undefined ? m.event : m.event + 1;
  const proxy = (m: ExpectedMessage): boolean =>
    m.step.from !== undefined && m.flow.participants.get(m.step.from)?.mode === 'proxy';
  const direct = messages.map((m) => {
    const preds = before[m.index] ?? [];
    if (m.event < 0) return preds;
    const sender = order.events[m.event]?.participant;
    const named = new Set(m.step.after);
    return preds.filter((p) => {
      const pm = messages[p];
      if (!pm) return false;
      if (pm.group === m.group) return true;
      if (pm.flow === m.flow && named.has(pm.step.id)) return true;
      if (m.from === undefined || proxy(m) || pm.event < 0) return false;
      const recv = receiveOf(pm);
      return order.events[recv]?.participant === sender && order.happensBefore(recv, m.event);
    });
  });
  const closed: (number[] | undefined)[] = [];
  const close = (i: number): number[] => {
    const known = closed[i];
    if (known) return known;
    const out = new Set<number>();
    // `before` is acyclic (validation rejects cycles through `after`): the recursion ends.
    closed[i] = [];
    for (const p of direct[i] ?? []) {
      out.add(p);
      for (const q of close(p)) out.add(q);
    }
    const list = [...out].sort((a, b) => a - b);
    closed[i] = list;
    return list;
  };
  return messages.map((m) => close(m.index));
}

/** A short description of a message type: "BYE", "200 OK", "MBCP Disconnect". */
export function describeType(t: MessageType): string {
  if (t.protocol === 'sip')
    return t.type === 'request' ? t.method : `${t.status}${t.reason ? ` ${t.reason}` : ''}`;
  if (t.protocol === 'mbcp') return `MBCP ${t.name}`;
  return `indication ${t.name}`;
}
