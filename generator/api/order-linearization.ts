/** A linearisation of a flow's partial order fast enough to run on every keystroke. */
import type { FlowEvent, PartialOrder } from '../order/happens-before.js';

/**
 * The order's linearisation ({@link PartialOrder.linearize}: at each point the
 * ready event of lowest index, so document order where the order allows; it
 * stops at a cycle through `after`), in O(n log n) with a heap of the ready
 * events, for flows of thousands of events analysed on each keystroke.
 */
export function linearizeOrder(order: PartialOrder): FlowEvent[] {
  const events = order.events;
  const waiting = new Array<number>(events.length).fill(0);
  const next: number[][] = events.map(() => []);
  for (const e of events)
    for (const p of order.predecessors(e.index)) {
      waiting[e.index] = (waiting[e.index] ?? 0) + 1;
      next[p]?.push(e.index);
    }
  const heap: number[] = [];
  const push = (x: number): void => {
    let i = heap.push(x) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if ((heap[up] ?? 0) <= x) break;
      heap[i] = heap[up] ?? 0;
      i = up;
    }
    heap[i] = x;
  };
  const pop = (): number => {
    const top = heap[0] ?? 0;
    const last = heap.pop() ?? 0;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && (heap[r] ?? 0) < (heap[l] ?? 0) ? r : l;
      if ((heap[c] ?? 0) >= last) break;
      heap[i] = heap[c] ?? 0;
      i = c;
    }
    heap[i] = last;
    return top;
  };
  for (const e of events) if (waiting[e.index] === 0) push(e.index);
  const out: FlowEvent[] = [];
  while (heap.length > 0) {
    const i = pop();
    const e = events[i];
    if (e) out.push(e);
    for (const s of next[i] ?? []) {
      waiting[s] = (waiting[s] ?? 0) - 1;
      if (waiting[s] === 0) push(s);
    }
  }
  return out;
}
