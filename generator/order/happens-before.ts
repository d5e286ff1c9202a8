/**
 * Happens-before over the events of a flow, with the semantics of ITU-T
 * Z.120 message sequence charts: events on one lifeline are ordered top to
 * bottom, a send happens before its receive, par operands are unordered
 * with respect to each other, alt operands are mutually exclusive, loop
 * iterations run in sequence, `after` adds causal edges and refs are
 * expanded in place with their participants bound.
 */
import type { Flow, MessageStep, Step } from '../model/flow-model.js';
import { linearizeEvents } from './linearize.js';

/** One event of a flow. */
export interface FlowEvent {
  /** Index in {@link PartialOrder.events}. */
  readonly index: number;
  readonly kind: 'send' | 'receive' | 'local' | 'ref';
  /** Step id of the flow the event comes from (the referenced flow's id for expanded refs). */
  readonly step: string;
  /** Flow that holds the step (differs from the root flow inside expanded refs). */
  readonly flow: string;
  /** Lifeline: participant id of the root flow, with `[i]` per loop iteration for `multiple` participants. */
  readonly participant: string;
  /** The message step, for send and receive events. */
  readonly message?: MessageStep;
  /** The step itself. */
  readonly source: Step;
  /** Loop iteration indexes, outermost first. */
  readonly iteration: readonly number[];
  /** Chain of ref step ids that led here, outermost first. */
  readonly refPath: readonly string[];
}

/** Options for {@link computeOrder}. */
export interface OrderOptions {
  /** Finds a referenced flow; without it refs stay single opaque events. */
  readonly resolve?: (flowId: string) => Flow | undefined;
  /** How many iterations to unroll each loop into (default 1). */
  readonly loopIterations?: number;
}

/** The partial order of a flow's events. */
export interface PartialOrder {
  readonly events: readonly FlowEvent[];
  /** True when a happens strictly before b. */
  happensBefore(a: number, b: number): boolean;
  /** True when a and b lie in different operands of one alt: they never both happen. */
  exclusive(a: number, b: number): boolean;
  /** Neither ordered nor exclusive: they may happen in either order. */
  concurrent(a: number, b: number): boolean;
  /** Direct predecessors (the edges of the order's Hasse diagram, plus redundant ones as built). */
  predecessors(e: number): readonly number[];
  /** Events of a step (in the root flow, or in a ref's expansion when `refPath` matches). */
  eventsOfStep(step: string): readonly FlowEvent[];
  /** One linearisation: a topological order that keeps document order where the order allows. */
  linearize(): readonly FlowEvent[];
}

type Frontier = Map<string, Set<number>>;

interface Scope {
  readonly flow: Flow;
  /** Participant id in this flow -> lifeline id in the root. */
  readonly bind: (id: string) => string;
  readonly iteration: readonly number[];
  readonly refPath: readonly string[];
  /** alt contexts: "altInstance:operand". */
  readonly alts: readonly string[];
  readonly depth: number;
}

class Builder {
  readonly events: FlowEvent[] = [];
  readonly preds: number[][] = [];
  readonly altCtx: (readonly string[])[] = [];
  private altCounter = 0;
  /** (flow, step, iteration, refPath) -> events, to resolve `after`. */
  readonly stepEvents = new Map<string, number[]>();
  readonly afterEdges: { from: string; to: string }[] = [];

  constructor(private readonly opts: OrderOptions) {}

  private key(flow: string, step: string, scope: Scope): string {
    return `${flow}|${step}|${scope.iteration.join(',')}|${scope.refPath.join('/')}`;
  }

  private add(
    kind: FlowEvent['kind'],
    participant: string,
    step: Step,
    scope: Scope,
    frontier: Frontier,
    message?: MessageStep,
  ): number {
    const index = this.events.length;
    this.events.push({
      index,
      kind,
      step: step.id,
      flow: scope.flow.id,
      participant,
      source: step,
      iteration: scope.iteration,
      refPath: scope.refPath,
      ...(message ? { message } : {}),
    });
    this.preds.push([...(frontier.get(participant) ?? [])]);
    this.altCtx.push(scope.alts);
    frontier.set(participant, new Set([index]));
    const k = this.key(scope.flow.id, step.id, scope);
    const list = this.stepEvents.get(k) ?? [];
    list.push(index);
    this.stepEvents.set(k, list);
    return index;
  }

  private lifeline(id: string, scope: Scope): string {
    const bound = scope.bind(id);
    const p = scope.flow.participants.get(id);
    if (p?.multiple && scope.iteration.length > 0) return `${bound}[${scope.iteration.join('.')}]`;
    return bound;
  }

  seq(steps: readonly Step[], frontier: Frontier, scope: Scope): void {
    for (const s of steps) this.step(s, frontier, scope);
  }

  step(s: Step, frontier: Frontier, scope: Scope): void {
    for (const a of s.after) {
      this.afterEdges.push({
        from: this.key(scope.flow.id, a, scope),
        to: this.key(scope.flow.id, s.id, scope),
      });
    }
    switch (s.kind) {
      case 'message': {
        const to = this.lifeline(s.to, scope);
        if (s.from !== undefined) {
          const send = this.add('send', this.lifeline(s.from, scope), s, scope, frontier, s);
          const recv = this.add('receive', to, s, scope, frontier, s);
          this.preds[recv]?.push(send);
        } else {
          this.add('receive', to, s, scope, frontier, s);
        }
        return;
      }
      case 'action':
        this.add('local', this.lifeline(s.at, scope), s, scope, frontier);
        return;
      case 'state':
        for (const p of s.at) this.add('local', this.lifeline(p, scope), s, scope, frontier);
        return;
      case 'par':
      case 'alt':
      case 'opt': {
        const operands =
          s.kind === 'par'
            ? s.operands
            : s.kind === 'alt'
              ? s.operands.map((o) => o.steps)
              : [s.operand.steps, []];
        const instance = s.kind === 'par' ? undefined : `alt${this.altCounter++}`;
        const results: Frontier[] = operands.map((steps, i) => {
          const f = copy(frontier);
          this.seq(
            steps,
            f,
            instance ? { ...scope, alts: [...scope.alts, `${instance}:${i}`] } : scope,
          );
          return f;
        });
        frontier.clear();
        for (const f of results)
          for (const [p, set] of f) frontier.set(p, union(frontier.get(p), set));
        return;
      }
      case 'loop': {
        const n = Math.max(1, this.opts.loopIterations ?? 1);
        for (let i = 0; i < n; i++)
          this.seq(s.steps, frontier, { ...scope, iteration: [...scope.iteration, i] });
        return;
      }
      case 'ref': {
        const target = this.opts.resolve?.(s.flow);
        if (!target || scope.depth > 8 || scope.refPath.includes(s.id)) {
          const lifelines = Object.values(s.bind);
          for (const p of lifelines.length
            ? lifelines
            : [...scope.flow.participants.keys()].slice(0, 1)) {
            this.add('ref', this.lifeline(p, scope), s, scope, frontier);
          }
          return;
        }
        const outer = scope;
        const inner: Scope = {
          flow: target,
          bind: (id) => {
            const mapped = s.bind[id] ?? (outer.flow.participants.has(id) ? id : undefined);
            return mapped !== undefined ? outer.bind(mapped) : `${s.flow}:${id}`;
          },
          iteration: scope.iteration,
          refPath: [...scope.refPath, s.id],
          alts: scope.alts,
          depth: scope.depth + 1,
        };
        this.seq(target.steps, frontier, inner);
        return;
      }
    }
  }

  linkAfter(): void {
    for (const { from, to } of this.afterEdges) {
      const a = this.stepEvents.get(from);
      const b = this.stepEvents.get(to);
      if (!a || !b) continue;
      const last = Math.max(...a);
      const first = Math.min(...b);
      this.preds[first]?.push(last);
    }
  }
}

function copy(f: Frontier): Frontier {
  return new Map([...f].map(([k, v]) => [k, new Set(v)]));
}

function union(a: Set<number> | undefined, b: Set<number>): Set<number> {
  return new Set([...(a ?? []), ...b]);
}

/** Computes the partial order of a flow's events. */
export function computeOrder(flow: Flow, opts: OrderOptions = {}): PartialOrder {
  const b = new Builder(opts);
  b.seq(flow.steps, new Map(), {
    flow,
    bind: (id) => id,
    iteration: [],
    refPath: [],
    alts: [],
    depth: 0,
  });
  b.linkAfter();
  const n = b.events.length;
  const words = Math.ceil(n / 32);
  // reach[e] = bitset of events that happen before e. Events are created in an
  // order compatible with lifeline and send/receive edges; `after` edges may
  // point backwards, so iterate to a fixed point.
  const reach = Array.from({ length: n }, () => new Uint32Array(words));
  let changed = true;
  let rounds = 0;
  while (changed && rounds++ < n + 1) {
    changed = false;
    for (let e = 0; e < n; e++) {
      const r = reach[e] as Uint32Array;
      for (const p of b.preds[e] ?? []) {
        const rp = reach[p] as Uint32Array;
        const w = p >>> 5;
        const bit = 1 << (p & 31);
        if (((r[w] ?? 0) & bit) === 0) {
          r[w] = (r[w] ?? 0) | bit;
          changed = true;
        }
        for (let i = 0; i < words; i++) {
          // >>> 0: bitwise results are signed; the array holds unsigned words (bit 31 would never settle).
          const merged = ((r[i] ?? 0) | (rp[i] ?? 0)) >>> 0;
          if (merged !== r[i]) {
            r[i] = merged;
            changed = true;
          }
        }
      }
    }
  }
  const hb = (a: number, c: number): boolean =>
    a !== c && (((reach[c]?.[a >>> 5] ?? 0) >>> (a & 31)) & 1) === 1;
  const exclusive = (a: number, c: number): boolean => {
    const ca = b.altCtx[a] ?? [];
    const cc = b.altCtx[c] ?? [];
    for (const x of ca) {
      const [inst, op] = x.split(':');
      for (const y of cc) {
        const [inst2, op2] = y.split(':');
        if (inst === inst2 && op !== op2) return true;
      }
    }
    return false;
  };
  return {
    events: b.events,
    happensBefore: hb,
    exclusive,
    concurrent: (a, c) => a !== c && !hb(a, c) && !hb(c, a) && !exclusive(a, c),
    predecessors: (e) => b.preds[e] ?? [],
    eventsOfStep: (step) => b.events.filter((e) => e.step === step && e.refPath.length === 0),
    linearize: () => linearizeEvents(b.events, (i) => b.preds[i] ?? []),
  };
}
