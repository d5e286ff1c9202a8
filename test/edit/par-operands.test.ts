/**
 * Edits of par operands in both ways of writing them: flow-style lists
 * (`- [ { id: "6", ... } ]`, as in DESIGN.md) and nested block lists
 * (`- - id: "12"`), whose first item shares its line with the operand's "-".
 */
import { describe, expect, it } from 'vitest';
import {
  deleteNode,
  editableFlow,
  insertStep,
  moveStep,
  setValue,
  wrapSteps,
} from '../../generator/edit/index.js';
import { loadFlowText } from '../../generator/load/load-flow.js';
import type { StepDocument } from '../../generator/model/flow-schema.js';
import { commentLines, lineDiff } from './text-diff.js';

const TEXT = `id: t.par
title: t
participants:
  a: { role: poc-client, label: A }
  b: { role: sip-core, label: B }
steps:
  # Figure 17, steps 6 and 10: "at the same time"
  - par:
      - [ { id: "6", message: { sip: NOTIFY, from: a, to: b } } ]
      - [ { id: "10", message: { sip: BYE, from: a, to: b } } ]
  - id: "11"
    message: { sip: INFO, from: a, to: b }
  - par:
      - - id: "12"
          message: { sip: INFO, from: a, to: b }
        - id: "13"
          message: { sip: INFO, from: a, to: b }
      - - id: "14"
          message: { sip: INFO, from: b, to: a }
`;
const ed = editableFlow(TEXT);
const info = (id: string): StepDocument =>
  ({ id, message: { sip: 'INFO', from: 'a', to: 'b' } }) as StepDocument;

/** Step ids of every par operand and the top list, after loading clean. */
function shape(text: string): unknown {
  const l = loadFlowText(text, 't.flow.yaml');
  expect(l.findings).toEqual([]);
  const ids = (list: { id?: string; par?: { id: string }[][] }[]): unknown[] =>
    list.map((s) => (s.par ? s.par.map((o) => ids(o)) : s.id));
  return ids((l.document.toJS() as { steps: never[] }).steps);
}

describe('par operands', () => {
  it('inserts into a flow-style operand, which stays one line', () => {
    const out = insertStep(ed, ['steps', 0, 'par', 0], 1, info('7')).text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: ['      - [ { id: "6", message: { sip: NOTIFY, from: a, to: b } } ]'],
      added: [
        '      - [ { id: "6", message: { sip: NOTIFY, from: a, to: b } }, { id: "7", message: { sip: INFO, from: a, to: b } } ]',
      ],
    });
    expect(shape(out)).toEqual([[['6', '7'], ['10']], '11', [['12', '13'], ['14']]]);
  });

  it('moves a step into a flow-style operand and out of a block operand', () => {
    const into = moveStep(ed, ['steps', 1], ['steps', 0, 'par', 1], 0).text;
    expect(shape(into)).toEqual([
      [['6'], ['11', '10']],
      [['12', '13'], ['14']],
    ]);
    const out = moveStep(ed, ['steps', 2, 'par', 0, 0], ['steps'], 1).text;
    expect(shape(out)).toEqual([[['6'], ['10']], '12', '11', [['13'], ['14']]]);
    expect(out).toContain('      - - id: "13"\n          message: { sip: INFO, from: a, to: b }\n');
  });

  it('inserts before the first step of a block operand, on its "-" line', () => {
    const out = insertStep(ed, ['steps', 2, 'par', 1], 0, info('15')).text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: ['      - - id: "14"'],
      added: [
        '      - - id: "15"',
        '          message: { sip: INFO, from: a, to: b }',
        '        - id: "14"',
      ],
    });
    expect(shape(out)).toEqual([
      [['6'], ['10']],
      '11',
      [
        ['12', '13'],
        ['15', '14'],
      ],
    ]);
  });

  it('empties an operand by deleting its only step', () => {
    const out = deleteNode(ed, ['steps', 2, 'par', 1, 0]).text;
    expect(out).toContain('      - []\n');
    expect(shape(out)).toEqual([[['6'], ['10']], '11', [['12', '13'], []]]);
  });

  it('wraps a step and a par in an opt, the par shifted as a whole', () => {
    const out = wrapSteps(ed, ['steps'], 1, 3, {
      kind: 'opt',
      guard: 'session.interworked',
      decidedBy: 'a',
    }).text;
    expect(out).toContain(
      '        - par:\n            - - id: "12"\n                message: { sip: INFO, from: a, to: b }\n',
    );
    const l = loadFlowText(out, 't.flow.yaml');
    expect(l.findings).toEqual([]);
    expect(commentLines(out)).toEqual(commentLines(TEXT));
  });

  it('adds a multi-line root value as a block scalar', () => {
    const out = setValue(ed, ['description'], 'A flow\nwith two lines').text;
    expect(out.endsWith('description: |-\n  A flow\n  with two lines\n')).toBe(true);
    expect(editableFlow(out).document.get('description')).toBe('A flow\nwith two lines');
  });
});
