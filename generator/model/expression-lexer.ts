/** A small lexer shared by the guard and derivation expression parsers. */

/** A token of an expression. */
export interface Token {
  readonly type: 'ident' | 'string' | 'number' | 'op' | 'end';
  readonly text: string;
  /** 0-based offset in the expression. */
  readonly offset: number;
}

/** An expression that does not parse or does not type-check, with the offset of the problem. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the expression text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '??', '<', '>', '!', '(', ')', ',', '+', '.'];

/** Splits an expression into tokens; identifiers may contain `-` inside (step ids, header names). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError('unterminated string', i);
      tokens.push({ type: 'string', text: text.slice(i + 1, end), offset: i });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]+)*/.exec(text.slice(i));
      const num = m?.[0] ?? c;
      tokens.push({ type: 'number', text: num, offset: i });
      i += num.length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(text.slice(i));
      const id = m?.[0] ?? c;
      tokens.push({ type: 'ident', text: id, offset: i });
      i += id.length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character "${c}"`, i);
    tokens.push({ type: 'op', text: op, offset: i });
    i += op.length;
  }
  tokens.push({ type: 'end', text: '', offset: text.length });
  return tokens;
}

/** A cursor over tokens. */
export class TokenStream {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token {
    return this.tokens[this.pos] ?? { type: 'end', text: '', offset: 0 };
  }

  next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }

  accept(text: string): boolean {
    const t = this.peek();
    if ((t.type === 'op' || t.type === 'ident') && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(text: string): Token {
    const t = this.peek();
    if (!this.accept(text))
      throw new ExpressionError(
        `expected "${text}"${t.type === 'end' ? ' at end' : `, found "${t.text}"`}`,
        t.offset,
      );
    return t;
  }

  expectType(type: Token['type'], what: string): Token {
    const t = this.next();
    if (t.type !== type)
      throw new ExpressionError(
        `expected ${what}${t.type === 'end' ? ' at end' : `, found "${t.text}"`}`,
        t.offset,
      );
    return t;
  }

  /** A dotted name: `a.b.c` (identifiers joined by dots). */
  dotted(): Token {
    const first = this.expectType('ident', 'a name');
    let text = first.text;
    while (this.peek().type === 'op' && this.peek().text === '.') {
      this.next();
      text += `.${this.expectType('ident', 'a name after "."').text}`;
    }
    return { type: 'ident', text, offset: first.offset };
  }

  atEnd(): boolean {
    return this.peek().type === 'end';
  }
}
