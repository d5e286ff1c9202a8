import { describe, expect, it } from 'vitest';
import { slot, SlotMatches, type Match } from '../../generator/conformance/instance.js';
import { InstanceBindings } from '../../generator/conformance/participants.js';

function match(frame: number, differs = false): Match {
  return {
    frame,
    time: frame / 10,
    observed: undefined,
    diffs: differs ? [{ field: 'requestUri', expected: 'a', actual: 'b' }] : [],
    retransmissions: 0,
    loose: false,
  };
}

describe('an instance’s matches by slot', () => {
  it('answers as a map would, for first-iteration and loop slots alike', () => {
    const matches = new SlotMatches();
    const map = new Map<number, Match>();
    const keys = [slot(3, 0), slot(40, 0), slot(3, 2), slot(0, 0), slot(30, 0), slot(3, 0)];
    keys.forEach((key, i) => {
      const m = match(100 + i, i % 2 === 1);
      matches.set(key, m);
      map.set(key, m);
    });
    expect([...matches.keys()]).toEqual([...map.keys()]);
    expect(matches.size).toBe(map.size);
    for (const key of [...keys, slot(1, 0), slot(31, 0), slot(3, 1), slot(0, 1)]) {
      expect(matches.has(key)).toBe(map.has(key));
      expect(matches.get(key)).toEqual(map.get(key));
      expect(matches.frameOf(key)).toBe(map.get(key)?.frame ?? -1);
      expect(matches.clean(key)).toBe(map.get(key)?.diffs.length === 0);
    }
  });
});

describe('an instance’s bindings', () => {
  it('keeps one endpoint per participant, per iteration for a multiple one, SIP and media apart', () => {
    const b = new InstanceBindings(new Set(['clientB']));
    const a = { ip: '10.0.0.1', port: 5060 };
    const media = { ip: '10.0.0.1', port: 4000 };
    const b0 = { ip: '10.0.1.1', port: 5060 };
    const b1 = { ip: '10.0.1.2', port: 5060 };
    b.set('clientA', 0, a);
    b.set('clientA', 3, { ip: '10.9.9.9', port: 1 });
    b.set('clientA', 0, media, true);
    b.set('clientB', 0, b0);
    b.set('clientB', 1, b1);
    // A participant that is not multiple has one binding whatever the iteration.
    expect(b.get('clientA', 7)).toBe(a);
    expect(b.get('clientA', 7, true)).toBe(media);
    expect(b.get('clientB', 0)).toBe(b0);
    expect(b.get('clientB', 1)).toBe(b1);
    expect(b.get('clientB', 2)).toBeUndefined();
    expect(b.get('serverA', 0)).toBeUndefined();
    expect(b.all().map((x) => [x.participant, x.endpoint])).toEqual([
      ['clientA', a],
      ['clientA', media],
      ['clientB', b0],
      ['clientB', b1],
    ]);
    // Held by another participant, or by the same multiple one in another iteration.
    expect(b.heldByOther('clientA', 0, a)).toBe(false);
    expect(b.heldByOther('clientA', 0, b0)).toBe(true);
    expect(b.heldByOther('clientB', 0, b0)).toBe(false);
    expect(b.heldByOther('clientB', 1, b0)).toBe(true);
  });
});
