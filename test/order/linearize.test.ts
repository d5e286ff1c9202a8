import { describe, expect, it } from 'vitest';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import { computeOrder, type PartialOrder } from '../../generator/order/happens-before.js';
import { linearizeEvents } from '../../generator/order/linearize.js';

/** The definition, step by step: the ready event of lowest index, until none is ready. */
function reference(order: PartialOrder): number[] {
  const done = new Set<number>();
  const out: number[] = [];
  for (;;) {
    const next = order.events.find(
      (e) => !done.has(e.index) && order.predecessors(e.index).every((p) => done.has(p)),
    );
    if (!next) return out;
    done.add(next.index);
    out.push(next.index);
  }
}

describe('the order linearisation', () => {
  it('gives the lowest ready event first for every flow of the project, loops twice and refs expanded too', async () => {
    const set = await loadFlowSet(['flows']);
    let checked = 0;
    for (const l of set.requested) {
      if (!l.flow) continue;
      for (const opts of [{}, { loopIterations: 2, resolve: (id: string) => set.index.get(id) }]) {
        const order = computeOrder(l.flow, opts);
        expect(order.linearize().map((e) => e.index)).toEqual(reference(order));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('takes document order where the order allows and leaves out a cycle and what follows it', () => {
    const events = [0, 1, 2, 3, 4].map((index) => ({ index }));
    const preds: Record<number, number[]> = { 0: [3], 1: [], 2: [1, 4], 3: [0], 4: [] };
    expect(linearizeEvents(events, (i) => preds[i] ?? []).map((e) => e.index)).toEqual([1, 4, 2]);
  });
});
