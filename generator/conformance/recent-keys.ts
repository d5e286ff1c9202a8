/**
 * The most recent N keys of a stream (the Call-IDs of finished instances,
 * to count their late messages), kept as 53-bit hashes in typed arrays: on
 * a capture of hundreds of thousands of sessions the engine remembers a
 * hundred thousand Call-IDs, and as strings in a Set they were hundreds of
 * thousands of objects the garbage collector marked over and over. Two keys
 * share a hash with a probability of about N / 2^53 per lookup.
 */

/** Slot values of the table besides a hash (hashes are at least 1). */
const EMPTY = 0;
const DELETED = -1;

/** The state of the hash {@link hashStart} begins: two 32-bit FNV-1a with different offsets. */
let hashA = 0;
let hashB = 0;

/**
 * A 53-bit hash of a string, or of its part from `start` to `end` (two 32-bit FNV-1a with
 * different offsets), never 0.
 */
export function hash53(s: string, start = 0, end = s.length): number {
  hashStart();
  feed(s, start, end);
  return hashEnd();
}

/**
 * Begins a {@link hash53} of several parts (texts and numbers, fed by {@link hashPart} and
 * {@link hashNumber}), ended by {@link hashEnd}: a key of several parts is hashed without
 * joining them into a text. One hash at a time.
 */
export function hashStart(): void {
  hashA = 0x811c9dc5;
  hashB = 0x01000193 ^ 0x5bd1e995;
}

/** Feeds a non-negative integer below 2^32 (a port, a status, a frame) to the hash, as two 16-bit units. */
export function hashNumber(n: number): void {
  let a = hashA;
  let b = hashB;
  a = Math.imul(a ^ (n & 0xffff), 0x01000193);
  b = Math.imul(b ^ (n & 0xffff), 0x01000193) ^ (b >>> 15);
  a = Math.imul(a ^ (n >>> 16), 0x01000193);
  b = Math.imul(b ^ (n >>> 16), 0x01000193) ^ (b >>> 15);
  hashA = a;
  hashB = b;
}

/**
 * Feeds a text, or its part from `start` to `end`, to the hash; preceded by its length, so that
 * the parts of a key stay apart ("ab", "c" and "a", "bc" hash apart).
 */
export function hashPart(s: string, start = 0, end = s.length): void {
  hashNumber(end - start);
  feed(s, start, end);
}

/** Feeds the characters of `s` from `start` to `end` (the state read into locals for the loop). */
function feed(s: string, start: number, end: number): void {
  let a = hashA;
  let b = hashB;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  hashA = a;
  hashB = b;
}

/** The hash of the parts fed since {@link hashStart}, never 0. */
export function hashEnd(): number {
  const h = (hashA >>> 0) * 2 ** 21 + ((hashB >>> 0) & 0x1fffff);
  return h === 0 ? 1 : h;
}

/** A set of the last `capacity` keys added, oldest forgotten first. */
export class RecentKeys {
  /** Keys in order of addition (a ring), with the generation they were added in. */
  private readonly ringHash: Float64Array;
  private readonly ringGen: Float64Array;
  private head = 0;
  private count = 0;
  /** Open addressing: the hash, and the generation of its latest addition. */
  private readonly tableHash: Float64Array;
  private readonly tableGen: Float64Array;
  private readonly mask: number;
  private deleted = 0;
  private generation = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity ${capacity}: a positive integer`);
    this.ringHash = new Float64Array(capacity);
    this.ringGen = new Float64Array(capacity);
    let size = 4;
    while (size < capacity * 2) size *= 2;
    this.tableHash = new Float64Array(size);
    this.tableGen = new Float64Array(size);
    this.mask = size - 1;
  }

  has(key: string): boolean {
    return this.find(hash53(key)) >= 0;
  }

  /** Adds `key` as the newest; the oldest is forgotten when `capacity` are held. */
  add(key: string): void {
    const h = hash53(key);
    if (this.count === this.capacity) this.evictOldest();
    const gen = ++this.generation;
    const at = (this.head + this.count) % this.capacity;
    this.ringHash[at] = h;
    this.ringGen[at] = gen;
    this.count++;
    const found = this.find(h);
    if (found >= 0) this.tableGen[found] = gen;
    else this.insert(h, gen);
  }

  /** Forgets `key` (its dialog went on after all). */
  delete(key: string): void {
    const found = this.find(hash53(key));
    if (found >= 0) this.remove(found);
  }

  private evictOldest(): void {
    const at = this.head;
    const found = this.find(this.ringHash[at] ?? 0);
    // Only the key's latest addition holds it: an older one of a key added again lets it be.
    if (found >= 0 && this.tableGen[found] === this.ringGen[at]) this.remove(found);
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  private find(h: number): number {
    let i = h % (this.mask + 1);
    for (;;) {
      const v = this.tableHash[i] ?? EMPTY;
      if (v === EMPTY) return -1;
      if (v === h) return i;
      i = (i + 1) & this.mask;
    }
  }

  private insert(h: number, gen: number): void {
    let i = h % (this.mask + 1);
    while ((this.tableHash[i] ?? EMPTY) > 0) i = (i + 1) & this.mask;
    if (this.tableHash[i] === DELETED) this.deleted--;
    this.tableHash[i] = h;
    this.tableGen[i] = gen;
  }

  private remove(slot: number): void {
    this.tableHash[slot] = DELETED;
    this.deleted++;
    // Deleted slots lengthen every probe: past a quarter of the table, it is built again.
    if (this.deleted > (this.mask + 1) / 4) this.rebuild();
  }

  private rebuild(): void {
    const hashes = this.tableHash.slice();
    const gens = this.tableGen.slice();
    this.tableHash.fill(EMPTY);
    this.tableGen.fill(0);
    this.deleted = 0;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i] ?? EMPTY;
      if (h > 0) this.insert(h, gens[i] ?? 0);
    }
  }
}
