/**
 * One fixture per validation rule (test/fixtures/flows/<rule>.flow.yaml), each
 * with one deliberate problem, and the exact finding it must give: rule,
 * severity, line, column and step id, plus a telling part of the message.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../generator/project/flow-set.js';
import { VALIDATION_RULES } from '../../generator/validate/validate-flow.js';
import { FIXTURE_DIR, fixturePath } from './fixture-files.js';

interface Expected {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly column: number;
  readonly step?: string;
  /** A part of the message that says what is wrong. */
  readonly says: string;
}

const EXPECTED: Readonly<Record<string, readonly Expected[]>> = {
  'yaml-syntax': [
    { rule: 'yaml-syntax', severity: 'error', line: 4, column: 8, says: 'Nested mappings' },
  ],
  'schema-unknown-key': [
    {
      rule: 'schema',
      severity: 'error',
      line: 12,
      column: 5,
      step: '2',
      says: 'unknown key "anwsers"; did you mean "answers"?',
    },
  ],
  'schema-missing-required': [
    { rule: 'schema', severity: 'error', line: 7, column: 3, says: '"coreA" is missing "label"' },
  ],
  'schema-wrong-enum': [
    {
      rule: 'schema',
      severity: 'error',
      line: 6,
      column: 20,
      says: '"poc-clent" is not one of "poc-client"',
    },
  ],
  'schema-two-step-keys': [
    {
      rule: 'schema',
      severity: 'error',
      line: 9,
      column: 5,
      step: '1',
      says: 'this one has message and action',
    },
  ],
  'schema-nested-error': [
    {
      rule: 'schema',
      severity: 'error',
      line: 22,
      column: 19,
      step: '3',
      says: 'unknown key "header"; did you mean "headers"?',
    },
  ],
  'unknown-participant': [
    {
      rule: 'unknown-participant',
      severity: 'error',
      line: 10,
      column: 14,
      step: '1',
      says: 'receiver "corA" is not a participant; did you mean "coreA"?',
    },
  ],
  'duplicate-step-id': [
    {
      rule: 'duplicate-step-id',
      severity: 'error',
      line: 15,
      column: 5,
      step: '2',
      says: 'already used at line 12',
    },
  ],
  'unknown-step-ref': [
    {
      rule: 'unknown-step-ref',
      severity: 'error',
      line: 11,
      column: 5,
      step: '2',
      says: 'answers "9" is not a step',
    },
  ],
  'message-without-type': [
    {
      rule: 'message-without-type',
      severity: 'error',
      line: 10,
      column: 14,
      step: '1',
      says: 'say what the message is',
    },
  ],
  'message-without-sender': [
    {
      rule: 'message-without-sender',
      severity: 'error',
      line: 10,
      column: 14,
      step: '1',
      says: 'a BYE needs "from"',
    },
  ],
  'message-without-receiver': [
    {
      rule: 'message-without-receiver',
      severity: 'error',
      line: 10,
      column: 14,
      step: '1',
      says: 'needs "to"',
    },
  ],
  'message-type-ambiguous': [
    {
      rule: 'message-type-ambiguous',
      severity: 'error',
      line: 10,
      column: 14,
      step: '1',
      says: 'sip and mbcp',
    },
  ],
  'response-without-request': [
    {
      rule: 'response-without-request',
      severity: 'error',
      line: 11,
      column: 5,
      step: '2',
      says: 'answers no request',
    },
  ],
  'answer-method-mismatch': [
    {
      rule: 'answer-method-mismatch',
      severity: 'error',
      line: 11,
      column: 5,
      step: '2',
      says: 'not a BYE',
    },
  ],
  'response-ends-mismatch': [
    {
      rule: 'response-ends-mismatch',
      severity: 'error',
      line: 13,
      column: 14,
      step: '2',
      says: 'retraces its request',
    },
  ],
  'relay-changes-message': [
    {
      rule: 'relay-changes-message',
      severity: 'error',
      line: 14,
      column: 14,
      step: '2',
      says: 'relays step 1 (BYE) but is a CANCEL',
    },
  ],
  'relay-wrong-hop': [
    {
      rule: 'relay-wrong-hop',
      severity: 'error',
      line: 14,
      column: 14,
      step: '2',
      says: 'is sent by serverA',
    },
  ],
  'relay-changes-header': [
    {
      rule: 'relay-changes-header',
      severity: 'warning',
      line: 18,
      column: 7,
      step: '2',
      says: 'Privacy is "none"',
    },
  ],
  'ref-missing-flow': [
    {
      rule: 'ref-missing-flow',
      severity: 'error',
      line: 8,
      column: 5,
      step: '1',
      says: '"fixture.nowhere", which does not exist',
    },
  ],
  'ref-unbound-participant': [
    {
      rule: 'ref-unbound-participant',
      severity: 'error',
      line: 9,
      column: 5,
      step: '1',
      says: '"client" of flow "fixture.helper.disconnect" unbound',
    },
  ],
  'ref-role-mismatch': [
    {
      rule: 'ref-role-mismatch',
      severity: 'error',
      line: 9,
      column: 5,
      step: '1',
      says: '"coreX" here is a sip-core',
    },
  ],
  'non-local-choice': [
    {
      rule: 'non-local-choice',
      severity: 'error',
      line: 13,
      column: 9,
      step: '1',
      says: 'starts with an event at serverA',
    },
  ],
  'loop-undefined-collection': [
    {
      rule: 'loop-undefined-collection',
      severity: 'error',
      line: 9,
      column: 5,
      step: '1',
      says: '"session.members", which is not declared',
    },
  ],
  'guard-invalid': [
    {
      rule: 'guard-invalid',
      severity: 'error',
      line: 11,
      column: 7,
      step: '1',
      says: "'offline' is not one of",
    },
  ],
  'guard-else-position': [
    {
      rule: 'guard-else-position',
      severity: 'error',
      line: 11,
      column: 9,
      step: '1',
      says: 'must be the last',
    },
  ],
  'variable-unbound': [
    {
      rule: 'variable-unbound',
      severity: 'error',
      line: 12,
      column: 16,
      step: '1',
      says: '"uid" is used before it can be bound',
    },
  ],
  'derivation-invalid': [
    // Column 42 is the "one" after "+", inside the plain scalar.
    {
      rule: 'derivation-invalid',
      severity: 'error',
      line: 13,
      column: 42,
      step: '1',
      says: 'expected a whole number after "+"',
    },
  ],
  'derivation-unknown-path': [
    {
      rule: 'derivation-unknown-path',
      severity: 'error',
      line: 12,
      column: 14,
      step: '1',
      says: '"dialog.routeTowards.called" is not stored dialog state',
    },
  ],
  'derivation-step-order': [
    {
      rule: 'derivation-step-order',
      severity: 'error',
      line: 12,
      column: 13,
      step: '1',
      says: 'does not happen before it',
    },
  ],
  'template-invalid': [
    // Column 16 is the "$" inside the double-quoted scalar (its quote is column 11).
    {
      rule: 'template-invalid',
      severity: 'error',
      line: 12,
      column: 16,
      step: '1',
      says: '"${user name}" is not a variable name',
    },
  ],
  'pattern-invalid': [
    {
      rule: 'pattern-invalid',
      severity: 'error',
      line: 13,
      column: 18,
      step: '1',
      says: 'not a regular expression',
    },
  ],
  'value-ambiguous': [
    {
      rule: 'value-ambiguous',
      severity: 'error',
      line: 12,
      column: 16,
      step: '1',
      says: 'equals and pattern',
    },
  ],
  'after-cycle': [
    {
      rule: 'after-cycle',
      severity: 'error',
      line: 9,
      column: 5,
      step: '1',
      says: 'wait for itself',
    },
  ],
  'clean-par-alt-ref': [],
  'edit-sample': [],
  'helper-disconnect': [],
};

const fixtureNames = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.flow.yaml'))
  .map((f) => f.slice(0, -'.flow.yaml'.length))
  .sort();

describe('validation rule fixtures', () => {
  it.each(Object.entries(EXPECTED))('%s gives exactly its finding', async (name, expected) => {
    const file = fixturePath(name);
    const { files, findings } = await validatePaths([file]);
    expect(files).toBe(1);
    expect(
      findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        line: f.line,
        column: f.column,
        step: f.step,
        file: f.file,
      })),
    ).toEqual(
      expected.map((e) => ({
        rule: e.rule,
        severity: e.severity,
        line: e.line,
        column: e.column,
        step: e.step,
        file,
      })),
    );
    findings.forEach((f, i) => expect(f.message).toContain(expected[i]?.says));
  });

  it('has a fixture named after every rule in VALIDATION_RULES, and it gives that rule', () => {
    for (const rule of Object.keys(VALIDATION_RULES)) {
      const names = Object.keys(EXPECTED).filter((n) => n === rule || n.startsWith(`${rule}-`));
      expect(names, `no fixture for rule ${rule}`).not.toHaveLength(0);
      for (const n of names) expect(EXPECTED[n]?.map((e) => e.rule)).toContain(rule);
    }
  });

  it('tests every fixture file in the folder', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames);
  });

  it('covers the four schema cases the issue names', () => {
    for (const n of [
      'schema-unknown-key',
      'schema-missing-required',
      'schema-wrong-enum',
      'schema-two-step-keys',
    ])
      expect(fixtureNames).toContain(n);
  });
});
