/**
 * Lint on the curated flows (flows/): the seed mistakes that the flows keep
 * in their titles and sentences are found, as info where the flow records
 * them under problems. A flow not written yet shows as skipped.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LintFinding } from '../../generator/lint/lint-context.js';
import { lintPaths } from '../../generator/lint/lint-flow.js';

/** file, rule, step (undefined: any step). */
const SEED_MISTAKES: readonly (readonly [string, string, string | undefined])[] = [
  ['flows/poc/leave-on-demand.flow.yaml', 'text-actor-mismatch', '7'],
  ['flows/poc/leave-on-demand.flow.yaml', 'text-ends-mismatch', '7'],
  ['flows/poc/leave-pre-established.flow.yaml', 'status-not-a-status', '4'],
  ['flows/poc/leave-pre-established.flow.yaml', 'identity-spelling', '6'],
  ['flows/poc/leave-pre-established.flow.yaml', 'request-headers-differ', '10'],
  ['flows/poc/leave-pre-established.flow.yaml', 'uri-params-unbracketed', '2'],
  ['flows/poc/disconnect-on-demand.flow.yaml', 'gruu-shared', '8'],
  ['flows/ims/scscf-release-calling.flow.yaml', 'editing-residue', '1'],
  ['flows/poc/disconnect-on-demand.flow.yaml', 'figure-title-mismatch', '1'],
  ['flows/poc/disconnect-pre-established.flow.yaml', 'figure-title-mismatch', '1'],
  ['flows/poc/disconnect-pre-established.flow.yaml', 'editing-residue', 'B'],
  ['flows/cpm/close-pf-off-media-path.flow.yaml', 'text-ends-mismatch', '1'],
  ['flows/cpm/close-pf-on-media-path.flow.yaml', 'text-ends-mismatch', '1'],
  ['flows/cpm/close-pf-on-media-path.flow.yaml', 'range-hop-count', '14'],
  ['flows/cpm/close-pf-on-media-path.flow.yaml', 'role-behaviour-conflict', '3'],
  ['flows/cpm/pf-bye-originating.flow.yaml', 'role-behaviour-conflict', undefined],
  ['flows/cpm/pf-bye-terminating.flow.yaml', 'response-from-wrong-party', '4.b.iv'],
  ['flows/cpm/pf-bye-terminating.flow.yaml', 'conditional-value-unconditional', undefined],
  ['flows/ims/scscf-release-called.flow.yaml', 'derived-from-wrong-party', '4'],
];

let findings: LintFinding[] = [];

beforeAll(async () => {
  const files = [...new Set(SEED_MISTAKES.map(([f]) => f))].filter((f) => existsSync(f));
  findings = (await lintPaths(files)).findings;
}, 60_000);

describe('lint on the curated flows', () => {
  for (const [file, rule, step] of SEED_MISTAKES) {
    it.skipIf(!existsSync(file))(`${file}: ${rule}${step ? ` at step ${step}` : ''}`, () => {
      const hit = findings.find(
        (f) => f.file === file && f.rule === rule && (step === undefined || f.step === step),
      );
      expect(hit, `${rule} in ${file}`).toBeDefined();
      expect(hit?.document).toMatch(/^\d{3}_[0-9a-f]{16}\.txt$/);
    });
  }

  it('a finding the flow records under problems is info and says so', () => {
    const recorded = findings.filter((f) => f.message.endsWith('[recorded under problems]'));
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.every((f) => f.severity === 'info')).toBe(true);
  });
});
