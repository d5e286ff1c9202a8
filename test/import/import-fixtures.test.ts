/**
 * import-text on small texts written for the test (test/fixtures/import):
 * the drafts it builds (participants, hops, relays and answers, ranges,
 * procedure items and derivations) and its exact findings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importText, type ImportResult } from '../../generator/import/import-text.js';
import type { MessageStep, Step } from '../../generator/model/flow-model.js';

function run(name: string, crlf = false): ImportResult {
  const file = `test/fixtures/import/${name}.txt`;
  const text = readFileSync(file, 'utf8');
  return importText(
    crlf ? text.replace(/\n/g, '\r\n') : text,
    file,
    '/tmp/flowspec-import-fixtures',
  );
}

const findingKeys = (r: ImportResult): (string | number | undefined)[][] =>
  r.findings.map((f) => [f.rule, f.severity, f.line, f.step, f.figure ?? f.clause]);

const steps = (r: ImportResult, i: number): readonly Step[] => r.flows[i]?.flow?.steps ?? [];
const message = (s: Step | undefined): MessageStep => {
  if (s?.kind !== 'message') throw new Error(`not a message step: ${s?.id ?? 'none'}`);
  return s;
};

describe('import-text on a figure step list and a prose figure', () => {
  const r = run('figures');

  it('writes one draft per figure, each loading without errors', () => {
    expect(r.flows.map((f) => [f.id, f.file, f.steps])).toEqual([
      ['draft.seed-figures.figure-5', '/tmp/flowspec-import-fixtures/figure-5.flow.yaml', 5],
      ['draft.seed-figures.figure-6', '/tmp/flowspec-import-fixtures/figure-6.flow.yaml', 6],
    ]);
    expect(r.flows.every((f) => f.flow !== undefined)).toBe(true);
    expect(r.findings.filter((f) => f.rule === 'schema')).toEqual([]);
  });

  it('guesses participants and roles from the labels', () => {
    const p = [...(r.flows[0]?.flow?.participants.values() ?? [])];
    expect(p.map((x) => [x.id, x.role, x.label, x.network])).toEqual([
      ['pocClientA', 'poc-client', 'PoC Client A', 'A'],
      ['sipIpCoreA', 'sip-core', 'SIP/IP Core A', 'A'],
      ['pocServerA', 'poc-server-participating', 'PoC Server A', 'A'],
    ]);
  });

  it('infers relays and answers, keeps examples and MBCP messages', () => {
    const s = steps(r, 0);
    expect(s.map((x) => x.id)).toEqual(['1', '2', '3', '4', 'A']);
    const one = message(s[0]);
    expect(one.requestUri?.example).toBe('sip:session@PoC-ServerA.networkA.net;gr');
    expect(one.headers.map((h) => [h.name, h.values[0]?.example])).toEqual([
      ['Privacy', 'id'],
      ['Target-Dialog', 'abc; remote-tag=1; local-tag=2'],
    ]);
    expect(message(s[1]).relays).toBe('1');
    expect(message(s[2]).answers).toBe('2');
    expect(message(s[3]).relays).toBe('3');
    expect(message(s[4]).message).toEqual({ protocol: 'mbcp', name: 'Disconnect' });
  });

  it('expands a range into the hops of the way back and keeps the numbering', () => {
    const s = steps(r, 1).map(message);
    expect(s.map((x) => [x.id, x.from, x.to, x.specStep])).toEqual([
      ['1', 'cpmClientA', 'sipIpCoreA', undefined],
      ['2', 'sipIpCoreA', 'sipIpCoreB', undefined],
      ['3', 'sipIpCoreB', 'cpmClientB', undefined],
      ['4', 'cpmClientB', 'sipIpCoreB', undefined],
      ['5', 'sipIpCoreB', 'sipIpCoreA', '5-7'],
      ['6', 'sipIpCoreA', 'cpmClientA', '5-7'],
    ]);
  });

  it('reports exactly the mistakes of the text, on their lines', () => {
    expect(findingKeys(r)).toEqual([
      ['header-name-no-colon', 'warning', 14, '1', '5'],
      ['text-actor-mismatch', 'warning', 22, '4', '5'],
      ['figure-title-mismatch', 'warning', 24, 'A', '5'],
      ['text-ends-mismatch', 'warning', 26, '1', '6'],
      ['range-hop-count', 'warning', 31, '5', '6'],
    ]);
  });
});

describe('import-text on numbered procedures', () => {
  const r = run('procedures');

  it('writes one draft per clause with items', () => {
    expect(r.flows.map((f) => [f.id, f.steps])).toEqual([
      ['draft.seed-procedures.clause-7-1-1', 7],
      ['draft.seed-procedures.clause-7-1-2', 1],
    ]);
  });

  it('numbers the items as the text nests them and types them', () => {
    const s = steps(r, 0);
    expect(s.map((x) => [x.id, x.kind, x.source?.step])).toEqual([
      ['2', 'action', '2'],
      ['3', 'message', '3'],
      ['3.a', 'action', '3.a'],
      ['3.b', 'message', '3.b'],
      ['3.d', 'state', '3.d'],
      ['3.e', 'message', '3.e'],
      ['3.e.send', 'message', '3.e'],
    ]);
  });

  it('turns the dash list into derived values', () => {
    const bye = message(steps(r, 1)[0]);
    expect(bye.to).toBe('callingUe');
    expect(bye.requestUri?.constraint).toMatchObject({
      kind: 'derived',
      expression: 'dialog.called.contact',
    });
    expect(bye.headers.map((h) => [h.name, h.values[0]?.constraint.kind])).toEqual([
      ['CSeq', 'derived'],
    ]);
  });

  it('reports exactly the mistakes of the text, on their lines', () => {
    expect(findingKeys(r)).toEqual([
      ['empty-numbering', 'warning', 6, undefined, '7.1.1'],
      ['numbering-gap', 'warning', 12, '2', '7.1.1'],
      ['numbering-gap', 'warning', 16, '3.d', '7.1.1'],
      ['conditional-value-unconditional', 'error', 16, '3.d', '7.1.1'],
      ['response-from-wrong-party', 'error', 17, '3.e', '7.1.1'],
      ['editing-residue', 'warning', 18, undefined, '7.1.2'],
      ['derived-from-wrong-party', 'error', 27, '1', '7.1.2'],
    ]);
  });
});

describe('import-text on a step list with spaces after the numbers', () => {
  for (const crlf of [false, true]) {
    it(`reads the headings and answers${crlf ? ' (CRLF line ends)' : ''}`, () => {
      const r = run('spaced', crlf);
      const s = steps(r, 0).map(message);
      expect(s.map((x) => [x.id, x.from, x.to, x.answers])).toEqual([
        ['1', 'pocClientA', 'sipIpCoreA', undefined],
        ['2', 'sipIpCoreA', 'pocClientA', '1'],
      ]);
      expect(s[1]?.text).toBe(
        'The SIP/IP Core A sends the SIP 200 "OK" response to the PoC Client A.',
      );
      expect(r.findings).toEqual([]);
    });
  }
});
