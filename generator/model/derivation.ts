/**
 * Derived values: a value computed from dialog state, an earlier step, a
 * variable, or a random number, as the specs describe them ("the CSeq value
 * that was stored ... incremented by one", TS 24.229 5.4.5.1.2).
 *
 *   expr  := sum ('??' expr)?
 *   sum   := term ('+' INT)?
 *   term  := 'random(' INT ',' INT ')' | 'step(' ID ')' '.' field | ROOT '.' name
 *   field := 'requestUri' | 'status' | 'body' | 'headers.' NAME
 */
import type { Derivation } from './flow-model.js';
import { ExpressionError, TokenStream, tokenize } from './expression-lexer.js';

const ROOTS = ['dialog', 'var', 'session', 'config'] as const;

/** Parses a derivation; throws {@link ExpressionError}. */
export function parseDerivation(text: string): Derivation {
  const s = new TokenStream(tokenize(text));
  const d = parseFallback(s);
  if (!s.atEnd()) throw new ExpressionError(`unexpected "${s.peek().text}"`, s.peek().offset);
  return d;
}

function parseFallback(s: TokenStream): Derivation {
  const first = parseSum(s);
  if (s.accept('??')) return { kind: 'fallback', first, otherwise: parseFallback(s) };
  return first;
}

function parseSum(s: TokenStream): Derivation {
  const base = parseTerm(s);
  if (s.accept('+')) {
    const n = s.expectType('number', 'a whole number after "+"');
    return { kind: 'plus', base, add: Number(n.text) };
  }
  return base;
}

function parseTerm(s: TokenStream): Derivation {
  const t = s.peek();
  if (t.type === 'ident' && t.text === 'random') {
    s.next();
    s.expect('(');
    const min = Number(s.expectType('number', 'a minimum').text);
    s.expect(',');
    const max = Number(s.expectType('number', 'a maximum').text);
    s.expect(')');
    if (min > max)
      throw new ExpressionError(`random(${min}, ${max}): minimum above maximum`, t.offset);
    return { kind: 'random', min, max };
  }
  if (t.type === 'ident' && t.text === 'step') {
    s.next();
    s.expect('(');
    const id = s.next();
    if (id.type !== 'ident' && id.type !== 'number' && id.type !== 'string') {
      throw new ExpressionError('expected a step id', id.offset);
    }
    s.expect(')');
    s.expect('.');
    const field = s.dotted();
    const ok =
      field.text === 'requestUri' ||
      field.text === 'status' ||
      field.text === 'body' ||
      /^headers\.[A-Za-z0-9-]+$/.test(field.text);
    if (!ok) {
      throw new ExpressionError(
        `unknown field "${field.text}" of a step (requestUri, status, body, headers.<Name>)`,
        field.offset,
      );
    }
    return { kind: 'step', step: id.text, field: field.text };
  }
  if (t.type === 'ident') {
    const name = s.dotted();
    const [root, ...rest] = name.text.split('.');
    if (!ROOTS.includes(root as (typeof ROOTS)[number]) || rest.length === 0) {
      throw new ExpressionError(
        `"${name.text}" is not a derivation; start with ${ROOTS.map((r) => `${r}.`).join(', ')}, step(ID). or random(MIN, MAX)`,
        name.offset,
      );
    }
    return { kind: 'path', root: root as (typeof ROOTS)[number], path: name.text };
  }
  throw new ExpressionError(
    t.type === 'end' ? 'derivation ends too early' : `unexpected "${t.text}"`,
    t.offset,
  );
}

/** Every leaf of a derivation (paths, steps, randoms). */
export function derivationLeaves(d: Derivation): Derivation[] {
  switch (d.kind) {
    case 'plus':
      return derivationLeaves(d.base);
    case 'fallback':
      return [...derivationLeaves(d.first), ...derivationLeaves(d.otherwise)];
    default:
      return [d];
  }
}
