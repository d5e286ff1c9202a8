/** `flowspec lint` through the CLI: output shape and exit codes. */
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

describe('flowspec lint', () => {
  it('prints JSON findings with document, figure and step; exit 0 without errors', async () => {
    const r = await cli(['lint', 'test/fixtures/lint/sentences.flow.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { findings: Record<string, unknown>[] };
    expect(json.findings[0]).toEqual({
      rule: 'text-actor-mismatch',
      severity: 'warning',
      message: 'the sentence says "PoC Server A" sends, the step is drawn from SIP/IP Core A',
      file: 'test/fixtures/lint/sentences.flow.yaml',
      line: 14,
      column: 5,
      step: '2',
      document: 'fixture-lint.txt',
      figure: '1',
    });
  });

  it('exits 1 when a finding is an error, and prints where in the source', async () => {
    const r = await cli(['lint', 'test/fixtures/lint/values.flow.yaml']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'test/fixtures/lint/values.flow.yaml:13:17: error uri-whitespace: Request-URI: white space inside a URI (after the scheme): "sip: session@serv" (step 1; fixture-lint.txt, figure 2)',
    );
  });

  it('exits 2 on a missing path', async () => {
    const r = await cli(['lint', 'test/fixtures/lint/no-such.flow.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no such file');
  });
});
