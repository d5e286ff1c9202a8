/** `flowspec export-sipp` through the CLI's `run()`: output, --out, and exit 2 on usage errors. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../generator/cli/main.js';
import { RELEASE_FIXTURE } from './export-fixtures.js';

async function cli(
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    isTTY: false,
  });
  return { status, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'flowspec-export-sipp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flowspec export-sipp', () => {
  it('prints the scenario', async () => {
    const r = await cli(['export-sipp', RELEASE_FIXTURE, '--participant', 'Calling UE']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0"/);
    expect(r.stdout).toContain('<scenario name="sipp.release.two-ue: Calling UE">');
  });

  it('writes --out, with --alt and --without-opt', async () => {
    const out = join(dir, 'called.xml');
    const r = await cli([
      'export-sipp',
      RELEASE_FIXTURE,
      '--participant',
      'calledUe',
      '--alt',
      'release=2',
      '--without-opt',
      'floor',
      '--out',
      out,
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('Called UE as UAS');
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('alt release: operand 2 of 2');
    expect(xml).toContain('Reason: SIP;cause=200;text="Call completed"');
    expect(xml).not.toContain('MBCP');
  });

  it('exits 2 naming the participants for an unknown one', async () => {
    const r = await cli(['export-sipp', RELEASE_FIXTURE, '--participant', 'PoC Client Z']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no participant "PoC Client Z"');
    expect(r.stderr).toContain('callingUe (Calling UE), calledUe (Called UE), observer (Observer)');
  });

  it('exits 2 for a participant that does nothing in the flow', async () => {
    const r = await cli(['export-sipp', RELEASE_FIXTURE, '--participant', 'Observer']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('sends and receives no message in the flow');
  });

  it('exits 2 for a bad --alt', async () => {
    const r = await cli([
      'export-sipp',
      RELEASE_FIXTURE,
      '--participant',
      'Calling UE',
      '--alt',
      'release',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is not STEP=N');
  });
});
