/**
 * Each imported figure draft next to its curated flow in flows/, step by
 * step: participants by label, direction, method or status, header names.
 * Every difference must be explained below (docs/import-text.md has the
 * table); a figure whose curated flow is not there yet shows as skipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importText } from '../../generator/import/import-text.js';
import { compareDraft, curatedFlows } from './curated-diff.js';

const SEEDS = '../shared/seeds';
const FIGURES: readonly { seed: string; figure: string }[] = [
  { seed: '000_f13a8c633ab83c73.txt', figure: '16' },
  { seed: '000_f13a8c633ab83c73.txt', figure: '17' },
  { seed: '000_f13a8c633ab83c73.txt', figure: '18' },
  { seed: '000_f13a8c633ab83c73.txt', figure: '19' },
  { seed: '003_4a09fd7b74d24bab.txt', figure: '9' },
  { seed: '003_4a09fd7b74d24bab.txt', figure: '10' },
];

/** Differences the curated flows make on purpose, by figure: the reason for each. */
const EXPLAINED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '17': {
    'step 6: headers draft [Content-Type, Subscription-State], curated [Content-Type, Event, Subscription-State]':
      'The curated NOTIFY carries Event: refer, required in every NOTIFY of a REFER (RFC 3515 2.4.5); Figure 17 does not print it.',
    'step 7: headers draft [Content-Type, Subscription-State], curated [Content-Type, Event, Subscription-State]':
      'As step 6 (relay of it).',
    'step 16: headers draft [Content-Type, Subscription-State], curated [Content-Type, Event, Subscription-State]':
      'As step 6: the final NOTIFY also carries Event: refer.',
    'step 17: headers draft [Content-Type, Subscription-State], curated [Content-Type, Event, Subscription-State]':
      'As step 16 (relay of it).',
  },
  '9': {
    'step 1: headers draft [], curated [Route]':
      'The curated BYE carries the route set of the dialog (Route: dialog.routeSet, RFC 3261 12.2.1.1), which takes it through CPM Participating Function A; Figure 9 prints no headers.',
  },
};

const curated = curatedFlows('flows');
const drafts = new Map(
  [...new Set(FIGURES.map((f) => f.seed))].map((seed) => {
    const file = join(SEEDS, seed);
    return [
      seed,
      importText(readFileSync(file, 'utf8'), file, '/tmp/flowspec-compare').flows,
    ] as const;
  }),
);

describe('imported drafts against the curated flows', () => {
  for (const { seed, figure } of FIGURES) {
    const draft = drafts.get(seed)?.find((f) => f.flow?.source?.figure === figure)?.flow;
    const flow = curated.find((c) => c.source?.document === seed && c.source.figure === figure);
    it('imports the figure', () => expect(draft).toBeDefined());
    it.skipIf(!flow)(
      `Figure ${figure}: every difference from ${flow?.file ?? 'its curated flow (not there yet)'} is explained`,
      () => {
        if (!draft || !flow) throw new Error(`Figure ${figure}: nothing to compare`);
        const differences = compareDraft(draft, flow);
        const unexplained = differences.filter((d) => EXPLAINED[figure]?.[d] === undefined);
        expect(unexplained).toEqual([]);
      },
    );
  }

  it('the comparison itself sees a difference when there is one', () => {
    const draft = drafts.get('000_f13a8c633ab83c73.txt')?.[0]?.flow;
    const other = drafts.get('000_f13a8c633ab83c73.txt')?.[2]?.flow;
    if (!draft || !other) throw new Error('drafts missing');
    expect(compareDraft(draft, other)).toContain(
      'step 2: draft PoC Client A -> SIP/IP Core A, curated PoC Server X -> SIP/IP Core X',
    );
  });
});
