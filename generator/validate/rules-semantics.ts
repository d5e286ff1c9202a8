/**
 * Semantic rules over the partial order: choices are local, loops iterate
 * over declared collections, guards type-check, variables are bound before
 * a derivation reads them, `after` makes no cycle.
 */
import { DIALOG_PATHS, GUARD_VARIABLES, type GuardVarType } from '../model/vocabulary.js';
import { derivationLeaves } from '../model/derivation.js';
import { ExpressionError } from '../model/expression-lexer.js';
import { checkGuard, parseGuard } from '../model/guard.js';
import type { Flow, SourceLocation, Step, Value } from '../model/flow-model.js';
import { computeOrder, type PartialOrder } from '../order/happens-before.js';
import { stepName, type RuleContext } from './context.js';

/** Type of a guard variable: the catalog, or the flow's own enum/boolean/number variables. */
export function guardScope(flow: Flow): (name: string) => GuardVarType | undefined {
  return (name) => {
    const v = flow.variables.get(name);
    if (v?.type === 'enum' && v.values) return { type: 'enum', values: v.values };
    if (v?.type === 'boolean') return { type: 'boolean' };
    if (v?.type === 'number') return { type: 'number' };
    return GUARD_VARIABLES[name];
  };
}

/** guard-invalid, guard-else-position: guards parse, type-check, and "else" comes last. */
export function checkGuards(ctx: RuleContext): void {
  const scope = guardScope(ctx.flow);
  const check = (guard: string, loc: SourceLocation, s: Step): void => {
    try {
      checkGuard(parseGuard(guard), scope);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      ctx.report(
        'guard-invalid',
        `${stepName(s)}: guard "${guard}": ${e.message}`,
        loc,
        s.hasId ? s.id : undefined,
      );
    }
  };
  for (const s of ctx.all) {
    if (s.kind === 'alt') {
      s.operands.forEach((o, i) => {
        check(o.guard, o.loc, s);
        if (o.guard.trim() === 'else' && i !== s.operands.length - 1) {
          ctx.report(
            'guard-else-position',
            `${stepName(s)}: the "else" operand must be the last`,
            o.loc,
            s.hasId ? s.id : undefined,
          );
        }
      });
    } else if (s.kind === 'opt') {
      check(s.operand.guard, s.operand.loc, s);
      if (s.operand.guard.trim() === 'else') {
        ctx.report(
          'guard-invalid',
          `${stepName(s)}: an opt needs a real guard, not "else"`,
          s.operand.loc,
          s.hasId ? s.id : undefined,
        );
      }
    } else if (s.kind === 'action' && s.when !== undefined) {
      check(s.when, s.loc, s);
    } else if (s.kind === 'message') {
      // A value required only under a condition names that condition with a guard (`when:`).
      for (const v of valuesOf(s)) if (v.when !== undefined) check(v.when, v.loc, s);
    }
  }
}

/** loop-undefined-collection: a loop iterates over a declared variable of type list. */
export function checkLoops(ctx: RuleContext): void {
  for (const s of ctx.all) {
    if (s.kind !== 'loop') continue;
    const v = ctx.flow.variables.get(s.over);
    if (!v) {
      ctx.report(
        'loop-undefined-collection',
        `${stepName(s)}: loop over "${s.over}", which is not declared; add it under variables with type: list`,
        s.loc,
        s.hasId ? s.id : undefined,
      );
    } else if (v.type !== 'list') {
      ctx.report(
        'loop-undefined-collection',
        `${stepName(s)}: loop over "${s.over}", which is a ${v.type}, not a list`,
        s.loc,
        s.hasId ? s.id : undefined,
      );
    }
  }
}

/**
 * non-local-choice: the first events of every operand of an alt or opt are
 * done by the participant that decides it (Z.120; otherwise no single role
 * can know which operand runs).
 */
export function checkLocalChoice(ctx: RuleContext, order: PartialOrder): void {
  for (const s of ctx.all) {
    if (s.kind !== 'alt' && s.kind !== 'opt') continue;
    const operands = s.kind === 'alt' ? s.operands : [s.operand];
    for (const o of operands) {
      const inOperand = new Set<Step>();
      const collect = (list: readonly Step[]): void => {
        for (const x of list) {
          inOperand.add(x);
          if (x.kind === 'alt') x.operands.forEach((y) => collect(y.steps));
          if (x.kind === 'opt') collect(x.operand.steps);
          if (x.kind === 'par') x.operands.forEach(collect);
          if (x.kind === 'loop') collect(x.steps);
        }
      };
      collect(o.steps);
      const events = order.events.filter((e) => e.refPath.length === 0 && inOperand.has(e.source));
      // Events of expanded refs belong to the ref step of the operand.
      const refEvents = order.events.filter(
        (e) =>
          e.refPath.length > 0 &&
          [...inOperand].some((x) => x.kind === 'ref' && x.id === e.refPath[0]),
      );
      // A state step asserts a condition; it is no event anybody performs, so it cannot make a choice non-local.
      const all = [...events, ...refEvents].filter((e) => e.source.kind !== 'state');
      const minimal = all.filter(
        (e) => !all.some((f) => f !== e && order.happensBefore(f.index, e.index)),
      );
      // An unresolved ref is opaque: who acts first inside it is unknown (ref-missing-flow reports it).
      // A message sent TO the decider may start an operand: the decider's choice is driven by what
      // it receives (a trigger, e.g. OMA CPM 8.2.2.3 "If the SIP BYE request was sent by ...").
      const foreign = minimal.filter(
        (e) =>
          e.kind !== 'ref' &&
          e.participant !== s.decidedBy &&
          !(e.kind === 'send' && e.message?.to === s.decidedBy) &&
          !(e.kind === 'receive' && e.message?.from === undefined),
      );
      const receivesFirst = minimal.filter(
        (e) =>
          e.kind === 'receive' && e.message?.from !== undefined && e.participant !== s.decidedBy,
      );
      for (const e of [...foreign, ...receivesFirst]) {
        ctx.report(
          'non-local-choice',
          `${stepName(s)} is decided by ${s.decidedBy}, but its operand "${o.guard}" starts with ${e.kind === 'receive' ? 'a receive' : 'an event'} at ${e.participant} (${e.source.hasId ? `step ${e.step}` : `line ${e.source.loc.line}`}${e.refPath.length ? ` of flow ${e.flow}` : ''}); the decider must act first`,
          o.loc,
          s.hasId ? s.id : undefined,
        );
        break;
      }
    }
  }
}

function valuesOf(s: Step): Value[] {
  if (s.kind !== 'message') return [];
  return [
    ...(s.requestUri ? [s.requestUri] : []),
    ...s.headers.flatMap((h) => h.values),
    ...(s.body ? [s.body] : []),
  ];
}

/**
 * variable-unbound, derivation-unknown-path, derivation-step-order: a
 * derivation reads dialog state that exists, steps that happen before, and
 * variables declared or bound before it.
 */
export function checkDerivations(ctx: RuleContext, order: PartialOrder): void {
  const first = (step: Step): number | undefined =>
    order.events.find((e) => e.source === step && e.refPath.length === 0)?.index;
  // Where each variable is bound: by `bind:`, by `yields:`, or by a template's first occurrence.
  const binders = new Map<string, Step[]>();
  const addBinder = (name: string, s: Step): void => {
    binders.set(name, [...(binders.get(name) ?? []), s]);
  };
  for (const s of ctx.all) {
    if (s.kind === 'action' && s.yields) addBinder(s.yields, s);
    for (const v of valuesOf(s)) {
      if (v.bind) addBinder(v.bind, s);
      if (v.constraint.kind === 'template')
        for (const name of v.constraint.variables) addBinder(name, s);
    }
  }
  for (const s of ctx.all) {
    for (const v of valuesOf(s)) {
      if (v.constraint.kind !== 'derived') continue;
      const id = s.hasId ? s.id : undefined;
      for (const leaf of derivationLeaves(v.constraint.derivation)) {
        if (
          leaf.kind === 'path' &&
          leaf.root === 'dialog' &&
          !(DIALOG_PATHS as readonly string[]).includes(leaf.path)
        ) {
          ctx.report(
            'derivation-unknown-path',
            `step ${s.id}: "${leaf.path}" is not stored dialog state (known: ${DIALOG_PATHS.join(', ')})`,
            v.loc,
            id,
          );
        }
        if (leaf.kind === 'step') {
          const target = ctx.byId.get(leaf.step);
          if (!target) {
            ctx.report(
              'unknown-step-ref',
              `step ${s.id}: derivation reads step "${leaf.step}", which does not exist`,
              v.loc,
              id,
            );
            continue;
          }
          const a = first(target);
          const b = first(s);
          if (a !== undefined && b !== undefined && !order.happensBefore(a, b)) {
            ctx.report(
              'derivation-step-order',
              `step ${s.id}: derivation reads step ${leaf.step}, which does not happen before it`,
              v.loc,
              id,
            );
          }
        }
        if (leaf.kind === 'path' && leaf.root === 'var') {
          const name = leaf.path.slice('var.'.length);
          const declared = ctx.flow.variables.get(name);
          if (declared && declared.from !== 'trace') continue;
          const b = first(s);
          const bound = (binders.get(name) ?? []).some((x) => {
            const a = first(x);
            return x !== s && a !== undefined && b !== undefined && order.happensBefore(a, b);
          });
          if (!bound) {
            ctx.report(
              'variable-unbound',
              `step ${s.id}: "${name}" is used before it can be bound: bind it in an earlier step (bind:, yields:, a template) or declare it under variables with from: precondition or config`,
              v.loc,
              id,
            );
          }
        }
      }
    }
  }
}

/** after-cycle: causal `after` edges do not make a step wait for itself. */
export function checkCycles(ctx: RuleContext, order: PartialOrder): void {
  for (const e of order.events) {
    const preds = order.predecessors(e.index);
    if (preds.some((p) => p === e.index || order.happensBefore(e.index, p))) {
      ctx.report(
        'after-cycle',
        `step ${e.step}: its "after" edges make it wait for itself`,
        e.source.loc,
        e.step,
      );
      return;
    }
  }
}

/** The order used by the rules: refs expanded, one loop iteration. */
export function orderFor(flow: Flow, resolve?: (id: string) => Flow | undefined): PartialOrder {
  return computeOrder(flow, resolve ? { resolve } : {});
}
