/** Templates: values with `${name}` variables (DESIGN.md, "values"). */
import { ExpressionError } from './expression-lexer.js';

/** A part of a template: literal text or a variable. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'var'; readonly name: string; readonly offset: number };

const VAR = /\$\{([^}]*)\}/g;

/** True when the text holds a `${...}` variable. */
export function isTemplate(text: string): boolean {
  return text.includes('${');
}

/** Splits a template into text and variables; throws {@link ExpressionError} on a bad name. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(VAR)) {
    const at = m.index;
    const name = m[1] ?? '';
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(name)) {
      throw new ExpressionError(`"\${${name}}" is not a variable name`, at);
    }
    if (at > last) parts.push({ kind: 'text', text: text.slice(last, at) });
    parts.push({ kind: 'var', name, offset: at });
    last = at + m[0].length;
  }
  const open = text.indexOf('${', last);
  if (open >= 0) throw new ExpressionError('"${" without a closing "}"', open);
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** The variable names a template uses, in order of appearance, without repeats. */
export function templateVariables(text: string): string[] {
  return [...new Set(parseTemplate(text).flatMap((p) => (p.kind === 'var' ? [p.name] : [])))];
}
