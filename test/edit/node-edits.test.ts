/**
 * setValue and deleteNode on a full-size fixture: only the edited node's
 * lines change, byte for byte everything else (comments included) stays.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  deleteNode,
  editableFlow,
  FlowEditError,
  saveFlowText,
  setValue,
} from '../../generator/edit/index.js';
import { loadFlowText } from '../../generator/load/load-flow.js';
import { fixturePath } from '../validate/fixture-files.js';
import { lineDiff } from './text-diff.js';

const FILE = fixturePath('edit-sample');
const TEXT = readFileSync(FILE, 'utf8');
const ed = editableFlow(TEXT);

/** The edited text loads with no YAML or schema finding. */
function loadsClean(text: string): void {
  expect(loadFlowText(text, FILE).findings).toEqual([]);
}

describe('saveFlowText', () => {
  it('gives back the text unchanged when nothing was edited', () => {
    expect(saveFlowText(loadFlowText(TEXT, FILE))).toBe(TEXT);
  });

  it('writes a change made through the yaml Document API into the original text', () => {
    const loaded = loadFlowText(TEXT, FILE);
    loaded.document.setIn(['steps', 1, 'headers', 'Privacy'], 'none');
    loaded.document.setIn(['title'], 'Leaving a PoC Session');
    const saved = saveFlowText(loaded);
    expect(saved.split('\n').filter((l, i) => l !== TEXT.split('\n')[i])).toEqual([
      'title: Leaving a PoC Session',
      '      Privacy: none',
    ]);
  });
});

describe('setValue', () => {
  it('replaces a plain scalar in place', () => {
    const out = setValue(ed, ['steps', 1, 'headers', 'Privacy'], 'none').text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: ['      Privacy: id'],
      added: ['      Privacy: none'],
    });
  });

  it('keeps the comment after a value', () => {
    const out = setValue(ed, ['steps', 5, 'headers', 'Privacy'], 'none').text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: ['      Privacy: id   # normative'],
      added: ['      Privacy: none   # normative'],
    });
  });

  it('keeps the quoting of a quoted scalar', () => {
    const out = setValue(ed, ['steps', 1, 'id'], '2a').text;
    expect(lineDiff(TEXT, out)).toEqual({ removed: ['  - id: "2"'], added: ['  - id: "2a"'] });
  });

  it('edits a value inside a flow-style map in place', () => {
    const out = setValue(ed, ['participants', 'clientA', 'network'], 'B').text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: ['  clientA: { role: poc-client, label: PoC Client A, network: A }'],
      added: ['  clientA: { role: poc-client, label: PoC Client A, network: B }'],
    });
  });

  it('adds a key to a flow-style map, still in flow style', () => {
    const out = setValue(ed, ['steps', 1, 'message', 'sip'], 'CANCEL').text;
    expect(lineDiff(TEXT, out).added).toEqual([
      '    message: { sip: CANCEL, from: clientA, to: coreA }',
    ]);
    const added = setValue(ed, ['participants', 'serverX', 'mode'], 'b2bua').text;
    expect(lineDiff(TEXT, added)).toEqual({
      removed: ['  serverX: { role: poc-server-controlling, label: PoC Server X, network: X }'],
      added: [
        '  serverX: { role: poc-server-controlling, label: PoC Server X, network: X, mode: b2bua }',
      ],
    });
  });

  it('adds a new key at the end of a block map', () => {
    const out = setValue(ed, ['steps', 3, 'note'], 'Sent on the client leg.').text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: [],
      added: ['    note: Sent on the client leg.'],
    });
    expect(editableFlow(out).document.getIn(['steps', 3, 'note'])).toBe('Sent on the client leg.');
    loadsClean(out);
  });

  it('replaces a block collection with one in the house style', () => {
    const out = setValue(ed, ['steps', 1, 'headers'], {
      Privacy: 'id',
      Reason: { contains: 'cause=' },
    }).text;
    // The block is rewritten; its first lines come out as they were.
    expect(lineDiff(TEXT, out)).toEqual({
      removed: [],
      added: ['      Reason:', '        contains: cause='],
    });
    loadsClean(out);
  });

  it('creates missing parents', () => {
    const out = setValue(ed, ['steps', 3, 'headers', 'CSeq'], { pattern: '[0-9]+ BYE' }).text;
    expect(editableFlow(out).document.getIn(['steps', 3, 'headers', 'CSeq', 'pattern'])).toBe(
      '[0-9]+ BYE',
    );
    expect(lineDiff(TEXT, out).removed).toEqual([]);
    loadsClean(out);
  });
});

describe('deleteNode', () => {
  it('deletes a key with its block value', () => {
    const out = deleteNode(ed, ['steps', 1, 'headers']).text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: ['    headers:', '      Privacy: id'],
      added: [],
    });
  });

  it('deletes a list item and keeps the comment that belongs to the next one', () => {
    const lines = TEXT.split('\n');
    const from = lines.indexOf('  - id: "5"');
    const to = lines.indexOf('  - id: "6"');
    const out = deleteNode(ed, ['steps', 4]).text;
    const removed = lines
      .slice(from, to)
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    expect(lineDiff(TEXT, out)).toEqual({ removed, added: [] });
    expect(out).toContain('# Dialog between PoC Server A and PoC Server X');
    loadsClean(out);
  });

  it('deletes the first key of a list item, moving the next key onto its "- " line', () => {
    const out = deleteNode(ed, ['steps', 1, 'id']).text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: [
        '  - id: "2"',
        '    title: SIP BYE request (from the PoC Client A to the SIP/IP Core A)',
      ],
      added: ['  - title: SIP BYE request (from the PoC Client A to the SIP/IP Core A)'],
    });
  });

  it('deletes a key of a flow-style map', () => {
    const out = deleteNode(ed, ['participants', 'coreA', 'mode']).text;
    expect(lineDiff(TEXT, out)).toEqual({
      removed: ['  coreA: { role: sip-core, label: SIP/IP Core A, network: A, mode: proxy }'],
      added: ['  coreA: { role: sip-core, label: SIP/IP Core A, network: A }'],
    });
  });

  it('refuses a path that is not there', () => {
    expect(() => deleteNode(ed, ['steps', 99])).toThrow(FlowEditError);
  });
});
