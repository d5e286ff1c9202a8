/**
 * Fixed generated modules kept as TypeScript templates next to the emitters
 * (the scenario harness, the role support module): parsed once into a
 * ts-morph structure and printed like every other generated file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StructureKind, type SourceFileStructure } from 'ts-morph';

const parsed = new Map<string, SourceFileStructure>();

/** The structure of `templates/<name>.tmpl` (read from the source tree, also when running from dist/). */
export function templateModule(name: string): SourceFileStructure {
  const hit = parsed.get(name);
  if (hit) return hit;
  const file = fileURLToPath(new URL(`./templates/${name}.tmpl`, import.meta.url));
  const text = readFileSync(file.replace(/([\\/])dist\1/, '$1'), 'utf8');
  // The text is the one statement of the structure: a structure round trip would drop what
  // structures cannot hold (abstract members without a body read as overloads).
  const structure: SourceFileStructure = { kind: StructureKind.SourceFile, statements: [text] };
  parsed.set(name, structure);
  return structure;
}
