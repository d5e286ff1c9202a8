/**
 * docs/flow-format.md cannot go stale: its complete examples are the fixture
 * files byte for byte, and it names every key, step kind, vocabulary word,
 * guard variable, dialog path and validation rule the code knows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FlowSchema,
  MessageHeadSchema,
  ParticipantSchema,
  PreconditionSchema,
  ProblemSchema,
  STEP_KEYS,
  ValueSchema,
  VariableSchema,
} from '../../generator/model/flow-schema.js';
import {
  ACTIONS,
  DIALOG_PATHS,
  GUARD_VARIABLES,
  MBCP_MESSAGES,
  MODES,
  ROLES,
  SIP_METHODS,
} from '../../generator/model/vocabulary.js';
import { VALIDATION_RULES } from '../../generator/validate/validate-flow.js';

const DOC = readFileSync('docs/flow-format.md', 'utf8');

/** `<!-- file: PATH -->` followed by a fenced block: the path and the block's text. */
function examples(): [string, string][] {
  const out: [string, string][] = [];
  const re = /<!-- file: (\S+) -->\n```yaml\n([\s\S]*?)```\n/g;
  for (const m of DOC.matchAll(re)) out.push([m[1] ?? '', m[2] ?? '']);
  return out;
}

/** The keys of a TypeBox object schema. */
const keys = (schema: { properties: object }): string[] => Object.keys(schema.properties);

describe('docs/flow-format.md', () => {
  it('holds the par, alt and ref example and the flow it refers to', () => {
    expect(examples().map(([file]) => file)).toEqual([
      'test/fixtures/flows/clean-par-alt-ref.flow.yaml',
      'test/fixtures/flows/helper-disconnect.flow.yaml',
    ]);
  });

  it.each(examples())('shows %s exactly as the file is', (file, text) => {
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('documents every validation rule in its table', () => {
    for (const rule of [...Object.keys(VALIDATION_RULES), 'duplicate-flow-id'])
      expect(DOC, rule).toContain(`| \`${rule}\` |`);
  });

  it('lists every guard variable in its table', () => {
    for (const name of Object.keys(GUARD_VARIABLES)) expect(DOC, name).toContain(`| \`${name}\` |`);
  });

  it('names every key of a flow, participant, variable, precondition, problem, message head and value', () => {
    const value = ValueSchema.anyOf.find((s) => 'properties' in s) as { properties: object };
    const all = [
      ...keys(FlowSchema),
      ...keys(ParticipantSchema),
      ...keys(VariableSchema),
      ...keys(PreconditionSchema),
      ...keys(ProblemSchema),
      ...keys(MessageHeadSchema),
      ...keys(value),
      ...STEP_KEYS,
    ];
    for (const k of all) expect(DOC, k).toContain(`\`${k}\``);
  });

  it('names every role, mode, action, MBCP message, SIP method and dialog path', () => {
    for (const word of [...ROLES, ...MODES, ...ACTIONS, ...DIALOG_PATHS])
      expect(DOC, word).toContain(`\`${word}\``);
    for (const word of [...MBCP_MESSAGES, ...SIP_METHODS]) expect(DOC, word).toContain(word);
  });

  it('tells how to get completion in VS Code', () => {
    expect(DOC).toContain('# yaml-language-server: $schema=../../schema/flow.schema.json');
  });
});
