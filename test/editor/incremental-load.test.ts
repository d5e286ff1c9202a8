import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildDiagram,
  createDiagramCache,
  type DiagramCache,
} from '../../generator/api/diagram-builder.js';
import { createIncrementalLoader } from '../../generator/api/incremental-load.js';
import { loadFlowText, type LoadedFlow } from '../../generator/load/load-flow.js';

const FIGURE_16 = 'flows/poc/leave-on-demand.flow.yaml';

/** Everything the editor reads of a load: model, findings, diagram, as comparable text. */
function outcome(l: LoadedFlow, cache?: DiagramCache): string {
  const replacer = (_k: string, v: unknown): unknown =>
    v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v] : v;
  return JSON.stringify(
    {
      flow: l.flow,
      findings: l.findings,
      diagram: l.flow ? buildDiagram(l.flow, l.document, cache) : undefined,
    },
    replacer,
  );
}

/** A flow of `n` OPTIONS/200 pairs between four proxies, one step written in block style. */
function syntheticFlow(n: number): string {
  const lines = ['id: test.incremental', 'title: Incremental load', 'participants:'];
  for (let i = 0; i < 4; i++)
    lines.push(`  p${i}: { role: sip-core, label: Node ${i}, mode: proxy }`);
  lines.push('steps:');
  for (let k = 0; k < n; k++) {
    const a = k % 4;
    const b = (k + 1) % 4;
    lines.push(`  # pair ${k}`);
    if (k === 1)
      lines.push(
        `  - id: "${2 * k + 1}"`,
        '    message:',
        `      from: p${a}`,
        `      to: p${b}`,
        '      sip: OPTIONS',
      );
    else
      lines.push(`  - id: "${2 * k + 1}"`, `    message: { sip: OPTIONS, from: p${a}, to: p${b} }`);
    lines.push(
      `  - id: "${2 * k + 2}"`,
      `    answers: "${2 * k + 1}"`,
      `    message: { sip: 200 OK, from: p${b}, to: p${a} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One edit as a keystroke or a paste makes it: replace `remove` characters at `at` by `insert`. */
const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 3 }),
  insert: fc.oneof(
    // Keystrokes that keep the flow loading (the common case), then ones that break its shape.
    { arbitrary: fc.constantFrom('S', 'x', 'a', '1', 'INFO'), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '\n',
        ':',
        '-',
        '"',
        '#',
        '\n  - id: "99"\n',
        '    ',
        '{',
      ),
      weight: 2,
    },
  ),
});

function apply(text: string, e: { at: number; remove: number; insert: string }): string {
  const at = e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(at + e.remove);
}

describe('the incremental loader and the diagram cache', () => {
  it('splices a keystroke inside one step and agrees with a full load', () => {
    const text = syntheticFlow(40);
    const loader = createIncrementalLoader();
    loader.load(text, 'flows/x.flow.yaml');
    const at = text.indexOf('sip: OPTIONS\n') + 'sip: OPTIONS'.length;
    const edited = `${text.slice(0, at - 1)}${text.slice(at)}`;
    const l = loader.load(edited, 'flows/x.flow.yaml');
    expect(loader.last).toBe('spliced');
    expect(l.flow?.steps[2]).toMatchObject({ kind: 'message', message: { method: 'OPTION' } });
    expect(outcome(l)).toBe(outcome(loadFlowText(edited, 'flows/x.flow.yaml')));
    expect(loader.load(edited, 'flows/x.flow.yaml')).toBe(l);
    expect(loader.last).toBe('cached');
  });

  it.each([
    ['a synthetic flow', syntheticFlow(12)],
    ['Figure 16', undefined],
  ])('gives what a full load gives after any series of edits (%s)', async (_name, given) => {
    const start = given ?? (await readFile(FIGURE_16, 'utf8'));
    let spliced = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 12 }), (edits) => {
        const loader = createIncrementalLoader();
        let text = start;
        loader.load(text, FIGURE_16);
        for (const e of edits) {
          text = apply(text, e);
          expect(outcome(loader.load(text, FIGURE_16))).toBe(
            outcome(loadFlowText(text, FIGURE_16)),
          );
          if (loader.last === 'spliced') spliced++;
        }
      }),
      { numRuns: 60 },
    );
    // Some edits land inside a step and keep it loading: the property checks splices too.
    expect(spliced).toBeGreaterThan(0);
  });

  it('builds again the row of a step whose relayed message changed', async () => {
    const text = await readFile(FIGURE_16, 'utf8');
    const loader = createIncrementalLoader();
    const cache = createDiagramCache();
    const label = (t: string, step: string): string | undefined => {
      const l = loader.load(t, FIGURE_16);
      if (!l.flow) throw new Error(l.findings[0]?.message);
      const row = buildDiagram(l.flow, l.document, cache).rows.find((r) => r.stepId === step);
      return row?.kind === 'message' ? row.label : undefined;
    };
    expect(label(text, '3')).toBe('BYE');
    // Step 3 relays step 2: its own text is unchanged, its arrow follows step 2.
    expect(label(text.replace('sip: BYE, from: clientA', 'sip: INFO, from: clientA'), '3')).toBe(
      'INFO',
    );
    expect(loader.last).toBe('spliced');
  });

  it('orders the rows again when an edit changes what the order depends on', () => {
    const head = ['id: test.order', 'title: Order', 'participants:'];
    for (let i = 0; i < 4; i++) head.push(`  p${i}: { role: sip-core, label: Node ${i} }`);
    const text = (after: string): string =>
      [
        ...head,
        'steps:',
        '  - id: "1"',
        `    after: "${after}"`,
        '    message: { sip: OPTIONS, from: p2, to: p3 }',
        '  - id: "2"',
        '    message: { sip: OPTIONS, from: p0, to: p1 }',
        '  - id: "3"',
        '    message: { sip: 200 OK, from: p1, to: p0 }',
        '  - id: "4"',
        '    message: { sip: 200 OK, from: p3, to: p2 }',
        '',
      ].join('\n');
    const loader = createIncrementalLoader();
    const cache = createDiagramCache();
    const rows = (t: string): string[] => {
      const l = loader.load(t, 'flows/x.flow.yaml');
      if (!l.flow) throw new Error(l.findings[0]?.message);
      return buildDiagram(l.flow, l.document, cache).rows.map((r) => r.stepId);
    };
    // Step 1 waits for step 2, then for step 3: one character apart.
    expect(rows(text('2'))).toEqual(['2', '1', '3', '4']);
    expect(rows(text('3'))).toEqual(['2', '3', '1', '4']);
    expect(loader.last).toBe('spliced');
    expect(rows(text('2'))).toEqual(['2', '1', '3', '4']);
  });

  it('loads a step that an edit moved out of the sequence in full', () => {
    const text = syntheticFlow(6);
    const loader = createIncrementalLoader();
    loader.load(text, 'flows/x.flow.yaml');
    const at = text.indexOf('  - id: "4"');
    const broken = `${text.slice(0, at)}ids: 3\n${text.slice(at)}`;
    const l = loader.load(broken, 'flows/x.flow.yaml');
    expect(loader.last).toBe('full');
    expect(l.flow).toBeUndefined();
    expect(outcome(l)).toBe(outcome(loadFlowText(broken, 'flows/x.flow.yaml')));
  });
});
