/**
 * The engine's memory of finished instances' Call-IDs (generator/conformance/recent-keys.ts):
 * the same answers as a set of strings that forgets its oldest key past its capacity.
 */
import { describe, expect, it } from 'vitest';
import { hash53, RecentKeys } from '../../generator/conformance/recent-keys.js';

/** The reference: an insertion-ordered set whose oldest key goes past `capacity`. */
class Reference {
  private readonly keys: string[] = [];
  constructor(private readonly capacity: number) {}
  add(k: string): void {
    this.keys.push(k);
    if (this.keys.length > this.capacity) this.keys.shift();
  }
  delete(k: string): void {
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i] === k) this.keys[i] = '';
  }
  has(k: string): boolean {
    return k !== '' && this.keys.includes(k);
  }
}

describe('RecentKeys', () => {
  it('holds the last keys added, forgets the oldest first, and forgets a deleted one', () => {
    const r = new RecentKeys(3);
    for (const k of ['a@x', 'b@x', 'c@x']) r.add(k);
    expect(['a@x', 'b@x', 'c@x', 'd@x'].map((k) => r.has(k))).toEqual([true, true, true, false]);
    r.add('d@x');
    expect(r.has('a@x')).toBe(false);
    expect(r.has('d@x')).toBe(true);
    r.delete('c@x');
    expect(r.has('c@x')).toBe(false);
    // A key added again is held from its latest addition: the older entry leaving keeps it.
    r.add('b@x');
    r.add('e@x');
    expect(r.has('b@x')).toBe(true);
  });

  it('answers as the reference set through 200,000 random operations, deletions rebuilding its table', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const r = new RecentKeys(1000);
    const ref = new Reference(1000);
    let mismatches = 0;
    for (let i = 0; i < 200_000; i++) {
      const key = `${rand(5000)}-${rand(3)}@flowspec.test`;
      const op = rand(10);
      if (op < 6) {
        r.add(key);
        ref.add(key);
      } else if (op < 7) {
        r.delete(key);
        ref.delete(key);
      } else if (r.has(key) !== ref.has(key)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('hashes to 53 bits, differently for keys that differ in one character', () => {
    const a = hash53('1-0-0@flowspec.test');
    const b = hash53('1-0-1@flowspec.test');
    expect(a).not.toBe(b);
    expect(Number.isSafeInteger(a) && a > 0 && a < 2 ** 53).toBe(true);
    expect(() => new RecentKeys(0)).toThrow(/positive integer/);
  });
});
