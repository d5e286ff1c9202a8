/** Statement trees for generated bodies, written with ts-morph's CodeBlockWriter. */
import type { CodeBlockWriter } from 'ts-morph';

/** A statement: one line, a comment, or a block with a head (`if (...)`, `for (...)`). */
export type Stmt =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'block'; readonly head: string; readonly body: readonly Stmt[] };

/** A statement line. */
export const line = (text: string): Stmt => ({ kind: 'line', text });
/** A `//` comment. */
export const comment = (text: string): Stmt => ({ kind: 'comment', text });
/** A block statement. */
export const block = (head: string, body: readonly Stmt[]): Stmt => ({ kind: 'block', head, body });

/** Writes statements with a writer (bodies only, as STYLE.md asks). */
export function writeStmts(w: CodeBlockWriter, stmts: readonly Stmt[]): void {
  for (const s of stmts) {
    if (s.kind === 'line') w.writeLine(s.text);
    else if (s.kind === 'comment') w.writeLine(`// ${s.text}`);
    else {
      w.write(`${s.head} `).inlineBlock(() => writeStmts(w, s.body));
      w.newLine();
    }
  }
}

/** A writer function for a body made of statements. */
export function body(stmts: readonly Stmt[]): (w: CodeBlockWriter) => void {
  return (w) => writeStmts(w, stmts);
}
