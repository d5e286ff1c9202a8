import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import {
  flowJsonSchema,
  flowJsonSchemaText,
  SCHEMA_PATH,
} from '../../generator/model/json-schema.js';

describe('published JSON Schema', () => {
  it('is the schema generated from the one source', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(flowJsonSchemaText());
  });

  it('compiles with ajv and resolves the recursive Step definition', () => {
    const validate = new Ajv({ strict: false }).compile(flowJsonSchema());
    const flow = {
      id: 'test.nested',
      title: 'nested fragments',
      participants: { a: { role: 'poc-client', label: 'A' }, b: { role: 'sip-core', label: 'B' } },
      steps: [
        {
          par: [
            [{ id: '1', message: { sip: 'BYE', from: 'a', to: 'b' } }],
            [{ opt: { guard: 'x', steps: [] }, decidedBy: 'a' }],
          ],
        },
      ],
    };
    expect(validate(flow)).toBe(true);
    const broken = structuredClone(flow);
    (broken.steps[0] as { par: unknown[][] }).par[0] = [
      { id: '1', message: { sip: 'bye', from: 'a', to: 'b' } },
    ];
    expect(validate(broken)).toBe(false);
  });
});
