/**
 * Printing: structures to text through one in-memory ts-morph project, then
 * prettier with the repository's settings, so generated files are exactly
 * what `prettier --write` would leave (and byte-identical on every run).
 */
import { dirname, resolve } from 'node:path';
import { format, resolveConfig, type Options } from 'prettier';
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  type SourceFile,
  type SourceFileStructure,
} from 'ts-morph';

let project: Project | undefined;

function shared(): Project {
  project ??= new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Single,
      useTrailingCommas: true,
    },
  });
  return project;
}

/**
 * Drops named imports the module does not use (a role module imports what
 * its kind may need; not every role needs all of it), and imports left empty.
 */
function pruneImports(file: SourceFile): void {
  const imports = file.getImportDeclarations();
  const rest = file
    .getStatements()
    .filter((s) => !imports.includes(s as never))
    .map((s) => s.getText())
    .join('\n');
  for (const decl of imports) {
    for (const named of decl.getNamedImports()) {
      if (!new RegExp(`\\b${named.getName()}\\b`).test(rest)) named.remove();
    }
    if (
      decl.getNamedImports().length === 0 &&
      !decl.getDefaultImport() &&
      !decl.getNamespaceImport()
    ) {
      decl.remove();
    }
  }
}

/** Prints a structure as TypeScript, unformatted. */
export function printStructure(path: string, structure: SourceFileStructure): string {
  const p = shared();
  const file = p.createSourceFile(path, structure, { overwrite: true });
  pruneImports(file);
  const text = file.getFullText();
  p.removeSourceFile(file);
  return text;
}

const configs = new Map<string, Promise<Options>>();

/** Formats TypeScript as the repository's prettier settings say, for a file at `path`. */
export async function formatTypeScript(path: string, text: string): Promise<string> {
  const dir = dirname(resolve(path));
  let options = configs.get(dir);
  if (!options) {
    options = resolveConfig(resolve(path)).then((o) => o ?? {});
    configs.set(dir, options);
  }
  return format(text, { ...(await options), filepath: path, parser: 'typescript' });
}

/** Prints and formats a structure for a file at `path`. */
export async function printSource(path: string, structure: SourceFileStructure): Promise<string> {
  return formatTypeScript(path, printStructure(path, structure));
}
