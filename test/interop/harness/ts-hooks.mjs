/**
 * Module hooks that let a child Node process run the project's TypeScript
 * sources as they are (the generated roles and the runtime are not part of
 * the compiled CLI in dist/): `.js` specifiers resolve to the `.ts` file next
 * to them, and `.ts` files are transpiled one by one with the TypeScript
 * compiler (types are erased; `verbatimModuleSyntax` keeps type-only imports
 * marked, so nothing else has to be known about other files).
 *
 * Registered by ts-register.mjs: `node --import ts-register.mjs entry.ts`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

let ts;

/** `./x.js` imported from a `.ts` file is `./x.ts` when that exists. */
export async function resolve(specifier, context, next) {
  if (
    context.parentURL?.endsWith('.ts') &&
    /^(\.{1,2})?\//.test(specifier) &&
    specifier.endsWith('.js')
  ) {
    const url = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(url)))
      return { url: url.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

/** Transpiles `.ts` modules to ES modules. */
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  ts ??= (await import('typescript')).default;
  const file = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
