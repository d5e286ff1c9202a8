/**
 * import-text on the five seed documents (../shared/seeds): every draft loads,
 * and the seeds' own mistakes are found on their lines, with the figure or
 * clause and the step. A few correct passages are checked to stay quiet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importText, type ImportResult } from '../../generator/import/import-text.js';
import { lintFlow, lintPeers } from '../../generator/lint/lint-flow.js';

const SEEDS = '../shared/seeds';
const SEED_FILES = {
  poc: '000_f13a8c633ab83c73.txt',
  cancel: '001_edac985639434858.txt',
  scscf: '002_2c315baadbcf8543.txt',
  cpmFigures: '003_4a09fd7b74d24bab.txt',
  cpmProcedures: '004_7fec4d8c1b7d7b73.txt',
} as const;

function run(name: string): ImportResult {
  const file = join(SEEDS, name);
  return importText(readFileSync(file, 'utf8'), file, '/tmp/flowspec-import-seeds');
}

/** rule, line, step, figure or clause. */
type Key = readonly [string, number, string | undefined, string];
const keys = (r: ImportResult): Key[] =>
  r.findings.map((f) => [f.rule, f.line, f.step, f.figure ?? f.clause ?? ''] as const);

/** The seed mistakes each document must show, where they are. */
const MISTAKES: Readonly<Record<keyof typeof SEED_FILES, readonly Key[]>> = {
  poc: [
    ['uri-whitespace', 49, '6', '16'], // "sip: PoC-Session-Identity1@..."
    ['text-actor-mismatch', 63, '7', '16'], // sentence: "The PoC Server A sends ..."
    ['text-ends-mismatch', 63, '7', '16'], // sentence: "... to SIP/IP Core A", drawn to SIP/IP Core X
    ['uri-whitespace', 66, '7', '16'],
    ['uri-whitespace', 83, '8', '16'],
    ['uri-params-unbracketed', 122, '2', '17'], // Refer-To: sip:...;method=BYE without "<" ">"
    ['header-name-no-colon', 124, '2', '17'], // "Target-Dialog"
    ['uri-whitespace', 131, '2', '17'], // "<sip:PoC-ClientAUserA@ networkA.net;...>", "< urn:gsma:...>"
    ['editing-residue', 157, '3', '17'], // "[bookmark: _GoBack]"
    ['uri-whitespace', 157, '3', '17'],
    ['status-not-a-status', 161, '4', '17'], // SIP 202 20O "AcceptedOK"
    ['status-not-a-status', 162, '4', '17'], // SIP 202 200 "AcceptedOK"
    ['status-not-a-status', 163, '5', '17'],
    ['identity-spelling', 169, '6', '17'], // PoCClientAPoC-UsertA vs PoCClientAPoC-UserA
    ['header-name-no-colon', 177, '6', '17'], // "Subscription-State"
    ['request-headers-differ', 227, '10', '17'], // the BYE towards PoC Server X lacks Figure 16's Privacy: id
    ['header-name-no-colon', 180, '6', '17'], // "Content-Type"
    ['figure-title-mismatch', 320, '1', '18'], // Figure 16 "Leaving a PoC Session establishment, originating flow"
    ['identity-spelling', 325, '2', '18'], // PoC-ServerB vs PoCServerB (Figure 19)
    ['uri-whitespace', 355, '8', '18'], // "sip:PoCClientBPoC-UsertB@networkB.net; gr=..."
    ['gruu-shared', 355, '8', '18'], // PoC Client B given PoC Client A's GRUU instance
    ['text-no-recipient', 369, '11', '18'], // "sends the 200 "OK" response the PoC Server B"
    ['figure-title-mismatch', 376, '1', '19'],
    ['identity-spelling', 381, '2', '19'],
    ['editing-residue', 410, 'B', '19'], // "theMBCP"
  ],
  cancel: [
    ['editing-residue', 13, undefined, '6.1.X.1'], // placeholder clause number
    ['editing-residue', 21, undefined, '6.2.X'], // split heading, placeholder
  ],
  scscf: [
    ['editing-residue', 19, '1', '5.4.5.1.2'], // "a Call-ID header, set to the Call-Id header value"
    ['derived-from-wrong-party', 93, '4', '5.4.5.1.2'], // Request-URI of the BYE to the calling user from the called user
    ['editing-residue', 115, '4', '5.4.5.1.2'], // "towards to"
  ],
  cpmFigures: [
    ['text-ends-mismatch', 24, '1', '9'], // "sends ... to CPM Client B": the hop goes to SIP/IP Core A
    ['text-ends-mismatch', 41, '1', '10'],
    ['range-hop-count', 59, '14', '10'], // "14-15": one hop from SIP/IP Core B to CPM Participating Function B
  ],
  cpmProcedures: [
    ['empty-numbering', 30, undefined, '8.2.2.3'], // "1. a. b. c. 2."
    ['empty-numbering', 36, undefined, '8.2.2.3'],
    ['numbering-gap', 46, '3', '8.2.2.3'], // the B2BUA list starts at 3
    ['editing-residue', 58, '4.c', '8.2.2.3'], // ”OK” opened with a closing quote
    ['empty-numbering', 91, undefined, '8.3.2.3'], // "1. d. 2."
    ['conditional-value-unconditional', 124, '3.c.ii', '8.3.2.3'], // Message-UID without allow-offline-storage
    ['response-from-wrong-party', 137, '4.b.iv', '8.3.2.3'], // 200 awaited from the CPM Client, BYE sent to the other CPM entity
  ],
};

const DRAFTS: Readonly<Record<keyof typeof SEED_FILES, readonly string[]>> = {
  poc: ['figure-16', 'figure-17', 'figure-18', 'figure-19'],
  cancel: ['clause-6-1-x-1', 'clause-6-2-x-1'],
  scscf: ['clause-5-4-5-1-2'],
  cpmFigures: ['figure-9', 'figure-10'],
  cpmProcedures: ['clause-8-2-2-3', 'clause-8-3-2-3'],
};

describe('import-text on the seed documents', () => {
  for (const [name, file] of Object.entries(SEED_FILES) as [keyof typeof SEED_FILES, string][]) {
    describe(file, () => {
      const r = run(file);

      it('writes a draft per figure or procedure, each loading without errors', () => {
        expect(r.flows.map((f) => f.id.replace(/^draft\.seed-\d+\./, ''))).toEqual(DRAFTS[name]);
        expect(r.flows.every((f) => f.flow !== undefined)).toBe(true);
        expect(r.findings.filter((f) => f.rule === 'schema')).toEqual([]);
      });

      it('finds the seed mistakes where they are', () => {
        const got = keys(r).map((k) => JSON.stringify(k));
        const missing = MISTAKES[name].filter((k) => !got.includes(JSON.stringify(k)));
        expect(missing).toEqual([]);
      });

      it('puts the document on every finding', () => {
        expect(new Set(r.findings.map((f) => f.document))).toEqual(new Set([file]));
      });
    });
  }

  it('does not flag what the seeds get right', () => {
    const cpm = keys(run(SEED_FILES.cpmFigures));
    // "9-14" retraces six hops and "9-10" two: both count right.
    expect(cpm.filter(([rule, , step]) => rule === 'range-hop-count' && step !== '14')).toEqual([]);
    const proc = keys(run(SEED_FILES.cpmProcedures));
    // 8.2.2.3 6.b.iv waits for the CPM Client, to which 6.b.i sent the BYE: correct.
    expect(
      proc.filter(
        ([rule, , , clause]) => rule === 'response-from-wrong-party' && clause === '8.2.2.3',
      ),
    ).toEqual([]);
    expect(proc.filter(([rule]) => rule === 'conditional-value-unconditional')).toHaveLength(1);
  });

  it('Figure 17: the NOTIFY and the BYE "at the same time" are the operands of a par', () => {
    const fig17 = run(SEED_FILES.poc).flows[1]?.flow;
    const par = fig17?.steps.find((x) => x.kind === 'par');
    if (par?.kind !== 'par') throw new Error('no par fragment in the Figure 17 draft');
    expect(par.operands.map((o) => o.map((x) => x.id))).toEqual([
      ['6', '7', '8', '9'],
      ['10', '11', '12', '13', '14', '15'],
    ]);
  });

  it('procedures start from their trigger: an indication, a CANCEL the 200 answers', () => {
    const scscf = run(SEED_FILES.scscf).flows[0]?.flow?.steps[0];
    expect(scscf).toMatchObject({
      id: 'trigger',
      kind: 'message',
      to: 'sCscf',
      message: { protocol: 'indication', name: 'release an existing multimedia session' },
    });
    const cancel = run(SEED_FILES.cancel).flows[1]?.flow?.steps;
    expect(
      cancel?.map((x) => (x.kind === 'message' ? [x.id, x.from, x.to, x.answers] : [x.id])),
    ).toEqual([
      ['trigger', 'pocServer', 'pocClient', undefined],
      ['1', 'pocClient', 'pocServer', 'trigger'],
      ['2', 'pocClient', 'pocServer', undefined],
      ['p32'],
    ]);
  });

  it('the drafts of Figure 10 and of 8.2.2.3 / 8.3.2.3, linted together, contradict each other', () => {
    const flows = [
      ...run(SEED_FILES.cpmFigures).flows,
      ...run(SEED_FILES.cpmProcedures).flows,
    ].flatMap((f) => (f.flow ? [f.flow] : []));
    const peers = lintPeers(flows);
    const conflicts = flows.flatMap((f) =>
      lintFlow(f, peers)
        .filter((x) => x.rule === 'role-behaviour-conflict')
        .map((x) => [f.id, x.step]),
    );
    expect(conflicts).toEqual([
      ['draft.seed-003.figure-10', '3'], // CPM Participating Function A answers at once ...
      ['draft.seed-003.figure-10', '8'], // ... and so does CPM Participating Function B
      ['draft.seed-004.clause-8-2-2-3', '4.c.iii'], // 8.2.2.3 answers after the onward BYE
      ['draft.seed-004.clause-8-3-2-3', '3.d.send'], // 8.3.2.3 likewise
    ]);
  });

  it('8.2.2.3: the branches by sender are an alt, each starting from the request received', () => {
    const steps = run(SEED_FILES.cpmProcedures).flows[0]?.flow?.steps ?? [];
    const alt = steps.find((x) => x.kind === 'alt');
    if (alt?.kind !== 'alt') throw new Error('no alt in the 8.2.2.3 draft');
    expect(alt.operands.map((o) => [o.guard, o.steps[0]?.id])).toEqual([
      ["trigger.from == 'served-client'", '4'],
      ["trigger.from == 'other-entity'", '5'],
      ["trigger.from == 'iwf'", '6'],
    ]);
  });
});
