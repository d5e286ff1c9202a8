/**
 * insertStep, moveStep, wrapSteps and renameParticipant: the result loads
 * clean and means what was asked, every comment stays, and text outside the
 * edited steps is byte-identical.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  editableFlow,
  FlowEditError,
  insertStep,
  moveStep,
  renameParticipant,
  setValue,
  wrapSteps,
} from '../../generator/edit/index.js';
import { loadFlowText } from '../../generator/load/load-flow.js';
import { fixturePath } from '../validate/fixture-files.js';
import { commentLines, lineDiff } from './text-diff.js';

const FILE = fixturePath('edit-sample');
const TEXT = readFileSync(FILE, 'utf8');
const LINES = TEXT.split('\n');
const ed = editableFlow(TEXT);

/** Loads edited text, which must have no YAML or schema finding; returns its data. */
function data(text: string): Record<string, unknown> {
  const l = loadFlowText(text, FILE);
  expect(l.findings).toEqual([]);
  return l.document.toJS() as Record<string, unknown>;
}

/** Step ids of the list at `path` of the data. */
function ids(d: unknown, path: readonly (string | number)[]): unknown[] {
  let v: unknown = d;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return (v as { id?: unknown }[]).map((s) => s.id ?? Object.keys(s)[0]);
}

const TOP = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const NESTED = ['steps', 11, 'opt', 'steps', 0, 'loop', 'steps', 0, 'alt', 1, 'steps'];
const step = (id: string) => ({
  id,
  message: { sip: 'INFO', from: 'clientA', to: 'coreA' },
  headers: { 'Content-Type': 'application/vnd.example' },
});

describe('insertStep', () => {
  it('inserts a step in the house style above the comment of the step it precedes', () => {
    const out = insertStep(ed, ['steps'], 5, step('5a')).text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: [],
      added: [
        '  - id: 5a',
        '    message: { sip: INFO, from: clientA, to: coreA }',
        '    headers:',
        '      Content-Type: application/vnd.example',
      ],
    });
    expect(out).toContain(
      '      Content-Type: application/vnd.example\n  # Dialog between PoC Server A',
    );
    expect(ids(data(out), ['steps'])).toEqual([...TOP.slice(0, 5), '5a', ...TOP.slice(5)]);
  });

  it('appends at the end of a list and inside a nested operand', () => {
    const end = insertStep(ed, ['steps'], 12, step('13')).text;
    expect(ids(data(end), ['steps'])).toEqual([...TOP, '13']);
    expect(lineDiff(TEXT, end).removed).toEqual([]);
    const nested = insertStep(ed, NESTED, 0, step('x')).text;
    const d = data(nested);
    expect(ids(d, NESTED)).toEqual(['x', 'message']);
    expect(lineDiff(TEXT, nested).added[0]).toBe('                      - id: x');
    expect(commentLines(nested)).toEqual(commentLines(TEXT));
  });

  it('inserts into a list written in flow style', () => {
    const out = insertStep(
      ed,
      ['steps', 11, 'opt', 'steps', 0, 'loop', 'steps', 0, 'alt', 0, 'steps'],
      1,
      step('y'),
    ).text;
    expect(
      ids(data(out), ['steps', 11, 'opt', 'steps', 0, 'loop', 'steps', 0, 'alt', 0, 'steps']),
    ).toEqual(['ref', 'y']);
  });

  it('refuses a position outside the list', () => {
    expect(() => insertStep(ed, ['steps'], 13, step('z'))).toThrow(FlowEditError);
  });
});

describe('moveStep', () => {
  it('moves a step with the comment above it, every line kept', () => {
    const out = moveStep(ed, ['steps', 5], ['steps'], 1).text;
    expect(ids(data(out), ['steps'])).toEqual([
      '1',
      '6',
      '2',
      '3',
      '4',
      '5',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
    ]);
    expect(out).toContain(
      '  # Dialog between PoC Server A and PoC Server X: the B2BUA releases its other leg.\n  - id: "6"',
    );
    // Same depth: the same lines, in another order.
    expect([...out.split('\n')].sort()).toEqual([...LINES].sort());
  });

  it('moves a step into a deeper list, shifted to its depth', () => {
    const out = moveStep(ed, ['steps', 3], ['steps', 11, 'opt', 'steps'], 0).text;
    const d = data(out);
    expect(ids(d, ['steps'])).toEqual(TOP.filter((s) => s !== '4'));
    expect(ids(d, ['steps', 10, 'opt', 'steps'])).toEqual(['4', 'loop']);
    expect(out).toContain(
      '        - id: "4"\n          title: SIP 200 "OK" response (from the PoC Server A to the SIP/IP Core A)\n',
    );
    expect(commentLines(out)).toEqual(commentLines(TEXT));
  });

  it('moves a step out of a nested list to the top level', () => {
    const out = moveStep(ed, [...NESTED, 0], ['steps'], 0).text;
    const d = data(out);
    expect(ids(d, ['steps'])[0]).toBe('message');
    // step 12 is now item 12: the moved step went in before it
    expect(ids(d, ['steps', 12, ...NESTED.slice(2)])).toEqual([]);
    expect(out).toContain('                    steps: []\n');
    expect(out).toContain(
      '  # the pre-established case: MBCP instead of SIP\n  - message: { mbcp: Disconnect',
    );
  });

  it('refuses to move a step into itself', () => {
    expect(() => moveStep(ed, ['steps', 11], ['steps', 11, 'opt', 'steps'], 0)).toThrow(
      FlowEditError,
    );
  });
});

describe('wrapSteps', () => {
  const region = (out: string): void => {
    // Outside the wrapped steps, the text is as it was.
    const d = lineDiff(TEXT, out);
    expect(d.removed.every((l) => LINES.includes(l))).toBe(true);
    expect(commentLines(out)).toEqual(commentLines(TEXT));
  };

  it('wraps steps in an alt with an empty else operand', () => {
    const out = wrapSteps(ed, ['steps'], 5, 11, {
      kind: 'alt',
      guard: "participant.mode == 'b2bua'",
      decidedBy: 'serverA',
      id: '6-11',
    }).text;
    const d = data(out);
    expect(ids(d, ['steps'])).toEqual(['1', '2', '3', '4', '5', '6-11', '12']);
    expect(ids(d, ['steps', 5, 'alt', 0, 'steps'])).toEqual(['6', '7', '8', '9', '10', '11']);
    expect((d['steps'] as Record<string, unknown>[])[5]).toMatchObject({
      decidedBy: 'serverA',
      alt: [{ guard: "participant.mode == 'b2bua'" }, { guard: 'else', steps: [] }],
    });
    expect(out).toContain('      Privacy: id   # normative\n');
    region(out);
  });

  it('wraps steps in an opt and in a loop', () => {
    const opt = wrapSteps(ed, ['steps'], 1, 3, {
      kind: 'opt',
      guard: 'session.interworked',
      decidedBy: 'clientA',
    }).text;
    expect(ids(data(opt), ['steps', 1, 'opt', 'steps'])).toEqual(['2', '3']);
    region(opt);
    const loop = wrapSteps(ed, ['steps'], 6, 8, {
      kind: 'loop',
      over: 'session.participants',
      as: 'p',
    }).text;
    const d = data(loop);
    expect(ids(d, ['steps', 6, 'loop', 'steps'])).toEqual(['7', '8']);
    expect((d['steps'] as Record<string, unknown>[])[6]).toMatchObject({
      loop: { over: 'session.participants', as: 'p' },
    });
    region(loop);
  });

  it('wraps steps in a par, one operand per step', () => {
    const out = wrapSteps(ed, ['steps'], 1, 3, { kind: 'par' }).text;
    const d = data(out);
    const par = (d['steps'] as Record<string, unknown>[])[1]?.['par'] as unknown[][];
    expect(par.map((o) => o.map((s) => (s as { id: string }).id))).toEqual([['2'], ['3']]);
    region(out);
  });

  it('refuses a par of one step and a range outside the list', () => {
    expect(() => wrapSteps(ed, ['steps'], 1, 2, { kind: 'par' })).toThrow(FlowEditError);
    expect(() => wrapSteps(ed, ['steps'], 10, 14, { kind: 'par' })).toThrow(FlowEditError);
  });
});

describe('renameParticipant', () => {
  it('renames every reference, and only those', () => {
    const out = renameParticipant(ed, 'serverX', 'pocServerX').text;
    const diff = lineDiff(TEXT, out);
    const changed = out.split('\n').filter((l, i) => l !== LINES[i]);
    expect(out.split('\n')).toHaveLength(LINES.length);
    expect(changed).toEqual(
      LINES.filter((l) => /\bserverX\b/.test(l)).map((l) =>
        // the bind keys name the other flow's participants: they stay
        l.replace(/(?<!bind: \{ )\bserverX\b/g, 'pocServerX'),
      ),
    );
    expect(diff.removed.length).toBeGreaterThan(0);
    expect(out).not.toMatch(/\bserverX\b/);
    const d = data(out);
    expect(Object.keys(d['participants'] as object)).toContain('pocServerX');
    expect((d['steps'] as Record<string, unknown>[])[11]).toMatchObject({
      decidedBy: 'pocServerX',
    });
  });

  it('keeps bind keys, which belong to the referenced flow', () => {
    const out = renameParticipant(ed, 'clientB', 'member').text;
    expect(out).toContain('bind: { server: serverX, client: member }');
    expect(out).toContain(
      '  member: { role: poc-client, label: PoC Client B, network: B, multiple: true }',
    );
  });

  it('renames in a precondition bind and in a state step', () => {
    const withBind = setValue(ed, ['steps', 0, 'bind'], { clientA: 'clientA' });
    const out = renameParticipant(withBind, 'clientA', 'ue').text;
    expect(out).toContain('    at: [ue, serverA, serverX]');
    expect(out).toContain('      clientA: ue');
  });

  it('refuses an unknown, taken or malformed name', () => {
    expect(() => renameParticipant(ed, 'nobody', 'x')).toThrow(FlowEditError);
    expect(() => renameParticipant(ed, 'coreA', 'coreX')).toThrow(/already a participant/);
    expect(() => renameParticipant(ed, 'coreA', 'core A')).toThrow(/not an identifier/);
  });
});
