/** `flowspec import-text` through the CLI: output shapes, written drafts and exit codes. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../lint/run-cli.js';

describe('flowspec import-text', () => {
  it('writes the drafts and prints the JSON report; exit 1 on error findings', async () => {
    const out = mkdtempSync(join(tmpdir(), 'flowspec-import-'));
    const r = await cli([
      'import-text',
      'test/fixtures/import/procedures.txt',
      '--out',
      out,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as {
      flows: { id: string; file: string; steps: number }[];
      findings: Record<string, unknown>[];
    };
    expect(json.flows).toEqual([
      {
        id: 'draft.seed-procedures.clause-7-1-1',
        file: join(out, 'clause-7.1.1.flow.yaml'),
        steps: 7,
      },
      {
        id: 'draft.seed-procedures.clause-7-1-2',
        file: join(out, 'clause-7.1.2.flow.yaml'),
        steps: 1,
      },
    ]);
    expect(readFileSync(join(out, 'clause-7.1.1.flow.yaml'), 'utf8')).toContain(
      '# DRAFT imported by flowspec import-text',
    );
    expect(json.findings).toContainEqual({
      rule: 'derived-from-wrong-party',
      severity: 'error',
      message:
        'the BYE is destined for the calling user but its Request-URI is taken from the called user',
      document: 'procedures.txt',
      figure: null,
      clause: '7.1.2',
      step: '1',
      line: 27,
    });
  });

  it('exits 0 when the text has only warnings, and writes text output', async () => {
    const out = mkdtempSync(join(tmpdir(), 'flowspec-import-'));
    const r = await cli(['import-text', 'test/fixtures/import/figures.txt', '--out', out]);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'figure-5.flow.yaml'))).toBe(true);
    expect(r.out).toContain(
      'test/fixtures/import/figures.txt:14:1: warning header-name-no-colon: header name "Target-Dialog" has no colon; the other header names of the document have one (step 1; figures.txt, figure 5)',
    );
  });

  it('exits 2 when the text cannot be read', async () => {
    const r = await cli(['import-text', 'test/fixtures/import/no-such.txt', '--out', tmpdir()]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no such file');
  });
});
