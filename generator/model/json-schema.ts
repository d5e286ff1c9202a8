/**
 * The published JSON Schema: FlowSchema as plain JSON, with the recursive
 * Step schema moved under `$defs` so every consumer (ajv, VS Code's YAML
 * extension, Monaco) resolves it the same way.
 */
import { FlowSchema } from './flow-schema.js';

/** Path of the published schema, relative to the repository root. */
export const SCHEMA_PATH = 'schema/flow.schema.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let cached: Record<string, Json> | undefined;

/** The flow JSON Schema (draft 2020-12 compatible subset, draft-07 keywords). */
export function flowJsonSchema(): Record<string, Json> {
  if (cached) return cached;
  const plain = JSON.parse(JSON.stringify(FlowSchema)) as Record<string, Json>;
  let stepDef: Json | undefined;
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    if (node['$id'] === 'Step') {
      const { $id: _id, ...rest } = node;
      stepDef = rewrite(rest);
      return { $ref: '#/$defs/Step' };
    }
    if (node['$ref'] === 'Step') return { $ref: '#/$defs/Step' };
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(node)) out[k] = rewrite(v);
    return out;
  };
  const body = rewrite(plain) as Record<string, Json>;
  if (stepDef === undefined) throw new TypeError('flow schema: no Step definition found');
  cached = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...body,
    $defs: { Step: stepDef },
  };
  return cached;
}

/** The schema as the text written to schema/flow.schema.json. */
export function flowJsonSchemaText(): string {
  return `${JSON.stringify(flowJsonSchema(), null, 2)}\n`;
}
