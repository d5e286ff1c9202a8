/**
 * The flow schema's validator stored as ajv standalone code: it reports what
 * a fresh compilation reports, and a changed schema gets a validator of its
 * own rather than the stored one.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type Options } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cachedValidator,
  SCHEMA_CACHE_ENV,
  validatorKey,
} from '../../generator/load/validator-cache.js';
import { flowJsonSchema } from '../../generator/model/json-schema.js';

const OPTIONS: Options = { allErrors: true, strict: false, verbose: true };

const DOCUMENTS: unknown[] = [
  {},
  { id: 'Bad Id', title: 1, participants: [], steps: {} },
  {
    id: 'test.cache',
    title: 'cache',
    participants: { a: { role: 'poc-client', label: 'A', color: 'red' } },
    steps: [{ id: '1', message: { sip: 'BYE', from: 'a', to: 'b' }, alt: [] }],
  },
];

const saved = process.env[SCHEMA_CACHE_ENV];
afterEach(() => {
  if (saved === undefined) Reflect.deleteProperty(process.env, SCHEMA_CACHE_ENV);
  else process.env[SCHEMA_CACHE_ENV] = saved;
});

describe('cachedValidator', () => {
  it('stores the validator once and then reports what a fresh compilation reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspec-schema-cache-'));
    process.env[SCHEMA_CACHE_ENV] = dir;
    const schema = flowJsonSchema();
    const first = cachedValidator(schema, OPTIONS);
    expect(readdirSync(dir)).toEqual([`${validatorKey(schema, OPTIONS)}.cjs`]);
    const stored = cachedValidator(schema, OPTIONS);
    expect(stored).not.toBe(first);
    const fresh = new Ajv(OPTIONS).compile(schema);
    for (const doc of DOCUMENTS) {
      expect(stored(doc)).toBe(fresh(doc));
      expect(stored.errors).toEqual(fresh.errors);
      expect(fresh.errors?.length).toBeGreaterThan(0);
    }
  });

  it('keys the validator by the schema: a changed schema is compiled again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspec-schema-cache-'));
    process.env[SCHEMA_CACHE_ENV] = dir;
    const schema = flowJsonSchema();
    const changed = { ...schema, required: ['id'] };
    expect(validatorKey(changed, OPTIONS)).not.toBe(validatorKey(schema, OPTIONS));
    cachedValidator(schema, OPTIONS);
    const v = cachedValidator(changed, OPTIONS);
    expect(v({ id: 'test.only.id' })).toBe(true);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('compiles without storing when the cache is off', () => {
    process.env[SCHEMA_CACHE_ENV] = 'off';
    const v = cachedValidator(flowJsonSchema(), OPTIONS);
    expect(v({})).toBe(false);
  });
});
