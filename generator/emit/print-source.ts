/**
 * Printing: structures to text through one in-memory ts-morph project, each
 * file printed once, then prettier with the repository's settings (or its
 * earlier answer for the same text, from the format cache), so generated
 * files are exactly what `prettier --write` would leave (and byte-identical
 * on every run).
 */
import { dirname, resolve } from 'node:path';
import { format, resolveConfig, version, type Options } from 'prettier';
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  StructureKind,
  type ImportDeclarationStructure,
  type SourceFileStructure,
} from 'ts-morph';
import { cachedFormat, formatCacheDir, formatKey, storeFormat } from './format-cache.js';

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
 * Keeps of `imports` the named imports the rest of the module uses (a role module imports
 * what its kind may need; not every role needs all of it), and drops declarations left empty.
 */
function usedImports(
  imports: readonly ImportDeclarationStructure[],
  rest: string,
): ImportDeclarationStructure[] {
  const used = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(rest);
  return imports.flatMap((decl) => {
    const named = Array.isArray(decl.namedImports)
      ? decl.namedImports.filter((n) => used(typeof n === 'string' ? n : n.name))
      : decl.namedImports;
    if (Array.isArray(named) && named.length === 0 && !decl.defaultImport && !decl.namespaceImport)
      return [];
    return [{ ...decl, ...(named !== undefined ? { namedImports: named } : {}) }];
  });
}

function isImport(s: unknown): s is ImportDeclarationStructure {
  return (
    typeof s === 'object' &&
    s !== null &&
    (s as { kind?: unknown }).kind === StructureKind.ImportDeclaration
  );
}

function print(path: string, structure: SourceFileStructure): string {
  const p = shared();
  const file = p.createSourceFile(path, structure, { overwrite: true });
  const text = file.getFullText();
  p.removeSourceFile(file);
  return text;
}

/**
 * Prints a structure as TypeScript, unformatted: the statements after the imports first,
 * then the imports they use, so no printed file is edited afterwards (each edit of a
 * ts-morph source file reparses it).
 */
export function printStructure(path: string, structure: SourceFileStructure): string {
  const statements = Array.isArray(structure.statements) ? structure.statements : [];
  const imports = statements.filter(isImport);
  if (imports.length === 0) return print(path, structure);
  const body = print(path, {
    kind: StructureKind.SourceFile,
    statements: statements.filter((s) => !isImport(s)),
  });
  const head = print(path, {
    ...structure,
    statements: usedImports(imports, body),
  });
  return `${head}\n${body}`;
}

const configs = new Map<string, Promise<Options>>();

/**
 * Formats TypeScript as the repository's prettier settings say, for a file at `path`; what
 * prettier returned for the same text before is taken from the format cache.
 */
export async function formatTypeScript(path: string, text: string): Promise<string> {
  const dir = dirname(resolve(path));
  let options = configs.get(dir);
  if (!options) {
    options = resolveConfig(resolve(path)).then((o) => o ?? {});
    configs.set(dir, options);
  }
  const settings: Options = { ...(await options), parser: 'typescript' };
  const cache = formatCacheDir();
  const key = cache !== undefined ? formatKey(version, settings, path, text) : '';
  const hit = cache !== undefined ? await cachedFormat(cache, key) : undefined;
  if (hit !== undefined) return hit;
  const formatted = await format(text, { ...settings, filepath: path });
  if (cache !== undefined) await storeFormat(cache, key, formatted);
  return formatted;
}

/** Prints and formats a structure for a file at `path`. */
export async function printSource(path: string, structure: SourceFileStructure): Promise<string> {
  return formatTypeScript(path, printStructure(path, structure));
}
