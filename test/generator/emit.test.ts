/**
 * The emitters, text in and text out: guards as TypeScript, a reaction
 * compiled into cited statements, a role module printed from a fixture
 * flow; then the whole of generated/: byte-identical on regeneration and
 * fresh against the flows (`flowspec generate --check`).
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGenerate } from '../../generator/cli/generate-command.js';
import {
  generateFiles,
  guardCode,
  loadForGeneration,
  planRole,
  printSource,
  roleModule,
  staleFiles,
} from '../../generator/emit/index.js';
import { mergeRoles } from '../../generator/projection/index.js';
import { byeFlow, loadFixtures } from './fixture-flows.js';

function io(): { out(s: string): void; err(s: string): void; text: () => string } {
  let text = '';
  return { out: (s) => (text += s), err: (s) => (text += s), text: () => text };
}

describe('guardCode', () => {
  it('reads guard variables from the facts record', () => {
    expect(guardCode("policy.release == 'release-all'")).toBe(
      "f['policy.release'] === 'release-all'",
    );
    expect(guardCode('!session.interworked && session.iwfCount > 1')).toBe(
      "(!f['session.interworked'] && f['session.iwfCount'] > 1)",
    );
    expect(guardCode("!(session.kind == 'on-demand')")).toBe(
      "!(f['session.kind'] === 'on-demand')",
    );
  });
});

describe('role modules', () => {
  it('print a handler per method whose statements cite their steps', async () => {
    const { flows, resolve } = loadFixtures([byeFlow('t.bye', '200 OK')]);
    const ue = mergeRoles(flows, resolve).find((s) => s.role === 'ue');
    if (!ue) throw new Error('no ue');
    const plan = planRole(ue);
    expect(plan.kind).toBe('ua');
    expect(plan.handlers.map((h) => h.name)).toEqual(['onBye']);
    expect(plan.entries.map((e) => e.name)).toEqual(['bye']);
    const text = await printSource('generated/roles/ue.ts', roleModule(plan));
    expect(text).toContain(' * - t.bye (fixture/f1.flow.yaml)');
    expect(text).toContain(
      [
        '  async onBye(incoming: IncomingRequest): Promise<void> {',
        '    // t.bye step 3 (fixture/f1.flow.yaml:16): send 200 -> sip-core',
        '    if (incoming.pending) incoming.respond(200);',
        '  }',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '    // t.bye step 1 (fixture/f1.flow.yaml:11): send BYE -> sip-core',
        '    const r1 = await this.core.bye(this.dialogOf(options));',
        '    // t.bye step 4 (fixture/f1.flow.yaml:19): receive 200 <- sip-core',
        "    expectStatus(r1, 200, 't.bye', '4');",
        '    outcome.responses.push(r1);',
      ].join('\n'),
    );
    const proxy = mergeRoles(flows, resolve).find((s) => s.role === 'sip-core');
    if (!proxy) throw new Error('no proxy');
    const proxyPlan = planRole(proxy);
    expect(proxyPlan.kind).toBe('proxy');
    expect(proxyPlan.table.map((t) => [t.trigger, t.runs, t.executable])).toEqual([
      [
        'receive BYE from served-client via ue dialogs={} mode=proxy',
        'ProxyCore: stateful relay (RFC 3261 16)',
        true,
      ],
    ]);
  });
});

describe('generated/', () => {
  it('is byte-identical when generated twice, and fresh against flows/', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const first = await generateFiles(flows, resolve);
    const second = await generateFiles(flows, resolve);
    expect(second).toEqual(first);
    expect(first.map((f) => f.path)).toContain('roles/poc-server-participating.ts');
    expect(first.map((f) => f.path)).toContain('tests/poc-leave-on-demand.test.ts');
    expect(await staleFiles('generated', first)).toEqual([]);
  }, 60_000);

  it('passes `generate --check` on the committed output and names stale files otherwise', async () => {
    const ok = io();
    expect(await runGenerate({ check: true }, ok)).toBe(0);
    expect(ok.text()).toMatch(/^generated\/ is up to date \(\d+ files\)\n$/);
    const dir = await mkdtemp(join(tmpdir(), 'flowspec-generated-'));
    try {
      await cp('generated', dir, { recursive: true });
      await writeFile(join(dir, 'roles', 'sip-core.ts'), '// edited by hand\n');
      await writeFile(join(dir, 'tests', 'left-over.test.ts'), '// no longer generated\n');
      const stale = io();
      expect(await runGenerate({ check: true, out: dir }, stale)).toBe(1);
      expect(stale.text()).toContain(`${dir}/roles/sip-core.ts`);
      expect(stale.text()).toContain(`${dir}/tests/left-over.test.ts`);
      const write = io();
      expect(await runGenerate({ out: dir }, write)).toBe(0);
      expect(await runGenerate({ check: true, out: dir }, io())).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('flowspec generate on contradicting flows', () => {
  it('exits 1 naming both places and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowspec-contradiction-'));
    try {
      const flowsDir = join(dir, 'flows');
      await mkdir(flowsDir);
      await writeFile(join(flowsDir, 'ok.flow.yaml'), byeFlow('t.ok', '200 OK'));
      await writeFile(join(flowsDir, 'busy.flow.yaml'), byeFlow('t.busy', '486'));
      const out = io();
      expect(await runGenerate({ flows: flowsDir, out: join(dir, 'generated') }, out)).toBe(1);
      expect(out.text()).toContain('role ue, trigger receive BYE from served-client');
      expect(out.text()).toMatch(
        /busy\.flow\.yaml:\d+ \(t\.busy, steps 2, 3\): send 486 -> sip-core/,
      );
      expect(out.text()).toMatch(/ok\.flow\.yaml:\d+ \(t\.ok, steps 2, 3\): send 200 -> sip-core/);
      expect(await staleFiles(join(dir, 'generated'), [])).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
