/**
 * The counts of the waiting instances' ends (awaiting-ends.ts): a message is asked of the
 * waiting instances only when a count names its sender or receiver, or some instance rules
 * out nothing; counts follow each change of an instance and its leaving.
 */
import { describe, expect, it } from 'vitest';
import { AwaitingEnds } from '../../generator/conformance/awaiting-ends.js';
import type { ExpectedMessage } from '../../generator/conformance/expected.js';
import type { Instance, JoinEnds } from '../../generator/conformance/instance.js';

/** Stand-ins: the counts only hold instances and ask their ends of the function given. */
function instance(name: string): Instance {
  return { name } as unknown as Instance;
}

const BYE: readonly ExpectedMessage[] = [];
const OK: readonly ExpectedMessage[] = [];

function setup(): {
  awaiting: Set<Instance>;
  ends: Map<Instance, JoinEnds>;
  asked: Instance[];
  index: AwaitingEnds;
} {
  const awaiting = new Set<Instance>();
  const ends = new Map<Instance, JoinEnds>();
  const asked: Instance[] = [];
  const index = new AwaitingEnds(awaiting, (inst) => {
    asked.push(inst);
    const e = ends.get(inst);
    return e === undefined ? [] : e;
  });
  return { awaiting, ends, asked, index };
}

describe('AwaitingEnds', () => {
  it('lets through a message whose sender, or receiver of a pair without sender, is counted', () => {
    const { awaiting, ends, index } = setup();
    const a = instance('a');
    const b = instance('b');
    awaiting.add(a).add(b);
    ends.set(a, ['10.0.0.1', '10.0.0.2']);
    ends.set(b, [undefined, '10.0.0.3']);
    expect(index.mayTake('required', BYE, '10.0.0.1', '10.9.9.9')).toBe(true);
    expect(index.mayTake('required', BYE, '10.9.9.9', '10.0.0.3')).toBe(true);
    expect(index.mayTake('required', BYE, '10.9.9.9', '10.0.0.2')).toBe(false);
    // A receiver named beside a sender is no reason by itself (the sender decides first).
    expect(index.mayTake('required', BYE, '10.9.9.9', '10.9.9.8')).toBe(false);
  });

  it('counts each kind (mode and steps) apart, and an instance that rules out nothing in all', () => {
    const { awaiting, ends, index } = setup();
    const a = instance('a');
    awaiting.add(a);
    ends.set(a, ['10.0.0.1', undefined]);
    expect(index.mayTake('required', BYE, '10.9.9.9', '10.9.9.9')).toBe(false);
    const c = instance('c');
    awaiting.add(c);
    ends.set(c, null);
    index.note(c);
    expect(index.mayTake('required', BYE, '10.9.9.9', '10.9.9.9')).toBe(true);
    expect(index.mayTake('causal', OK, '10.9.9.9', '10.9.9.9')).toBe(true);
  });

  it('counts a changed instance again before the next message, and forgets one that leaves', () => {
    const { awaiting, ends, asked, index } = setup();
    const a = instance('a');
    awaiting.add(a);
    ends.set(a, ['10.0.0.1', undefined]);
    expect(index.mayTake('required', BYE, '10.0.0.1', '10.9.9.9')).toBe(true);
    // Its ends change (a participant bound elsewhere): only the note makes the counts follow.
    ends.set(a, ['10.0.0.4', undefined]);
    index.note(a);
    expect(index.mayTake('required', BYE, '10.0.0.1', '10.9.9.9')).toBe(false);
    expect(index.mayTake('required', BYE, '10.0.0.4', '10.9.9.9')).toBe(true);
    // Unchanged, it is not asked again.
    asked.length = 0;
    expect(index.mayTake('required', BYE, '10.0.0.4', '10.9.9.9')).toBe(true);
    expect(asked).toEqual([]);
    awaiting.delete(a);
    index.leave(a);
    expect(index.mayTake('required', BYE, '10.0.0.4', '10.9.9.9')).toBe(false);
  });

  it('ignores a noted instance that no longer waits', () => {
    const { awaiting, ends, index } = setup();
    const a = instance('a');
    awaiting.add(a);
    ends.set(a, ['10.0.0.1', undefined]);
    expect(index.mayTake('required', BYE, '10.0.0.1', '10.9.9.9')).toBe(true);
    awaiting.delete(a);
    index.note(a);
    expect(index.mayTake('required', BYE, '10.0.0.1', '10.9.9.9')).toBe(false);
  });
});
