/**
 * Guards as TypeScript: a guard expression of a flow (`policy.release ==
 * 'release-all' && !session.interworked`) becomes an expression over the
 * role's facts record (`f['policy.release'] === 'release-all' && !f['session.interworked']`).
 */
import { guardVariables, parseGuard, type Guard } from '../model/guard.js';

/** Every variable a guard text reads. */
export function guardVariablesOf(text: string): string[] {
  return guardVariables(parseGuard(text));
}

function lit(v: string | number | boolean): string {
  return typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : String(v);
}

/** The TypeScript expression of a parsed guard over a facts record named `f`. */
export function guardExpression(g: Guard): string {
  switch (g.kind) {
    case 'else':
      return 'true';
    case 'var':
      return `f['${g.name}']`;
    case 'literal':
      return lit(g.value);
    case 'not':
      return g.operand.kind === 'var'
        ? `!${guardExpression(g.operand)}`
        : `!(${guardExpression(g.operand)})`;
    case 'and':
      return `(${guardExpression(g.left)} && ${guardExpression(g.right)})`;
    case 'or':
      return `(${guardExpression(g.left)} || ${guardExpression(g.right)})`;
    case 'compare': {
      const op = g.op === '==' ? '===' : g.op === '!=' ? '!==' : g.op;
      if (op === '===' || op === '!==')
        return `${guardExpression(g.left)} ${op} ${guardExpression(g.right)}`;
      // An order compares numbers (a count, session.iwfCount); a fact not given counts as 0.
      const num = (side: Guard): string =>
        side.kind === 'var' ? `Number(${guardExpression(side)} ?? 0)` : guardExpression(side);
      return `${num(g.left)} ${op} ${num(g.right)}`;
    }
  }
}

/** The TypeScript expression of a guard text. */
export function guardCode(text: string): string {
  return guardExpression(parseGuard(text));
}

/** Whether a guard's expression is already a boolean (a comparison, a negation, `else`). */
function isBoolean(g: Guard): boolean {
  switch (g.kind) {
    case 'compare':
    case 'not':
    case 'else':
      return true;
    case 'literal':
      return typeof g.value === 'boolean';
    case 'and':
    case 'or':
      return isBoolean(g.left) && isBoolean(g.right);
    case 'var':
      return false;
  }
}

/**
 * The TypeScript boolean of a guard text: its expression, made a boolean where it reads a fact
 * as a condition (`policy.allowOfflineStorage` -> `Boolean(f['policy.allowOfflineStorage'])`),
 * true exactly when {@link evaluateGuard} says so.
 */
export function guardCondition(text: string): string {
  const g = parseGuard(text);
  return isBoolean(g) ? guardExpression(g) : `Boolean(${guardExpression(g)})`;
}

/**
 * Evaluates a guard over known facts: true, false, or undefined when it reads
 * a variable the facts leave open.
 */
export function evaluateGuard(
  text: string,
  facts: Readonly<Record<string, string | number | boolean>>,
): boolean | undefined {
  const ev = (g: Guard): string | number | boolean | undefined => {
    switch (g.kind) {
      case 'else':
        return true;
      case 'var':
        return facts[g.name];
      case 'literal':
        return g.value;
      case 'not': {
        const v = ev(g.operand);
        return v === undefined ? undefined : !v;
      }
      case 'and': {
        const l = ev(g.left);
        const r = ev(g.right);
        if (l === false || r === false) return false;
        return l === undefined || r === undefined ? undefined : true;
      }
      case 'or': {
        const l = ev(g.left);
        const r = ev(g.right);
        if (l === true || r === true) return true;
        return l === undefined || r === undefined ? undefined : false;
      }
      case 'compare': {
        const l = ev(g.left);
        const r = ev(g.right);
        if (l === undefined || r === undefined) return undefined;
        switch (g.op) {
          case '==':
            return l === r;
          case '!=':
            return l !== r;
          case '<':
            return l < r;
          case '<=':
            return l <= r;
          case '>':
            return l > r;
          case '>=':
            return l >= r;
        }
      }
    }
  };
  const v = ev(parseGuard(text));
  return v === undefined ? undefined : Boolean(v);
}
