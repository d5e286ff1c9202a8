/**
 * What a check requires of each value that has a `when:` or copies a variable an action yields,
 * decided once per flow and facts (the case's policies and session facts) rather than per
 * message: a value's `when:` is a guard over the facts of the case, which a capture cannot show
 * (OMA CPM 8.2.2.3 4.c.ii.2: Message-UID only when the session history was stored, that is when
 * <allow-offline-storage> is true).
 */
import type { Derivation, MessageStep, Value } from '../model/flow-model.js';
import { evaluateGuard } from '../emit/guard-code.js';

/** The value of a fact: a policy or session fact as a guard reads it. */
export type FactValue = string | number | boolean;

/** Facts by the name the flows' guards use (`policy.allowOfflineStorage`, `session.iwfCount`). */
export type Facts = ReadonlyMap<string, FactValue>;

/**
 * How a value is checked, where the facts or the flow decide more than the value alone says:
 * `ignored`, its `when:` is false, so the flow neither requires nor checks it; `required`, its
 * `when:` is true, so it is checked as if it had none; `yielded`, it copies a variable an action
 * yields (`is: var.uid`, `yields: uid`), which no message shows before: it must be present with
 * any value, which the variable takes (later steps compare with it); `yielded-open`, the same
 * under a `when:` the facts leave open: bound when present, not required. A value none of these
 * applies to is checked as before: a `when:` the facts leave open does not require it.
 */
export type ValueRequirement = 'ignored' | 'required' | 'yielded' | 'yielded-open';

/** The variable a value copies with `is: var.<name>`, if it does. */
export function copiedVariable(v: Value): string | undefined {
  const c = v.constraint;
  if (c.kind !== 'derived') return undefined;
  const d: Derivation = c.derivation;
  return d.kind === 'path' && d.root === 'var' ? d.path.slice('var.'.length) : undefined;
}

/** The values of a message step: Request-URI, header values, body. */
export function stepValues(step: MessageStep): Value[] {
  return [
    ...(step.requestUri ? [step.requestUri] : []),
    ...step.headers.flatMap((h) => h.values),
    ...(step.body ? [step.body] : []),
  ];
}

/**
 * The requirement of every value of `steps` the facts or a `yields:` decide (see
 * {@link ValueRequirement}); values left out are checked as they always were. `yielded` names
 * the variables actions of the flow (and the flows it refers to) yield.
 */
export function valueRequirements(
  steps: Iterable<MessageStep>,
  yielded: ReadonlySet<string>,
  facts: Facts,
): ReadonlyMap<Value, ValueRequirement> {
  const record = Object.fromEntries(facts);
  const out = new Map<Value, ValueRequirement>();
  for (const step of steps)
    for (const v of stepValues(step)) {
      const variable = copiedVariable(v);
      const yields = variable !== undefined && yielded.has(variable);
      if (v.when === undefined) {
        if (yields) out.set(v, 'yielded');
        continue;
      }
      // The same evaluator as the generated roles' and tests' (generator/emit/guard-code.ts).
      const holds = facts.size === 0 ? undefined : evaluateGuard(v.when, record);
      if (holds === false) out.set(v, 'ignored');
      else if (holds === true) out.set(v, yields ? 'yielded' : 'required');
      else if (yields) out.set(v, 'yielded-open');
    }
  return out;
}
