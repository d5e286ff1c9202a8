/** A linearisation of a flow's partial order fast enough to run on every keystroke. */

/** An event of an order: its index is its position in the order's event list. */
interface Indexed {
  readonly index: number;
}

/**
 * A linearisation of a partial order: at each point the ready event of lowest
 * index, so document order where the order allows; events on or after a cycle
 * through `after` (reported by validation) are left out. O(n log n) with a
 * heap of the ready events, for flows of thousands of events analysed on each
 * keystroke and projected for every role.
 */
export function linearizeEvents<E extends Indexed>(
  events: readonly E[],
  predecessors: (index: number) => readonly number[],
): E[] {
  const waiting = new Array<number>(events.length).fill(0);
  const next: number[][] = events.map(() => []);
  for (const e of events)
    for (const p of predecessors(e.index)) {
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
  const out: E[] = [];
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
