import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyFlowEdit, FlowEditError } from '../../generator/api/flow-edits.js';

const FIGURE_16 = readFileSync('flows/poc/leave-on-demand.flow.yaml', 'utf8');
const COMMENTS = FIGURE_16.split('\n').filter((l) => l.trim().startsWith('#'));

function changedLines(a: string, b: string): string[] {
  const la = new Set(a.split('\n'));
  return b.split('\n').filter((l) => !la.has(l));
}

describe('applyFlowEdit', () => {
  it('changes the method of a message and nothing else', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'setMessageType',
      path: ['steps', 1],
      value: 'CANCEL',
    });
    expect(changedLines(FIGURE_16, out)).toEqual([
      '    message: { sip: CANCEL, from: clientA, to: coreA }',
    ]);
    expect(out.split('\n').length).toBe(FIGURE_16.split('\n').length);
    for (const c of COMMENTS) expect(out).toContain(c);
  });

  it('adds a method to a relay step, rewriting only its flow map', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'setMessageType',
      path: ['steps', 2],
      value: 'BYE',
    });
    expect(changedLines(FIGURE_16, out)).toEqual([
      '    message: { from: coreA, to: serverA, sip: BYE }',
    ]);
  });

  it('moves a step into another step list', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'moveStep',
      path: ['steps', 10],
      toList: ['steps', 11, 'opt', 'steps'],
      toIndex: 0,
    });
    const doc = parse(out) as { steps: { id?: string; opt?: { steps: { id?: string }[] } }[] };
    expect(doc.steps.map((s) => s.id)).not.toContain('11');
    expect(doc.steps.at(-1)?.opt?.steps[0]?.id).toBe('11');
  });

  it('sets headers and body of a message, keeping the comments', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'setHeaders',
      path: ['steps', 3],
      headers: [
        { name: 'Privacy', value: 'id' },
        { name: 'Call-ID', value: '{ is: dialog.callId }' },
      ],
    });
    const withBody = applyFlowEdit(out, { kind: 'setBody', path: ['steps', 3], body: 'a\nb\n' });
    const step = (parse(withBody) as { steps: Record<string, unknown>[] }).steps[3];
    expect(step?.['headers']).toEqual({ Privacy: 'id', 'Call-ID': { is: 'dialog.callId' } });
    expect(step?.['body']).toBe('a\nb\n');
    for (const c of COMMENTS) expect(withBody).toContain(c);
  });

  it('moves a step with the comment above it', () => {
    const out = applyFlowEdit(FIGURE_16, { kind: 'moveStep', path: ['steps', 5], toIndex: 1 });
    const ids = (parse(out) as { steps: { id: string }[] }).steps.map((s) => s.id);
    expect(ids).toEqual(['1', '6', '2', '3', '4', '5', '7', '8', '9', '10', '11', '12']);
    expect(out.indexOf('# Dialog between PoC Server A and PoC Server X')).toBeLessThan(
      out.indexOf('id: "2"'),
    );
    for (const c of COMMENTS) expect(out).toContain(c);
    // Moving back restores the file byte for byte.
    expect(applyFlowEdit(out, { kind: 'moveStep', path: ['steps', 1], toIndex: 5 })).toBe(
      FIGURE_16,
    );
  });

  it('moves the first step and keeps the YAML valid', () => {
    const out = applyFlowEdit(FIGURE_16, { kind: 'moveStep', path: ['steps', 0], toIndex: 2 });
    const ids = (parse(out) as { steps: { id: string }[] }).steps.map((s) => s.id);
    expect(ids.slice(0, 4)).toEqual(['2', '3', '1', '4']);
  });

  it('deletes a step', () => {
    const out = applyFlowEdit(FIGURE_16, { kind: 'deleteStep', path: ['steps', 4] });
    const ids = (parse(out) as { steps: { id: string }[] }).steps.map((s) => s.id);
    expect(ids).not.toContain('5');
    for (const c of COMMENTS) expect(out).toContain(c);
  });

  it('reports a located error for a path without a step', () => {
    expect(() => applyFlowEdit(FIGURE_16, { kind: 'deleteStep', path: ['steps', 40] })).toThrow(
      FlowEditError,
    );
    expect(() =>
      applyFlowEdit(FIGURE_16, { kind: 'setMessageType', path: ['steps', 0], value: 'BYE' }),
    ).toThrow(/not a message/);
  });
});

describe('structure edits', () => {
  it('inserts a message after a step, keeping the rest of the file', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'insertMessage',
      listPath: ['steps'],
      index: 11,
      message: { id: '11a', from: 'serverA', to: 'clientA', sip: 'NOTIFY' },
    });
    const steps = (parse(out) as { steps: { id?: string; message?: unknown }[] }).steps;
    expect(steps[11]).toEqual({
      id: '11a',
      message: { sip: 'NOTIFY', from: 'serverA', to: 'clientA' },
    });
    for (const c of COMMENTS) expect(out).toContain(c);
    expect(out.startsWith(FIGURE_16.slice(0, FIGURE_16.indexOf('  - id: "12"')))).toBe(true);
  });

  it('wraps a step in an opt fragment', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'wrapSteps',
      listPath: ['steps'],
      from: 4,
      to: 5,
      fragment: { kind: 'opt', guard: "policy.release == 'release-all'", decidedBy: 'coreA' },
    });
    const steps = (parse(out) as { steps: Record<string, unknown>[] }).steps;
    expect(steps[4]).toMatchObject({
      opt: { guard: "policy.release == 'release-all'", steps: [{ id: '5' }] },
      decidedBy: 'coreA',
    });
  });
});

describe('moving participants', () => {
  const order = (text: string): string[] =>
    Object.keys((parse(text) as { participants: Record<string, unknown> }).participants);

  it('moves a lifeline before another, with the comment above it', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'moveParticipant',
      id: 'coreB',
      target: 'clientA',
      after: false,
    });
    expect(order(out).slice(0, 2)).toEqual(['coreB', 'clientA']);
    expect(out.indexOf('# Not drawn in Figure 16')).toBeLessThan(out.indexOf('  coreB:'));
    expect(out.indexOf('  coreB:')).toBeLessThan(out.indexOf('  clientA:'));
    for (const c of COMMENTS) expect(out).toContain(c);
  });

  it('moves a lifeline after another and back again', () => {
    const out = applyFlowEdit(FIGURE_16, {
      kind: 'moveParticipant',
      id: 'clientA',
      target: 'serverA',
      after: true,
    });
    expect(order(out).slice(0, 3)).toEqual(['coreA', 'serverA', 'clientA']);
    const back = applyFlowEdit(out, {
      kind: 'moveParticipant',
      id: 'clientA',
      target: 'coreA',
      after: false,
    });
    expect(back).toBe(FIGURE_16);
  });
});
