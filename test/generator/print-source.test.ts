/**
 * Printing, text in and text out: each file printed once with the imports its
 * statements use, and prettier's answer kept in the format cache by the hash
 * of what was formatted (a hit is returned as stored; `off` bypasses it).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StructureKind } from 'ts-morph';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTypeScript, printStructure } from '../../generator/emit/index.js';
import { FORMAT_CACHE_ENV } from '../../generator/emit/format-cache.js';

describe('printStructure', () => {
  it('keeps the named imports the statements use and drops empty declarations', () => {
    const text = printStructure('generated/roles/x.ts', {
      kind: StructureKind.SourceFile,
      leadingTrivia: '/** Header. */\n',
      statements: [
        {
          kind: StructureKind.ImportDeclaration,
          moduleSpecifier: './a.js',
          namedImports: ['used', 'unused', { name: 'UsedType', isTypeOnly: true }],
        },
        {
          kind: StructureKind.ImportDeclaration,
          moduleSpecifier: './b.js',
          namedImports: ['nowhere'],
        },
        'export const x: UsedType = used();',
      ],
    });
    expect(text).toBe(
      [
        '/** Header. */',
        "import { used, type UsedType } from './a.js';",
        '',
        'export const x: UsedType = used();',
        '',
      ].join('\n'),
    );
  });
});

describe('formatTypeScript and the format cache', () => {
  const before = process.env[FORMAT_CACHE_ENV];
  const dirs: string[] = [];
  afterEach(async () => {
    if (before === undefined) Reflect.deleteProperty(process.env, FORMAT_CACHE_ENV);
    else process.env[FORMAT_CACHE_ENV] = before;
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('stores what prettier returned and answers the same text from the cache', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowspec-format-cache-'));
    dirs.push(dir);
    process.env[FORMAT_CACHE_ENV] = dir;
    const first = await formatTypeScript('generated/roles/x.ts', 'const   a = {b:1}\n');
    expect(first).toBe('const a = { b: 1 };\n');
    const [entry, ...more] = await readdir(dir);
    expect(more).toEqual([]);
    if (entry === undefined) throw new Error('no cache entry');
    // The entry is what a second formatting of the same text returns, byte for byte.
    await writeFile(join(dir, entry), 'const a = { b: 1 }; // from the cache\n');
    expect(await formatTypeScript('generated/roles/x.ts', 'const   a = {b:1}\n')).toBe(
      'const a = { b: 1 }; // from the cache\n',
    );
    // Another text is another key.
    expect(await formatTypeScript('generated/roles/x.ts', 'const   a = {b:2}\n')).toBe(
      'const a = { b: 2 };\n',
    );
    expect(await readdir(dir)).toHaveLength(2);
    process.env[FORMAT_CACHE_ENV] = 'off';
    expect(await formatTypeScript('generated/roles/x.ts', 'const   a = {b:1}\n')).toBe(first);
  });
});
