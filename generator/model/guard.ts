/**
 * Guards of alt and opt operands: typed boolean expressions over the guard
 * variables of {@link GUARD_VARIABLES} and the flow's own enum, boolean and
 * number variables. "else" is the operand taken when no other guard holds.
 */
import { ExpressionError, TokenStream, tokenize } from './expression-lexer.js';
import type { GuardVarType } from './vocabulary.js';

/** A parsed guard. */
export type Guard =
  | { readonly kind: 'else' }
  | { readonly kind: 'var'; readonly name: string; readonly offset: number }
  | { readonly kind: 'literal'; readonly value: string | number | boolean; readonly offset: number }
  | { readonly kind: 'not'; readonly operand: Guard }
  | { readonly kind: 'and' | 'or'; readonly left: Guard; readonly right: Guard }
  | {
      readonly kind: 'compare';
      readonly op: '==' | '!=' | '<' | '<=' | '>' | '>=';
      readonly left: Guard;
      readonly right: Guard;
      readonly offset: number;
    };

/** Parses a guard expression; throws {@link ExpressionError} with the offset of the problem. */
export function parseGuard(text: string): Guard {
  if (text.trim() === 'else') return { kind: 'else' };
  const s = new TokenStream(tokenize(text));
  const g = parseOr(s);
  if (!s.atEnd()) throw new ExpressionError(`unexpected "${s.peek().text}"`, s.peek().offset);
  return g;
}

function parseOr(s: TokenStream): Guard {
  let left = parseAnd(s);
  while (s.accept('||')) left = { kind: 'or', left, right: parseAnd(s) };
  return left;
}

function parseAnd(s: TokenStream): Guard {
  let left = parseNot(s);
  while (s.accept('&&')) left = { kind: 'and', left, right: parseNot(s) };
  return left;
}

function parseNot(s: TokenStream): Guard {
  if (s.accept('!')) return { kind: 'not', operand: parseNot(s) };
  return parseCompare(s);
}

const COMPARE_OPS = ['==', '!=', '<=', '>=', '<', '>'] as const;

function parseCompare(s: TokenStream): Guard {
  const left = parseAtom(s);
  const t = s.peek();
  const op = COMPARE_OPS.find((o) => t.type === 'op' && t.text === o);
  if (!op) return left;
  s.next();
  return { kind: 'compare', op, left, right: parseAtom(s), offset: t.offset };
}

function parseAtom(s: TokenStream): Guard {
  const t = s.peek();
  if (s.accept('(')) {
    const g = parseOr(s);
    s.expect(')');
    return g;
  }
  if (t.type === 'string') {
    s.next();
    return { kind: 'literal', value: t.text, offset: t.offset };
  }
  if (t.type === 'number') {
    s.next();
    return { kind: 'literal', value: Number(t.text), offset: t.offset };
  }
  if (t.type === 'ident' && (t.text === 'true' || t.text === 'false')) {
    s.next();
    return { kind: 'literal', value: t.text === 'true', offset: t.offset };
  }
  if (t.type === 'ident') {
    const name = s.dotted();
    return { kind: 'var', name: name.text, offset: name.offset };
  }
  throw new ExpressionError(
    t.type === 'end' ? 'guard ends too early' : `unexpected "${t.text}"`,
    t.offset,
  );
}

/** Looks up the type of a guard variable. */
export type GuardScope = (name: string) => GuardVarType | undefined;

type Ty = GuardVarType | { readonly type: 'string-literal'; readonly value: string };

/**
 * Type-checks a guard: every variable is known, enum variables are compared
 * with one of their values, booleans are used as conditions, numbers are
 * compared with numbers. Throws {@link ExpressionError}.
 */
export function checkGuard(g: Guard, scope: GuardScope): void {
  const t = typeOf(g, scope);
  if (t.type !== 'boolean') {
    throw new ExpressionError(`a guard must be a condition, not ${describeTy(t)}`, offsetOf(g));
  }
}

function typeOf(g: Guard, scope: GuardScope): Ty {
  switch (g.kind) {
    case 'else':
      return { type: 'boolean' };
    case 'var': {
      const t = scope(g.name);
      if (!t) throw new ExpressionError(`unknown guard variable "${g.name}"`, g.offset);
      return t;
    }
    case 'literal':
      if (typeof g.value === 'string') return { type: 'string-literal', value: g.value };
      return typeof g.value === 'number' ? { type: 'number' } : { type: 'boolean' };
    case 'not':
    case 'and':
    case 'or': {
      const parts = g.kind === 'not' ? [g.operand] : [g.left, g.right];
      for (const p of parts) {
        const t = typeOf(p, scope);
        if (t.type !== 'boolean')
          throw new ExpressionError(`expected a condition, not ${describeTy(t)}`, offsetOf(p));
      }
      return { type: 'boolean' };
    }
    case 'compare': {
      const l = typeOf(g.left, scope);
      const r = typeOf(g.right, scope);
      const [en, lit] =
        l.type === 'enum' ? [l, r] : r.type === 'enum' ? [r, l] : [undefined, undefined];
      if (en && lit) {
        if (g.op !== '==' && g.op !== '!=')
          throw new ExpressionError(`enumerations compare with == or != only`, g.offset);
        if (lit.type !== 'string-literal' || !en.values.includes(lit.value)) {
          throw new ExpressionError(
            `${lit.type === 'string-literal' ? `'${lit.value}'` : describeTy(lit)} is not one of ${en.values.map((v) => `'${v}'`).join(', ')}`,
            offsetOf(l.type === 'enum' ? g.right : g.left),
          );
        }
        return { type: 'boolean' };
      }
      if (l.type === 'number' && r.type === 'number') return { type: 'boolean' };
      if (l.type === 'boolean' && r.type === 'boolean' && (g.op === '==' || g.op === '!='))
        return { type: 'boolean' };
      throw new ExpressionError(`cannot compare ${describeTy(l)} with ${describeTy(r)}`, g.offset);
    }
  }
}

function describeTy(t: Ty): string {
  switch (t.type) {
    case 'enum':
      return `an enumeration (${t.values.join(' | ')})`;
    case 'string-literal':
      return `the text '${t.value}'`;
    default:
      return `a ${t.type}`;
  }
}

function offsetOf(g: Guard): number {
  switch (g.kind) {
    case 'else':
      return 0;
    case 'not':
      return offsetOf(g.operand);
    case 'and':
    case 'or':
      return offsetOf(g.left);
    default:
      return g.offset;
  }
}

/** The variables a guard reads. */
export function guardVariables(g: Guard): string[] {
  switch (g.kind) {
    case 'var':
      return [g.name];
    case 'not':
      return guardVariables(g.operand);
    case 'and':
    case 'or':
    case 'compare':
      return [...guardVariables(g.left), ...guardVariables(g.right)];
    default:
      return [];
  }
}
