import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDiagram } from '../../generator/api/diagram-builder.js';
import { loadFlowText } from '../../generator/load/load-flow.js';
import { LAYOUT, layoutDiagram, rowAtLine } from '../../renderer/diagram/layout.js';
import { minimalEdit } from '../../renderer/editor/text-diff.js';
import { diagramToSvg } from '../../renderer/diagram/diagram-svg.js';

const FILE = 'flows/poc/leave-on-demand.flow.yaml';
const TEXT = readFileSync(FILE, 'utf8');

function figure16() {
  const loaded = loadFlowText(TEXT, FILE);
  if (!loaded.flow) throw new Error('Figure 16 does not load');
  return buildDiagram(loaded.flow, loaded.document);
}

describe('the diagram layout', () => {
  it('puts rows top to bottom and lifelines left to right', () => {
    const model = figure16();
    const lay = layoutDiagram(model);
    const xs = lay.lifelines.map((l) => l.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (let i = 1; i < lay.rowY.length; i++)
      expect(lay.rowY[i] ?? 0).toBeGreaterThanOrEqual((lay.rowY[i - 1] ?? 0) + LAYOUT.rowHeight);
    const step2 = lay.messages.find((m) => m.row.stepId === '2');
    expect(step2?.x1).toBe(xs[0]);
    expect(step2?.x2).toBe(xs[1]);
  });

  it('nests fragment boxes inside each other', () => {
    const lay = layoutDiagram(figure16());
    const [opt, loop, alt] = lay.fragments;
    if (!opt || !loop || !alt) throw new Error('three fragments expected');
    for (const [outer, inner] of [
      [opt, loop],
      [loop, alt],
    ] as const) {
      expect(inner.x).toBeGreaterThan(outer.x);
      expect(inner.y).toBeGreaterThan(outer.y);
      expect(inner.x + inner.width).toBeLessThan(outer.x + outer.width);
      expect(inner.y + inner.height).toBeLessThan(outer.y + outer.height);
    }
    expect(alt.separators).toHaveLength(1);
  });

  it('finds the step of a YAML line', () => {
    const model = figure16();
    const line = TEXT.split('\n').findIndex((l) => l.includes('id: "7"')) + 1;
    const key = rowAtLine(model, line + 2);
    expect(model.rows.find((r) => r.key === key)?.stepId).toBe('7');
  });

  it('draws the same picture as SVG', () => {
    const svg = diagramToSvg(figure16());
    expect(svg).toContain('>PoC Client A</text>');
    expect(svg.match(/class="message"/g)).toHaveLength(10);
    expect(svg.match(/class="fragment"/g)).toHaveLength(3);
  });
});

describe('minimalEdit', () => {
  it('replaces only the changed middle', () => {
    expect(minimalEdit('sip: BYE, x', 'sip: CANCEL, x')).toEqual({
      start: 5,
      end: 8,
      text: 'CANCEL',
    });
    expect(minimalEdit('abc', 'abc')).toBeUndefined();
    expect(minimalEdit('aa', 'aaa')).toEqual({ start: 2, end: 2, text: 'a' });
  });
});
