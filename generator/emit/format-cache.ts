/**
 * Formatted output kept on disk by the hash of what was formatted: prettier
 * is the largest part of `flowspec generate`, and a generation mostly
 * formats the same printed text again. A hit returns exactly what prettier
 * returned for the same text, options and prettier version, so the output
 * stays byte-identical; the cache is only ever a copy of prettier's answer.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `FLOWSPEC_FORMAT_CACHE`: the cache folder, or `off`; default `node_modules/.cache/flowspec-format`. */
export const FORMAT_CACHE_ENV = 'FLOWSPEC_FORMAT_CACHE';

function packageRoot(): string {
  // dist/generator/emit or generator/emit: the package root holds node_modules.
  const here = dirname(fileURLToPath(import.meta.url));
  return here.replace(/[\\/](dist[\\/])?generator[\\/]emit$/, '');
}

/** The cache folder, or undefined when caching is off. */
export function formatCacheDir(): string | undefined {
  const set = process.env[FORMAT_CACHE_ENV];
  if (set === 'off') return undefined;
  return set !== undefined && set !== ''
    ? set
    : join(packageRoot(), 'node_modules', '.cache', 'flowspec-format');
}

/** The cache key of one formatting: every input prettier's answer depends on. */
export function formatKey(version: string, options: unknown, path: string, text: string): string {
  const ext = /\.[^./\\]+$/.exec(path)?.[0] ?? '';
  return createHash('sha256')
    .update(`${version}\0${JSON.stringify(options)}\0${ext}\0`)
    .update(text)
    .digest('hex');
}

/** The formatted text stored for `key`, if any. */
export async function cachedFormat(dir: string, key: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, `${key}.txt`), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Stores a formatted text under `key`: written to a temporary name and
 * renamed, so a concurrent generation reads either nothing or all of it. A
 * cache that cannot be written only costs speed.
 */
export async function storeFormat(dir: string, key: string, formatted: string): Promise<void> {
  const file = join(dir, `${key}.txt`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, formatted);
    await rename(tmp, file);
  } catch {
    // Read-only checkout or full disk: the next generation formats again.
  }
}
