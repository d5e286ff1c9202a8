/**
 * The tree context of every step of a flow: the alt/opt guards and loops
 * around it. The partial order (generator/order) flattens fragments into
 * events; projection needs the guards back to know who chooses what.
 */
import type { Flow, Step } from '../model/flow-model.js';

/** A guard around a step, in the namespace of the step's own flow. */
export interface RawGuard {
  readonly guard: string;
  readonly decidedBy: string;
  readonly fragment: string;
  readonly operand: number;
}

/** Guards and loops around one step, outermost first. */
export interface StepContext {
  readonly guards: readonly RawGuard[];
  readonly loops: readonly string[];
}

/** Steps by id and their contexts, for one flow. */
export interface FlowSteps {
  readonly byId: ReadonlyMap<string, Step>;
  readonly context: ReadonlyMap<Step, StepContext>;
}

function elseGuard(guards: readonly string[]): string {
  const others = guards.filter((g) => g !== 'else');
  return others.length === 0 ? 'true' : others.map((g) => `!(${g})`).join(' && ');
}

function walk(
  steps: readonly Step[],
  ctx: StepContext,
  byId: Map<string, Step>,
  context: Map<Step, StepContext>,
): void {
  for (const s of steps) {
    byId.set(s.id, s);
    context.set(s, ctx);
    switch (s.kind) {
      case 'alt': {
        const texts = s.operands.map((o) => o.guard);
        s.operands.forEach((o, i) => {
          const guard = o.guard === 'else' ? elseGuard(texts) : o.guard;
          const g: RawGuard = { guard, decidedBy: s.decidedBy, fragment: s.id, operand: i };
          walk(o.steps, { ...ctx, guards: [...ctx.guards, g] }, byId, context);
        });
        break;
      }
      case 'opt': {
        const g: RawGuard = {
          guard: s.operand.guard,
          decidedBy: s.decidedBy,
          fragment: s.id,
          operand: 0,
        };
        walk(s.operand.steps, { ...ctx, guards: [...ctx.guards, g] }, byId, context);
        break;
      }
      case 'par':
        for (const o of s.operands) walk(o, ctx, byId, context);
        break;
      case 'loop':
        walk(s.steps, { ...ctx, loops: [...ctx.loops, s.over] }, byId, context);
        break;
      default:
        break;
    }
  }
}

/** Indexes a flow's steps (fragments included) and the context of each. */
export function indexFlowSteps(flow: Flow): FlowSteps {
  const hit = indexes.get(flow);
  if (hit) return hit;
  const built = buildIndex(flow);
  indexes.set(flow, built);
  return built;
}

const indexes = new WeakMap<Flow, FlowSteps>();

function buildIndex(flow: Flow): FlowSteps {
  const byId = new Map<string, Step>();
  const context = new Map<Step, StepContext>();
  walk(flow.steps, { guards: [], loops: [] }, byId, context);
  return { byId, context };
}

/** The establishing flow of a flow's session: its first precondition. */
export function sessionOf(flow: Flow): string | undefined {
  const given = flow.given[0]?.establishedBy;
  if (given !== undefined) return given;
  for (const s of flow.steps) {
    if (s.kind === 'state' && s.establishedBy !== undefined) return s.establishedBy;
  }
  return undefined;
}
