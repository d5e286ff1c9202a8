/**
 * Every flow shipped in flows/ (as the folder is when the test runs): the
 * published JSON Schema accepts it, checked by a plain ajv as any editor or
 * tool would, and `validatePaths(['flows'])` finds nothing in it.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findingsText } from '../../generator/cli/output.js';
import { SCHEMA_PATH } from '../../generator/model/json-schema.js';
import { validatePaths } from '../../generator/project/flow-set.js';
import { flowFilesUnder } from '../validate/fixture-files.js';

const FLOWS = flowFilesUnder('flows');

describe('the flows in flows/', () => {
  it('are there', () => {
    expect(FLOWS.length).toBeGreaterThan(0);
  });

  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);

  it.each(FLOWS)('%s matches schema/flow.schema.json', (file) => {
    const data: unknown = parse(readFileSync(file, 'utf8'));
    const ok = validate(data);
    expect(ok ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
  });

  it('validate clean together', async () => {
    const { files, findings } = await validatePaths(['flows']);
    expect(files).toBe(FLOWS.length);
    // The text form names file:line:column and rule, so a failure says what to fix.
    expect(findings.length === 0 ? '' : findingsText(findings, files, false)).toBe('');
  });
});

describe('the published schema with a plain ajv', () => {
  it('rejects what the loader rejects: a fixture with an unknown key', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
    const bad = parse(readFileSync('test/fixtures/flows/schema-unknown-key.flow.yaml', 'utf8'));
    const good = parse(readFileSync('test/fixtures/flows/clean-par-alt-ref.flow.yaml', 'utf8'));
    expect(validate(bad)).toBe(false);
    expect(validate(good)).toBe(true);
  });
});
