import { describe, expect, it } from 'vitest';
import { linearizeOrder } from '../../generator/api/order-linearization.js';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import { computeOrder } from '../../generator/order/happens-before.js';

describe('the diagram linearisation', () => {
  it('gives the order linearisation of every flow of the project, loops twice and refs expanded too', async () => {
    const set = await loadFlowSet(['flows']);
    let checked = 0;
    for (const l of set.requested) {
      if (!l.flow) continue;
      for (const opts of [{}, { loopIterations: 2, resolve: (id: string) => set.index.get(id) }]) {
        const order = computeOrder(l.flow, opts);
        expect(linearizeOrder(order).map((e) => e.index)).toEqual(
          order.linearize().map((e) => e.index),
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
