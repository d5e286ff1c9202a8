import { isIn, TOKEN } from './char-classes.js';
import { canonicalHeaderName, headerKey, isListHeader, splitHeaderList } from './header-names.js';
import type { HeaderLines } from './header-lines.js';
import { SipParseError } from './sip-parse-error.js';

/** One header field line as it is (or will be) on the wire. */
export class SipHeaderField {
  /** The name as written (possibly compact, any case). */
  readonly name: string;
  /** Lookup key: lower-cased long form. */
  readonly key: string;
  /** The value, unfolded and trimmed. */
  readonly value: string;
  /**
   * Parsed form cached by the header accessors.
   * @internal
   */
  parsed: unknown;

  constructor(name: string, key: string, value: string, parsed?: unknown) {
    this.name = name;
    this.key = key;
    this.value = value;
    this.parsed = parsed;
  }
}

/** The index of the first laid-out line with lookup key `key`, -1 when there is none. */
function firstLine(lines: HeaderLines, key: string): number {
  for (let i = 0; i < lines.count; i++) if (lines.key(i) === key) return i;
  return -1;
}

function checkField(name: string, value: string): void {
  for (let i = 0; i < name.length; i++) {
    if (!isIn(name.charCodeAt(i), TOKEN)) {
      throw SipParseError.at('bad-header-name', `bad header name ${JSON.stringify(name)}`, i);
    }
  }
  if (name.length === 0) throw SipParseError.at('bad-header-name', 'empty header name', 0);
  // RFC 3261 7.3.1: a header value may not break the line; folding is the parser's business.
  const bad = value.search(/[\r\n]/);
  if (bad >= 0)
    throw SipParseError.at(
      'bad-header-value',
      'a header value may not contain CR or LF',
      bad,
      name,
    );
}

/** The fields of headers that have none yet (shared: {@link SipHeaders} makes its own to change). */
const NO_FIELDS: SipHeaderField[] = [];

/**
 * The header fields of a message, in wire order. Lookups are
 * case-insensitive and understand compact forms (RFC 3261 7.3.1, 7.3.3):
 * `get('v')`, `get('VIA')` and `get('Via')` are the same.
 */
export class SipHeaders implements Iterable<SipHeaderField> {
  #fields: SipHeaderField[];
  /**
   * The lines of a laid-out message, read where they lie until the headers are iterated or
   * changed: then they become `#fields` (see {@link own}).
   */
  #lines: HeaderLines | undefined = undefined;

  constructor(fields?: Iterable<SipHeaderField | readonly [string, string]>) {
    this.#fields = NO_FIELDS;
    // `adopt` passes nothing, sparing each parsed message an iterator and an array.
    if (fields === undefined) return;
    for (const field of fields) {
      if (field instanceof SipHeaderField) this.own().push(field);
      else this.append(field[0], field[1]);
    }
  }

  /**
   * Wraps already-validated fields without copying.
   * @internal
   */
  static adopt(fields: SipHeaderField[]): SipHeaders {
    const headers = new SipHeaders();
    headers.#fields = fields;
    return headers;
  }

  /**
   * Headers read from a laid-out message's lines (see message-layout.ts).
   * @internal
   */
  static laidOut(lines: HeaderLines): SipHeaders {
    const headers = new SipHeaders();
    headers.#lines = lines;
    return headers;
  }

  /**
   * The fields, to change or iterate: made from the laid-out lines if that is what the headers
   * hold, and an array of their own.
   */
  private own(): SipHeaderField[] {
    const lines = this.#lines;
    if (lines !== undefined) {
      this.#fields = lines.fields();
      this.#lines = undefined;
    } else if (this.#fields === NO_FIELDS) this.#fields = [];
    return this.#fields;
  }

  /** Number of header lines. */
  get size(): number {
    return this.#lines?.count ?? this.#fields.length;
  }

  /** The value of the first line with this name (the whole line, unsplit). */
  get(name: string): string | undefined {
    const key = headerKey(name);
    const lines = this.#lines;
    if (lines === undefined) return this.firstField(key)?.value;
    const i = firstLine(lines, key);
    return i < 0 ? undefined : lines.value(i);
  }

  /**
   * Every value of the header, in order: each line, split on top-level
   * commas when the header's grammar is a list (Via, Route, Contact ...).
   */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const split = isListHeader(key);
    const out: string[] = [];
    const lines = this.#lines;
    if (lines !== undefined) {
      for (let i = 0; i < lines.count; i++) {
        if (lines.key(i) !== key) continue;
        const value = lines.value(i);
        if (split && value.includes(',')) out.push(...splitHeaderList(value));
        else out.push(value);
      }
      return out;
    }
    for (const field of this.#fields) {
      if (field.key !== key) continue;
      if (split && field.value.includes(',')) out.push(...splitHeaderList(field.value));
      else out.push(field.value);
    }
    return out;
  }

  /** The first line with this name, or undefined (no array is made, unlike `fields`). */
  first(name: string): SipHeaderField | undefined {
    const key = headerKey(name);
    const lines = this.#lines;
    if (lines === undefined) return this.firstField(key);
    const i = firstLine(lines, key);
    return i < 0 ? undefined : lines.field(i);
  }

  /**
   * The parsed form cached on the first line with this name (by the header accessors), undefined
   * when there is none or none was cached: unlike {@link first}, no field is made for a line of a
   * laid-out message to be asked.
   */
  firstParsed(name: string): unknown {
    const key = headerKey(name);
    const lines = this.#lines;
    if (lines === undefined) return this.firstField(key)?.parsed;
    const i = firstLine(lines, key);
    return i < 0 ? undefined : lines.parsed(i);
  }

  /** The first of the headers' own fields with lookup key `key`. */
  private firstField(key: string): SipHeaderField | undefined {
    for (const field of this.#fields) if (field.key === key) return field;
    return undefined;
  }

  /** The lines with this name, in order. */
  fields(name: string): SipHeaderField[] {
    const key = headerKey(name);
    const lines = this.#lines;
    if (lines !== undefined) {
      const out: SipHeaderField[] = [];
      for (let i = 0; i < lines.count; i++) if (lines.key(i) === key) out.push(lines.field(i));
      return out;
    }
    return this.#fields.filter((field) => field.key === key);
  }

  /** Number of lines with this name. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    const lines = this.#lines;
    if (lines !== undefined) {
      for (let i = 0; i < lines.count; i++) if (lines.key(i) === key) n++;
      return n;
    }
    for (const field of this.#fields) if (field.key === key) n++;
    return n;
  }

  has(name: string): boolean {
    return this.count(name) > 0;
  }

  /**
   * Replaces every line with this name by one line holding `value`, at the
   * position of the first (or at the end). The name is written in its
   * canonical long form.
   */
  set(name: string, value: string | number): this {
    const text = String(value);
    const written = canonicalHeaderName(name);
    checkField(written, text);
    const key = headerKey(name);
    const index = this.own().findIndex((field) => field.key === key);
    const field = new SipHeaderField(written, key, text);
    if (index < 0) {
      this.#fields.push(field);
      return this;
    }
    this.#fields[index] = field;
    for (let i = this.#fields.length - 1; i > index; i--) {
      if (this.#fields[i]?.key === key) this.#fields.splice(i, 1);
    }
    return this;
  }

  /** Adds a line at the end (or, with `first`, before the other lines of that name). */
  append(name: string, value: string | number, first = false): this {
    const text = String(value);
    const written = name.length === 1 ? name : canonicalHeaderName(name);
    checkField(written, text);
    const key = headerKey(name);
    const field = new SipHeaderField(written, key, text);
    const fields = this.own();
    const index = first ? fields.findIndex((f) => f.key === key) : -1;
    if (index < 0) fields.push(field);
    else fields.splice(index, 0, field);
    return this;
  }

  /** Adds a line before every other line of that name (a new top Via, RFC 3261 16.6 item 8). */
  prepend(name: string, value: string | number): this {
    return this.append(name, value, true);
  }

  /** Removes every line with this name; returns whether any was removed. */
  delete(name: string): boolean {
    const key = headerKey(name);
    const before = this.own().length;
    for (let i = this.#fields.length - 1; i >= 0; i--) {
      if (this.#fields[i]?.key === key) this.#fields.splice(i, 1);
    }
    return this.#fields.length !== before;
  }

  /** Removes the first value of a list header (the top Via, RFC 3261 18.1.2). */
  removeFirstValue(name: string): boolean {
    const key = headerKey(name);
    const index = this.own().findIndex((f) => f.key === key);
    const field = this.#fields[index];
    if (field === undefined) return false;
    const values = isListHeader(key) ? splitHeaderList(field.value) : [field.value];
    if (values.length <= 1) this.#fields.splice(index, 1);
    else this.#fields[index] = new SipHeaderField(field.name, key, values.slice(1).join(', '));
    return true;
  }

  /** A copy that can be changed independently (parsed caches are shared; fields are immutable). */
  clone(): SipHeaders {
    return SipHeaders.adopt([...this.own()]);
  }

  [Symbol.iterator](): Iterator<SipHeaderField> {
    return this.own()[Symbol.iterator]();
  }
}
