import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../generator/api/api-dispatch.js';
import { createFlowService, type FlowService } from '../../generator/api/flow-service.js';
import { resolveFlowPath, ProjectPathError } from '../../generator/api/project-files.js';
import { ApiRequestError, parseApiRequest } from '../../generator/api/request-validation.js';

const FIGURE_16 = 'flows/poc/leave-on-demand.flow.yaml';

describe('request validation', () => {
  it('accepts well-formed requests', () => {
    expect(parseApiRequest('readFlow', { path: FIGURE_16 })).toEqual({ path: FIGURE_16 });
    expect(
      parseApiRequest('editFlow', {
        path: FIGURE_16,
        text: 'x',
        edit: { kind: 'moveStep', path: ['steps', 4], toIndex: 2, extra: 1 },
      }),
    ).toEqual({
      path: FIGURE_16,
      text: 'x',
      edit: { kind: 'moveStep', path: ['steps', 4], toIndex: 2 },
    });
  });

  it.each([
    ['readFlow', null],
    ['readFlow', { path: 3 }],
    ['writeFlow', { path: FIGURE_16 }],
    ['editFlow', { path: FIGURE_16, text: '', edit: { kind: 'rm -rf', path: [] } }],
    ['editFlow', { path: FIGURE_16, text: '', edit: { kind: 'deleteStep', path: [{}] } }],
    [
      'editFlow',
      { path: FIGURE_16, text: '', edit: { kind: 'moveStep', path: ['steps', 1], toIndex: -1 } },
    ],
    ['exportText', { path: FIGURE_16, text: '', format: 'docx' }],
  ] as const)('refuses %s %j', (method, payload) => {
    expect(() => parseApiRequest(method, payload)).toThrow(ApiRequestError);
  });
});

describe('project paths', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'flowspec-paths-'));
    await mkdir(join(root, 'flows'));
    const outside = await mkdtemp(join(tmpdir(), 'flowspec-outside-'));
    await symlink(outside, join(root, 'flows', 'escape'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('resolves flow files under the root', async () => {
    expect(await resolveFlowPath(root, 'flows/a.flow.yaml')).toBe(
      join(root, 'flows', 'a.flow.yaml'),
    );
  });

  it.each([
    '../a.flow.yaml',
    'flows/../../a.flow.yaml',
    '/etc/a.flow.yaml',
    'flows\\a.flow.yaml',
    'flows/a.yaml',
    'flows//a.flow.yaml',
    'flows/escape/a.flow.yaml',
    'C:/a.flow.yaml',
  ])('refuses %s', async (p) => {
    await expect(resolveFlowPath(root, p)).rejects.toThrow(ProjectPathError);
  });
});

describe('the flow service', () => {
  let root: string;
  let service: FlowService;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'flowspec-service-'));
    await cp('flows', join(root, 'flows'), { recursive: true });
    service = createFlowService(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('lists the flows with their ids', async () => {
    const { flows } = await service.handle('listFlows', {});
    expect(flows.find((f) => f.path === FIGURE_16)?.id).toBe('poc.leave.on-demand');
  });

  it('analyses Figure 16 into 5 lifelines, rows in order and fragments', async () => {
    const { text } = await service.handle('readFlow', { path: FIGURE_16 });
    const r = await service.handle('analyzeFlow', { path: FIGURE_16, text });
    const d = r.diagram;
    expect(d?.lifelines.map((l) => l.label)).toEqual([
      'PoC Client A',
      'SIP/IP Core A',
      'PoC Server A',
      'SIP/IP Core X',
      'PoC Server X',
    ]);
    const messages = d?.rows.filter((row) => row.kind === 'message') ?? [];
    expect(messages.map((m) => m.stepId).sort((a, b) => Number(a) - Number(b))).toEqual([
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
    ]);
    expect(messages.find((m) => m.stepId === '3')?.label).toBe('BYE');
    expect(messages.find((m) => m.stepId === '5')).toMatchObject({
      label: '200 OK',
      isResponse: true,
    });
    expect(d?.rows[0]).toMatchObject({ kind: 'state', stepId: '1' });
    expect(d?.fragments.map((f) => [f.kind, f.depth])).toEqual([
      ['opt', 0],
      ['loop', 1],
      ['alt', 2],
    ]);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Warm: a normal flow is analysed well within the editor's 100 ms budget.
    const again = await service.handle('analyzeFlow', { path: FIGURE_16, text });
    expect(again.elapsedMs).toBeLessThan(100);
  });

  it('reports located findings instead of a diagram for broken text', async () => {
    const r = await service.handle('analyzeFlow', { path: FIGURE_16, text: 'id: [' });
    expect(r.diagram).toBeUndefined();
    expect(r.findings[0]).toMatchObject({ rule: 'yaml-syntax', severity: 'error', line: 1 });
  });

  it('writes inside the root and refuses traversal through the dispatcher', async () => {
    await service.handle('writeFlow', { path: 'flows/new/x.flow.yaml', text: 'id: x\n' });
    expect(await readFile(join(root, 'flows/new/x.flow.yaml'), 'utf8')).toBe('id: x\n');
    const refused = await dispatchApiCall(service, 'writeFlow', {
      path: '../x.flow.yaml',
      text: '',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const unknown = await dispatchApiCall(service, 'rmFlow', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const missing = await dispatchApiCall(service, 'readFlow', { path: 'flows/none.flow.yaml' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('replaces a flow whole: a reader during 50 saves sees the old or the new text, never a part, and no temporary file stays', async () => {
    const path = 'flows/new/atomic.flow.yaml';
    const file = join(root, path);
    const texts = ['id: a\n' + '# a\n'.repeat(20_000), 'id: b\n' + '# bb\n'.repeat(20_000)];
    await service.handle('writeFlow', { path, text: texts[0] ?? '' });
    const seen = new Set<string>();
    let writing = true;
    const reader = (async () => {
      while (writing) seen.add(await readFile(file, 'utf8'));
    })();
    for (let i = 1; i <= 50; i++)
      await service.handle('writeFlow', { path, text: texts[i % 2] ?? '' });
    writing = false;
    await reader;
    expect([...seen].every((t) => texts.includes(t))).toBe(true);
    expect((await readdir(join(root, 'flows/new'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('exports Mermaid and PlantUML', async () => {
    const { text } = await service.handle('readFlow', { path: FIGURE_16 });
    const m = await service.handle('exportText', { path: FIGURE_16, text, format: 'mermaid' });
    expect(m.fileName).toBe('leave-on-demand.mmd');
    expect(m.text).toContain('  participant clientA as PoC Client A');
    expect(m.text).toContain('  clientA->>coreA: 2 BYE');
    expect(m.text).toMatch(
      /opt policy\.release == 'release-all'\n\s+loop participant in session\.participants\n\s+alt session\.kind == 'on-demand'\n\s+Note over coreX,serverX: ref poc\.disconnect\.on-demand\n\s+else else/,
    );
    const p = await service.handle('exportText', { path: FIGURE_16, text, format: 'plantuml' });
    expect(p.text.startsWith('@startuml\n')).toBe(true);
    expect(p.text).toContain('coreA --> clientA : 5 200 OK');
    expect(p.text).toContain('ref over coreX, serverX : poc.disconnect.on-demand');
    expect(p.text.trimEnd().endsWith('@enduml')).toBe(true);
  });

  it('answers the diagram first and the checks in a second call', async () => {
    const { text } = await service.handle('readFlow', { path: FIGURE_16 });
    // A double space in a title is a lint finding (editing residue), not a loader one.
    const edited = text.replace('title: On-going PoC Session\n', 'title: On-going PoC  Session\n');
    const first = await service.handle('analyzeFlow', {
      path: FIGURE_16,
      text: edited,
      deferChecks: true,
    });
    expect(first.diagram?.rows.length).toBeGreaterThan(10);
    const all = await service.handle('analyzeFlow', { path: FIGURE_16, text: edited });
    const checks = await service.handle('checkFlow', { path: FIGURE_16, text: edited });
    expect(checks.findings).toEqual(all.findings);
    // Lint findings come only with the checks.
    const lint = (fs: readonly { rule: string }[]) => fs.filter((f) => f.rule !== 'schema');
    expect(lint(checks.findings).length).toBeGreaterThan(lint(first.findings).length);
    expect(
      parseApiRequest('analyzeFlow', { path: FIGURE_16, text: '', deferChecks: true }),
    ).toEqual({
      path: FIGURE_16,
      text: '',
      deferChecks: true,
    });
    expect(() =>
      parseApiRequest('analyzeFlow', { path: FIGURE_16, text: '', deferChecks: 1 }),
    ).toThrow(ApiRequestError);
  });

  it('previews the generated module of a role, and says why a flow does not generate', async () => {
    const { text } = await service.handle('readFlow', { path: FIGURE_16 });
    const r = await service.handle('previewCode', {
      path: FIGURE_16,
      text,
      role: 'poc-server-participating',
    });
    expect(r.roles.map((x) => x.title)).toEqual([
      'PoC Client',
      'SIP/IP Core (proxy)',
      'PoC Server (participating)',
      'PoC Server (controlling)',
    ]);
    expect(r.module?.path).toBe('generated/roles/poc-server-participating.ts');
    expect(r.module?.text).toContain('export class PocServerParticipating');
    expect(r.module?.text).toContain('flows/poc/leave-on-demand.flow.yaml:66 step 3');
    const info = await service.handle('previewCode', {
      path: FIGURE_16,
      text: text.replace('sip: BYE, from: clientA', 'sip: INFO, from: clientA'),
      role: 'poc-server-participating',
    });
    expect(info.module?.text).toContain("core.on('INFO'");
    const broken = await service.handle('previewCode', {
      path: FIGURE_16,
      text: text.replace('sip: BYE, from: clientA', 'sip: 3BYE, from: clientA'),
      role: 'poc-server-participating',
    });
    expect(broken.module).toBeUndefined();
    expect(broken.error).toMatch(
      /^cannot generate:\n {2}flows\/poc\/leave-on-demand\.flow\.yaml:\d+:\d+: "3BYE" is not a valid SIP method/,
    );
    const first = await service.handle('previewCode', { path: FIGURE_16, text });
    expect(first.role).toBe('poc-client');
  });

  it('reads and writes a .yaml file outside flows/ once opened, and no other', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'flowspec-opened-'));
    const file = join(outside, 'copy.yaml');
    await writeFile(file, 'id: x\n');
    await writeFile(join(outside, 'other.yaml'), 'id: y\n');
    await writeFile(join(outside, 'notes.txt'), 'x\n');
    try {
      const refused = await dispatchApiCall(service, 'readFlow', { path: file });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const { path } = await service.handle('openFile', { path: file });
      expect(path).toBe(await realpath(file));
      expect((await service.handle('readFlow', { path })).text).toBe('id: x\n');
      await service.handle('writeFlow', { path, text: 'id: z\n' });
      expect(await readFile(file, 'utf8')).toBe('id: z\n');
      for (const [p, reason] of [
        [join(outside, 'notes.txt'), 'not a .yaml or .yml file'],
        [join(outside, 'none.yaml'), 'no such file'],
        [outside + '.yaml', 'no such file'],
      ] as const)
        expect(await dispatchApiCall(service, 'openFile', { path: p })).toMatchObject({
          ok: false,
          error: { code: 'forbidden', message: expect.stringContaining(reason) },
        });
      expect(
        await dispatchApiCall(service, 'writeFlow', {
          path: join(outside, 'other.yaml'),
          text: '',
        }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      // A flow of the project opened by its absolute path keeps its project path.
      expect((await service.handle('openFile', { path: join(root, FIGURE_16) })).path).toBe(
        FIGURE_16,
      );
      expect(await dispatchApiCall(service, 'chooseFile', {})).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('reports a changed flow file to watchers', async () => {
    const events: string[] = [];
    const stop = service.watch((e) => events.push(`${e.kind} ${e.path}`));
    await new Promise((r) => setTimeout(r, 50));
    await writeFile(join(root, FIGURE_16), (await readFile(join(root, FIGURE_16), 'utf8')) + '\n');
    await expect.poll(() => events).toContain(`changed ${FIGURE_16}`);
    stop();
  });
});
