/**
 * The "done when", through the CLI's `run()` and through the built
 * binary (`node bin/flowspec.js`, spawned): located findings, exit codes
 * 0/1/2, the JSON shape, and `flowspec schema`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../generator/cli/main.js';
import { SCHEMA_PATH } from '../../generator/model/json-schema.js';
import { fixturePath } from '../validate/fixture-files.js';
import { buildCli, runBuilt, type BuiltCli, type CliRun } from './built-cli.js';

type Runner = (args: readonly string[]) => Promise<CliRun>;

const inProcess: Runner = async (args) => {
  let stdout = '';
  let stderr = '';
  const status = await run(args, {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    isTTY: false,
  });
  return { status, stdout, stderr };
};

let built: BuiltCli | undefined;
const spawned: Runner = (args) => Promise.resolve(runBuilt(built?.bin ?? '', args));

beforeAll(() => {
  built = buildCli();
}, 180_000);
afterAll(() => built?.remove());

const JSON_KEYS = ['rule', 'severity', 'message', 'file', 'line', 'column', 'step'];

describe.each([
  ['run()', inProcess],
  ['node bin/flowspec.js', spawned],
])('flowspec through %s', (_name, cli: Runner) => {
  it('reports a YAML syntax error at its line and column and exits 1', async () => {
    const file = fixturePath('yaml-syntax');
    const r = await cli(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${file}:4:8: error yaml-syntax: `);
    expect(r.stdout).toContain('1 file: 1 error, 0 warnings');
  });

  it("reports an unknown participant at its step's line and exits 1", async () => {
    const file = fixturePath('unknown-participant');
    const r = await cli(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')}:10:14: error unknown-participant: .*"corA".*\\(step 1\\)$`,
        'm',
      ),
    );
  });

  it('exits 0 on a clean flow', async () => {
    const r = await cli(['validate', fixturePath('clean-par-alt-ref')]);
    expect(r.stdout).toBe('1 file: 0 errors, 0 warnings\n');
    expect(r.status).toBe(0);
  });

  it('exits 0 when the only findings are warnings', async () => {
    const r = await cli(['validate', fixturePath('relay-changes-header')]);
    expect(r.stdout).toContain('warning relay-changes-header');
    expect(r.status).toBe(0);
  });

  it('writes {"findings":[...]} with --format json', async () => {
    const files = [fixturePath('unknown-participant'), fixturePath('schema-wrong-enum')];
    const r = await cli(['validate', '--format', 'json', ...files]);
    expect(r.status).toBe(1);
    const parsed = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['findings']);
    expect(parsed.findings.map((f) => Object.keys(f))).toEqual([JSON_KEYS, JSON_KEYS]);
    expect(parsed.findings.map((f) => [f['rule'], f['file'], f['line'], f['column']])).toEqual([
      ['schema', files[1], 6, 20],
      ['unknown-participant', files[0], 10, 14],
    ]);
    expect(parsed.findings.map((f) => f['step'])).toEqual([null, '1']);
    expect(parsed.findings.map((f) => f['severity'])).toEqual(['error', 'error']);
  });

  it('validates a folder: every fixture, errors found, exit 1', async () => {
    const r = await cli(['validate', '--format', 'json', 'test/fixtures/flows']);
    expect(r.status).toBe(1);
    const rules = new Set(
      (JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule),
    );
    expect(rules).toContain('yaml-syntax');
    expect(rules).toContain('after-cycle');
  });

  it('exits 2 on a missing path', async () => {
    const r = await cli(['validate', 'test/fixtures/flows/no-such.flow.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no-such.flow.yaml: no such file or folder');
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a usage error', async () => {
    expect((await cli(['validate', '--format', 'xml', fixturePath('yaml-syntax')])).status).toBe(2);
    expect((await cli(['validate'])).status).toBe(2);
    expect((await cli(['no-such-command'])).status).toBe(2);
  });

  it('prints the published JSON Schema with `schema`', async () => {
    const r = await cli(['schema']);
    expect(r.status).toBe(0);
    const published = readFileSync(SCHEMA_PATH, 'utf8');
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(published));
    expect(r.stdout).toBe(published);
  });

  it('`schema --check` passes on the published file and fails on a stale one', async () => {
    const ok = await cli(['schema', '--check', SCHEMA_PATH]);
    expect(ok.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'flowspec-schema-'));
    const stale = join(dir, 'flow.schema.json');
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    writeFileSync(stale, `${JSON.stringify({ ...schema, title: 'old' }, null, 2)}\n`);
    const r = await cli(['schema', '--check', stale]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is stale');
    const missing = await cli(['schema', '--check', join(dir, 'missing.json')]);
    expect(missing.status).toBe(1);
  });
});
