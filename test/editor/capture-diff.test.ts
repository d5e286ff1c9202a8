import { mkdtemp, readFile, rm, symlink, cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDiff } from '../../api/index.js';
import { dispatchApiCall } from '../../generator/api/api-dispatch.js';
import { buildDiagram } from '../../generator/api/diagram-builder.js';
import { createFlowService, type FlowService } from '../../generator/api/flow-service.js';
import { ApiRequestError, parseApiRequest } from '../../generator/api/request-validation.js';
import { loadFlowText } from '../../generator/load/load-flow.js';
import { diffOverlay, stepsOffDiagram } from '../../renderer/diagram/diff-overlay.js';
import { figure16Capture, writeFigure16Capture } from '../e2e/capture-fixtures.js';

const FIGURE_16 = 'flows/poc/leave-on-demand.flow.yaml';
const STEPS = ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11'];

describe('diffCapture', () => {
  let root: string;
  let service: FlowService;
  let text: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'flowspec-capture-'));
    await cp('flows', join(root, 'flows'), { recursive: true });
    await writeFigure16Capture(root, 'captures/figure-16.pcap', FIGURE_16);
    await writeFigure16Capture(root, 'captures/no-step-7.pcap', FIGURE_16, ['7']);
    const outside = await mkdtemp(join(tmpdir(), 'flowspec-outside-'));
    await writeFigure16Capture(outside, 'x.pcap', FIGURE_16);
    await mkdir(join(root, 'links'));
    await symlink(outside, join(root, 'links', 'out'));
    service = createFlowService(root);
    text = await readFile(join(root, FIGURE_16), 'utf8');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const call = async (capture: unknown): Promise<CaptureDiff> => {
    const r = await dispatchApiCall(service, 'diffCapture', { path: FIGURE_16, text, capture });
    if (!r.ok) throw new Error(r.error.message);
    return (r.result as { diff: CaptureDiff }).diff;
  };

  it('matches every step of a conformant capture with its frame', async () => {
    const diff = await call({ kind: 'path', path: 'captures/figure-16.pcap' });
    expect(diff.verdict).toBe('pass');
    expect(diff.instances).toHaveLength(1);
    const steps = diff.instances[0]?.steps ?? [];
    expect(steps.map((s) => [s.id, s.status, s.frame])).toEqual(
      STEPS.map((id, i) => [id, 'matched', i + 1]),
    );
  });

  it('reports the step left out as missing, from an upload too', async () => {
    const bytes = await figure16Capture(FIGURE_16, ['7']);
    const diff = await call({
      kind: 'upload',
      name: 'no-7.pcap',
      base64: bytes.toString('base64'),
    });
    expect(diff.capture).toBe('no-7.pcap');
    expect(diff.verdict).toBe('fail');
    const step7 = diff.instances[0]?.steps.find((s) => s.id === '7');
    expect(step7).toMatchObject({ status: 'missing', frame: null });
  });

  it('lays the verdicts over the rows of the diagram', async () => {
    const diff = await call({ kind: 'path', path: 'captures/no-step-7.pcap' });
    const loaded = loadFlowText(text, FIGURE_16);
    if (!loaded.flow) throw new Error('Figure 16 does not load');
    const model = buildDiagram(loaded.flow, loaded.document);
    const instance = diff.instances[0];
    if (!instance) throw new Error('no instance');
    const overlay = diffOverlay(model, instance);
    const byStep = new Map(
      model.rows.flatMap((r) => {
        const d = overlay.get(r.key);
        return d ? [[r.stepId, d] as const] : [];
      }),
    );
    expect(byStep.get('7')?.status).toBe('missing');
    expect(byStep.get('6')).toMatchObject({ status: 'matched', frame: 5 });
    expect(byStep.get('8')).toMatchObject({ status: 'matched', frame: 6 });
    expect(stepsOffDiagram(instance, overlay)).toEqual([]);
  });

  it.each([
    [{ kind: 'path', path: '../x.pcap' }, 'forbidden'],
    [{ kind: 'path', path: 'links/out/x.pcap' }, 'forbidden'],
    [{ kind: 'path', path: 'flows/poc/leave-on-demand.flow.yaml' }, 'forbidden'],
    [{ kind: 'path', path: 'captures/none.pcap' }, 'not-found'],
    [{ kind: 'upload', name: 'junk.pcap', base64: 'aGVsbG8gd29ybGQh' }, 'bad-request'],
  ])('refuses %j', async (capture, code) => {
    const r = await dispatchApiCall(service, 'diffCapture', { path: FIGURE_16, text, capture });
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });

  it('validates the request', () => {
    const bad = [
      { path: FIGURE_16, text: '', capture: { kind: 'url', path: 'x' } },
      { path: FIGURE_16, text: '', capture: { kind: 'upload', name: 'a/b.pcap', base64: '' } },
      { path: FIGURE_16, text: '', capture: { kind: 'upload', name: 'a.pcap', base64: '*' } },
      {
        path: FIGURE_16,
        text: '',
        capture: { kind: 'upload', name: 'a.pcap', base64: 'A'.repeat(23 * 2 ** 20) },
      },
      { path: FIGURE_16, text: '', capture: { kind: 'path', path: 'a.pcap' }, map: 3 },
    ];
    for (const payload of bad)
      expect(() => parseApiRequest('diffCapture', payload)).toThrow(ApiRequestError);
  });

  it('refuses a flow with errors', async () => {
    const r = await dispatchApiCall(service, 'diffCapture', {
      path: FIGURE_16,
      text: 'id: [',
      capture: { kind: 'path', path: 'captures/figure-16.pcap' },
    });
    expect(r.ok ? 'ok' : r.error.code).toBe('bad-request');
  });
});
