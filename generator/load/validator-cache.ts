/**
 * The flow schema's validator kept on disk as ajv standalone code: compiling
 * the schema is most of a command's start-up (about 0.2 s), loading the code
 * ajv generated for it a few milliseconds. The file is named by the hash of
 * everything the code depends on (ajv's version, its options, the schema), so
 * a changed schema or ajv never meets a stale validator: it is compiled again
 * and stored under its new name. The cache is only ever a copy of what ajv
 * compiles; a cache that cannot be read or written only costs speed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Ajv as AjvClass, Options, ValidateFunction } from 'ajv';

/** `FLOWSPEC_SCHEMA_CACHE`: the cache folder, or `off`; default `node_modules/.cache/flowspec-schema`. */
export const SCHEMA_CACHE_ENV = 'FLOWSPEC_SCHEMA_CACHE';

const require = createRequire(import.meta.url);

/**
 * ajv itself, loaded only to compile: a stored validator needs none of it (loading it is about
 * 30 ms of a command's start-up).
 */
function ajv(options: Options): AjvClass {
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv(options);
}

/** ajv's standalone code generator (a CommonJS module whose export is the function). */
function standalone(compiler: AjvClass, validate: ValidateFunction): string {
  const generate = require('ajv/dist/standalone/index.js') as (
    ajv: AjvClass,
    validate: ValidateFunction,
  ) => string;
  return generate(compiler, validate);
}

/** ajv's package folder (node_modules/ajv), where its version and the default cache are found. */
function ajvRoot(): string {
  return dirname(require.resolve('ajv/package.json'));
}

/** The folder flowspec's caches live in by default: node_modules/.cache. */
export function cacheRoot(): string {
  return join(dirname(ajvRoot()), '.cache');
}

/** The cache folder, or undefined when caching is off. */
export function schemaCacheDir(): string | undefined {
  const set = process.env[SCHEMA_CACHE_ENV];
  if (set === 'off') return undefined;
  return set !== undefined && set !== '' ? set : join(cacheRoot(), 'flowspec-schema');
}

/** The cache key of a validator: ajv's version, its options and the schema. */
export function validatorKey(schema: object, options: Options): string {
  const { version } = JSON.parse(readFileSync(join(ajvRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return createHash('sha256')
    .update(`${version}\0${JSON.stringify(options)}\0`)
    .update(JSON.stringify(schema))
    .digest('hex');
}

/**
 * The validator of `schema` with `options`: the stored standalone code when there is one for
 * this key, else compiled (and stored, written to a temporary name and renamed so a concurrent
 * command reads either nothing or all of it).
 */
export function cachedValidator(schema: object, options: Options): ValidateFunction {
  const dir = schemaCacheDir();
  if (dir === undefined) return ajv(options).compile(schema);
  const file = join(dir, `${validatorKey(schema, options)}.cjs`);
  try {
    const stored: unknown = require(file);
    if (typeof stored === 'function') return stored as ValidateFunction;
  } catch {
    // Not stored yet (or unreadable): compile below.
  }
  const compiler = ajv({ ...options, code: { ...options.code, source: true } });
  const validate = compiler.compile(schema);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, standalone(compiler, validate));
    renameSync(tmp, file);
  } catch {
    // Read-only checkout or full disk: the next command compiles again.
  }
  return validate;
}
