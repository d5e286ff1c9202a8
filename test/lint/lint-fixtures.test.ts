/**
 * One fixture per group of lint rules (test/fixtures/lint), each finding
 * exact: rule, severity, line and step, plus a telling part of the message.
 * The fixtures are linted against each other only, so the shipped flows do
 * not change the outcome.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINT_RULES } from '../../generator/lint/lint-rules.js';
import { lintFlow, lintPeers } from '../../generator/lint/lint-flow.js';
import type { LintFinding } from '../../generator/lint/lint-context.js';
import { loadFlowFile } from '../../generator/load/load-flow.js';
import type { Flow } from '../../generator/model/flow-model.js';

const DIR = 'test/fixtures/lint';

interface Expected {
  readonly rule: keyof typeof LINT_RULES;
  readonly severity: 'error' | 'warning' | 'info';
  readonly line: number;
  readonly step?: string;
  readonly says: string;
}

const EXPECTED: Readonly<Record<string, readonly Expected[]>> = {
  clean: [],
  'headers-a': [],
  'headers-b': [
    {
      rule: 'request-headers-differ',
      severity: 'warning',
      line: 11,
      step: '10',
      says: 'no Privacy, which the same request carries in fixture.lint.headers-a step 1',
    },
  ],
  sentences: [
    {
      rule: 'text-actor-mismatch',
      severity: 'warning',
      line: 14,
      step: '2',
      says: '"PoC Server A" sends',
    },
    {
      rule: 'text-ends-mismatch',
      severity: 'warning',
      line: 14,
      step: '2',
      says: 'drawn to PoC Server A',
    },
    {
      rule: 'text-no-recipient',
      severity: 'info',
      line: 18,
      step: '3',
      says: 'names no recipient',
    },
    { rule: 'label-spelling', severity: 'info', line: 22, step: '4', says: '"SIP/IP core A"' },
    {
      rule: 'text-actor-mismatch',
      severity: 'warning',
      line: 26,
      step: '5',
      says: 'the heading says from PoC Server A, the step is drawn from PoC Client A',
    },
  ],
  values: [
    {
      rule: 'editing-residue',
      severity: 'warning',
      line: 10,
      step: '1',
      says: '[bookmark: _GoBack]',
    },
    { rule: 'uri-whitespace', severity: 'error', line: 13, step: '1', says: 'after the scheme' },
    { rule: 'uri-whitespace', severity: 'error', line: 15, step: '1', says: 'after "@"' },
    { rule: 'editing-residue', severity: 'warning', line: 17, step: '2', says: '"theSIP"' },
    { rule: 'status-not-a-status', severity: 'error', line: 17, step: '2', says: 'a letter O' },
    {
      rule: 'status-not-a-status',
      severity: 'error',
      line: 17,
      step: '2',
      says: 'reason "AcceptedOK"',
    },
    {
      rule: 'status-not-a-status',
      severity: 'error',
      line: 17,
      step: '2',
      says: 'two status codes',
    },
    {
      rule: 'status-not-a-status',
      severity: 'error',
      line: 22,
      step: '3',
      says: '"SIP/2.0 100 Tryin"',
    },
    {
      rule: 'identity-spelling',
      severity: 'warning',
      line: 24,
      step: '3',
      says: '"PoCClientAPoC-UserA" in step 4',
    },
    {
      rule: 'gruu-shared',
      severity: 'warning',
      line: 38,
      step: '7',
      says: 'network B here and for network A',
    },
    {
      rule: 'editing-residue',
      severity: 'warning',
      line: 39,
      step: '8',
      says: '"Call-Id" is written "Call-ID" earlier',
    },
    {
      rule: 'editing-residue',
      severity: 'warning',
      line: 39,
      step: '8',
      says: 'closing quote mark',
    },
    {
      rule: 'uri-params-unbracketed',
      severity: 'warning',
      line: 42,
      step: '8',
      says: '";method=BYE" would be header parameters',
    },
  ],
  ranges: [
    {
      rule: 'figure-title-mismatch',
      severity: 'warning',
      line: 11,
      step: '1',
      says: 'its title is "Fixture – values"',
    },
    {
      rule: 'range-hop-count',
      severity: 'warning',
      line: 18,
      step: '3',
      says: 'number 3 hops but 2 are drawn',
    },
  ],
  'behaviour-first': [
    {
      rule: 'role-behaviour-conflict',
      severity: 'warning',
      line: 12,
      step: '2',
      says: 'in fixture.lint.behaviour-after step 4',
    },
  ],
  'behaviour-after': [
    {
      rule: 'role-behaviour-conflict',
      severity: 'warning',
      line: 18,
      step: '4',
      says: 'in fixture.lint.behaviour-first step 2',
    },
  ],
  procedure: [
    {
      rule: 'response-from-wrong-party',
      severity: 'error',
      line: 17,
      step: '1.b',
      says: 'waits for the response from the CPM Client, but the BYE of items 1.* was sent to the other CPM entity',
    },
    {
      rule: 'conditional-value-unconditional',
      severity: 'error',
      line: 28,
      step: '2.b',
      says: 'only under item 2.a',
    },
    {
      rule: 'empty-numbering',
      severity: 'warning',
      line: 31,
      step: '3',
      says: 'item 3 has no text',
    },
  ],
  derived: [
    {
      rule: 'derived-from-wrong-party',
      severity: 'error',
      line: 15,
      step: '2',
      says: 'taken from the called user',
    },
    {
      rule: 'derived-from-wrong-party',
      severity: 'error',
      line: 20,
      step: '3',
      says: 'dialog.called.contactBinding',
    },
  ],
  acknowledged: [
    {
      rule: 'text-actor-mismatch',
      severity: 'info',
      line: 14,
      step: '2',
      says: '[recorded under problems]',
    },
    {
      rule: 'text-ends-mismatch',
      severity: 'info',
      line: 14,
      step: '2',
      says: '[recorded under problems]',
    },
  ],
};

const flows = new Map<string, Flow>();
let findings = new Map<string, LintFinding[]>();

beforeAll(async () => {
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.flow.yaml'))) {
    const loaded = await loadFlowFile(join(DIR, f));
    expect(loaded.findings.filter((x) => x.severity === 'error')).toEqual([]);
    if (loaded.flow) flows.set(f.replace('.flow.yaml', ''), loaded.flow);
  }
  const peers = lintPeers([...flows.values()]);
  findings = new Map([...flows].map(([name, flow]) => [name, lintFlow(flow, peers)]));
});

describe('lint fixtures', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: exactly the expected findings`, () => {
      const got = findings.get(name) ?? [];
      expect(got.map((f) => [f.rule, f.severity, f.line, f.step])).toEqual(
        expected.map((e) => [e.rule, e.severity, e.line, e.step]),
      );
      got.forEach((f, i) => expect(f.message).toContain(expected[i]?.says));
    });
  }

  it('every fixture is checked', () => {
    expect([...flows.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('findings carry the source document, figure and clause', () => {
    const [f] = findings.get('sentences') ?? [];
    expect(f).toMatchObject({
      document: 'fixture-lint.txt',
      figure: '1',
      file: join(DIR, 'sentences.flow.yaml'),
    });
    const [p] = findings.get('procedure') ?? [];
    expect(p).toMatchObject({ document: 'fixture-lint.txt', clause: '9.9' });
  });

  it('every rule with a fixture finding is a documented rule with its severity unless acknowledged', () => {
    for (const list of findings.values())
      for (const f of list) {
        const rule = LINT_RULES[f.rule as keyof typeof LINT_RULES];
        expect(rule).toBeDefined();
        if (!f.message.includes('[recorded under problems]'))
          expect(f.severity).toBe(rule.severity);
      }
  });
});
