/**
 * The facts of a case as a user states them: `--fact name=value` on the command line and the
 * `policies:` of a map (a topology), each checked against the type the flow's guards give the
 * name (GUARD_VARIABLES and the flow's own enum, boolean and number variables), so a misspelt
 * policy or value is an error rather than a fact no guard reads.
 */
import type { Flow } from '../model/flow-model.js';
import { GUARD_VARIABLES, type GuardVarType } from '../model/vocabulary.js';
import { guardScope } from '../validate/rules-semantics.js';
import type { FactValue } from './value-requirements.js';

export type { FactValue, Facts } from './value-requirements.js';
export { caseFacts } from './case-facts.js';

/** A value as written in text: `true`/`false`, a number, else the text itself. */
export function parseFactText(text: string): FactValue {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  return t;
}

function describeType(t: GuardVarType): string {
  if (t.type === 'enum') return `one of ${t.values.map((v) => `'${v}'`).join(', ')}`;
  return t.type === 'boolean' ? 'true or false' : 'a number';
}

/**
 * A fact's value as its guards read it (an enumeration's value is text even when written as a
 * number, `race.winner: 487`), or why it is not one: an unknown name, a value of another type.
 */
export function checkFact(
  name: string,
  value: unknown,
  flow: Flow,
): { readonly value: FactValue } | { readonly reason: string } {
  const type = guardScope(flow)(name);
  if (type === undefined) {
    const known = [...new Set(knownFacts(flow))].sort().join(', ');
    return { reason: `"${name}" is no fact a guard reads (known: ${known})` };
  }
  const shown = JSON.stringify(value);
  switch (type.type) {
    case 'boolean':
      return typeof value === 'boolean'
        ? { value }
        : { reason: `${name} is true or false, not ${shown}` };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? { value }
        : { reason: `${name} is a number, not ${shown}` };
    case 'enum': {
      const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
      return type.values.includes(text)
        ? { value: text }
        : { reason: `${name} is ${describeType(type)}, not ${shown}` };
    }
  }
}

/** Names a fact may have for a flow: the guard vocabulary and the flow's own variables. */
function knownFacts(flow: Flow): string[] {
  const scope = guardScope(flow);
  return [
    ...Object.keys(GUARD_VARIABLES),
    ...[...flow.variables.keys()].filter((n) => scope(n) !== undefined),
  ];
}

/** A `--fact` argument that cannot be used. */
export class FactArgumentError extends Error {
  constructor(
    readonly argument: string,
    readonly reason: string,
  ) {
    super(`--fact ${argument}: ${reason}`);
    this.name = 'FactArgumentError';
  }
}

/** Parses `--fact name=value` arguments for a flow; throws {@link FactArgumentError}. */
export function parseFactArguments(args: readonly string[], flow: Flow): Map<string, FactValue> {
  const out = new Map<string, FactValue>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? '' : arg.slice(0, eq).trim();
    if (name === '')
      throw new FactArgumentError(arg, 'expected name=value (policy.allowOfflineStorage=true)');
    const checked = checkFact(name, parseFactText(arg.slice(eq + 1)), flow);
    if ('reason' in checked) throw new FactArgumentError(arg, checked.reason);
    out.set(name, checked.value);
  }
  return out;
}
