import { isIn, TOKEN } from './char-classes.js';
import { classifyHost } from './host.js';
import { ValueScanner } from './value-scanner.js';

/**
 * Header parameters (RFC 3261 7.3.1, 25.1 generic-param): names lower-cased
 * because they compare case-insensitively, values as written with quotes
 * removed, `null` for a parameter without value.
 */
export type HeaderParams = ReadonlyMap<string, string | null>;

/** The parameters of a value that has none (shared, never changed). */
export const EMPTY_PARAMS: HeaderParams = new Map<string, string | null>();

/**
 * Parameters as found in a header value: their positions are recorded while
 * the value is checked, and the names and values are cut out only when the
 * parameters are first read (most parameters of most messages never are).
 */
export class ParamList implements ReadonlyMap<string, string | null> {
  private readonly text: string;
  private readonly start: number;
  private readonly end: number;
  private readonly ipAddressParam: string | undefined;
  /** Per parameter: name start, name end, value start, value end (-1 when valueless). */
  private found: number[] | undefined;
  private built: Map<string, string | null> | undefined;

  /** Parameters already checked between `start` and `end` of `text`. */
  constructor(
    text: string,
    start: number,
    end: number,
    ipAddressParam: string | undefined,
    spans?: number[],
  ) {
    this.text = text;
    this.start = start;
    this.end = end;
    this.ipAddressParam = ipAddressParam;
    this.found = spans;
    this.built = undefined;
  }

  private get spans(): number[] {
    if (this.found === undefined) {
      const spans: number[] = [];
      scanParamSpans(
        new ValueScanner(this.text, undefined, this.start, this.end),
        this.ipAddressParam,
        spans,
      );
      this.found = spans;
    }
    return this.found;
  }

  /** Index into `spans` of the value of `name` (lower-case), or -1; reads nothing into strings. */
  indexOf(name: string): number {
    const { text, spans } = this;
    for (let p = 0; p < spans.length; p += 4) {
      const start = spans[p] ?? 0;
      if ((spans[p + 1] ?? 0) - start !== name.length) continue;
      let same = true;
      for (let i = 0; same && i < name.length; i++)
        same = (text.charCodeAt(start + i) | 0x20) === name.charCodeAt(i);
      if (same) return p + 2;
    }
    return -1;
  }

  /** The raw text of the value at `index` (from indexOf), or null when valueless. */
  rawValueAt(index: number): string | null {
    const start = this.spans[index] ?? -1;
    return start < 0 ? null : this.text.slice(start, this.spans[index + 1]);
  }

  /**
   * Index into `spans` of the value of the last parameter named `name` (the
   * one a Map built in order keeps), comparing names case-insensitively.
   */
  private lastValueIndex(name: string): number {
    const { text, spans } = this;
    let found = -1;
    for (let p = 0; p < spans.length; p += 4) {
      const start = spans[p] ?? 0;
      if ((spans[p + 1] ?? 0) - start !== name.length) continue;
      let i = 0;
      while (i < name.length) {
        const c = text.charCodeAt(start + i);
        // Only A-Z fold (RFC 3261 7.3.1: parameter names compare case-insensitively).
        if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== name.charCodeAt(i)) break;
        i++;
      }
      if (i === name.length) found = p + 2;
    }
    return found;
  }

  /** The value at `index` of `spans`, unquoted (RFC 3261 25.1 quoted-string). */
  private valueAt(index: number): string | null {
    const { text, spans } = this;
    const start = spans[index] ?? -1;
    if (start < 0) return null;
    if (text.charCodeAt(start) !== 34) return text.slice(start, spans[index + 1]);
    return new ValueScanner(text, undefined, start, spans[index + 1]).quotedString();
  }

  private map(): Map<string, string | null> {
    if (this.built !== undefined) return this.built;
    const map = new Map<string, string | null>();
    const { text, spans } = this;
    for (let p = 0; p < spans.length; p += 4)
      map.set(text.slice(spans[p], spans[p + 1]).toLowerCase(), this.valueAt(p + 2));
    this.built = map;
    return map;
  }

  get size(): number {
    return this.spans.length / 4;
  }

  /** The parameters as written, e.g. ";tag=1;lr". */
  get source(): string {
    return this.text.slice(this.start, this.end);
  }

  // Single lookups (a tag, a branch) read the spans without building the Map.
  get(name: string): string | null | undefined {
    if (this.built !== undefined) return this.built.get(name);
    const index = this.lastValueIndex(name);
    return index < 0 ? undefined : this.valueAt(index);
  }

  has(name: string): boolean {
    return this.built !== undefined ? this.built.has(name) : this.lastValueIndex(name) >= 0;
  }

  forEach(
    callback: (value: string | null, key: string, map: ReadonlyMap<string, string | null>) => void,
    thisArg?: unknown,
  ): void {
    this.map().forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  entries(): MapIterator<[string, string | null]> {
    return this.map().entries();
  }

  keys(): MapIterator<string> {
    return this.map().keys();
  }

  values(): MapIterator<string | null> {
    return this.map().values();
  }

  [Symbol.iterator](): MapIterator<[string, string | null]> {
    return this.map()[Symbol.iterator]();
  }
}

/**
 * Reads `*( SEMI generic-param )` at the cursor, checking each against RFC
 * 3261 25.1 (gen-value = token / host / quoted-string). Stops before
 * anything that is not a SEMI (a COMMA or the end), leaving the caller to
 * judge it. With `ipAddressParam`, that parameter's value may also be a bare
 * IPv6 address (RFC 3261 25.1 via-received). With `build` false they are only
 * checked (the same errors) and EMPTY_PARAMS is returned.
 */
export function scanParams(
  scanner: ValueScanner,
  ipAddressParam?: string,
  build = true,
): HeaderParams {
  const text = scanner.text;
  const start = scanner.pos;
  // Fast path: parameters whose names and values are all tokens, checked by one
  // compiled expression; anything else (quoted strings, IPv6) takes the scanner.
  // Via (ipAddressParam set) reads its spans right away, so it skips this.
  TOKEN_PARAMS.lastIndex = start;
  if (ipAddressParam === undefined && TOKEN_PARAMS.test(text)) {
    const stop = TOKEN_PARAMS.lastIndex;
    let k = stop;
    while (k < scanner.end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    if (stop <= scanner.end && (k >= scanner.end || text.charCodeAt(k) === 44)) {
      scanner.pos = stop;
      return stop === start || !build
        ? EMPTY_PARAMS
        : new ParamList(text, start, stop, ipAddressParam);
    }
  }
  const spans: number[] | undefined = build ? [] : undefined;
  if (!scanParamSpans(scanner, ipAddressParam, spans) || spans === undefined) return EMPTY_PARAMS;
  return new ParamList(text, start, scanner.pos, ipAddressParam, spans);
}

// RFC 3261 25.1: *( SEMI token [ EQUAL token ] ), SEMI and EQUAL with optional white space.
const TOKEN_CHARS = "[A-Za-z0-9\\-.!%*_+`'~]+";
const TOKEN_PARAMS = new RegExp(
  `(?:[ \\t]*;[ \\t]*${TOKEN_CHARS}(?:[ \\t]*=[ \\t]*${TOKEN_CHARS})?)*`,
  'y',
);

/**
 * The scanner behind scanParams: checks the parameters at the cursor and
 * records their spans (when given `spans`); returns false when there are none.
 */
function scanParamSpans(
  scanner: ValueScanner,
  ipAddressParam: string | undefined,
  spans: number[] | undefined,
): boolean {
  const text = scanner.text;
  const end = scanner.end;
  let j = scanner.pos;
  let c = text.charCodeAt(j) | 0;
  while (j < end && (c === 32 || c === 9)) c = text.charCodeAt(++j) | 0;
  if (j >= end || c !== 59) return false;
  for (;;) {
    // At a SEMI (RFC 3261 25.1: SEMI = SWS ";" SWS).
    c = text.charCodeAt(++j) | 0;
    while (j < end && (c === 32 || c === 9)) c = text.charCodeAt(++j) | 0;
    const nameStart = j;
    while (j < end && isIn(c, TOKEN)) c = text.charCodeAt(++j) | 0;
    if (j === nameStart) scanner.fail('bad-param', 'expected a parameter name', j);
    const nameEnd = j;
    let k = j;
    while (k < end && (c === 32 || c === 9)) c = text.charCodeAt(++k) | 0;
    let valueStart = -1;
    if (k < end && c === 61) {
      // RFC 3261 25.1: EQUAL = SWS "=" SWS
      c = text.charCodeAt(++k) | 0;
      while (k < end && (c === 32 || c === 9)) c = text.charCodeAt(++k) | 0;
      valueStart = k;
      scanner.pos = k;
      if (c === 34) {
        scanner.quotedString(false);
      } else if (c === 91) {
        // RFC 3261 25.1: gen-value may be a host, so an IPv6 reference.
        const close = text.indexOf(']', k);
        if (close < 0 || close >= end) scanner.fail('bad-param', 'unterminated IPv6 reference');
        classifyHost(text.slice(k, close + 1), k, scanner.header);
        scanner.pos = close + 1;
      } else {
        const colons =
          ipAddressParam !== undefined &&
          nameEnd - nameStart === ipAddressParam.length &&
          text.slice(nameStart, nameEnd).toLowerCase() === ipAddressParam;
        while (k < end && (isIn(c, TOKEN) || (colons && c === 58))) c = text.charCodeAt(++k) | 0;
        if (k === scanner.pos) scanner.fail('bad-param', 'expected a parameter value');
        scanner.pos = k;
      }
      j = scanner.pos;
    }
    spans?.push(nameStart, nameEnd, valueStart, j);
    k = j;
    c = text.charCodeAt(k) | 0;
    while (k < end && (c === 32 || c === 9)) c = text.charCodeAt(++k) | 0;
    if (k >= end || c !== 59) {
      scanner.pos = j;
      return true;
    }
    j = k;
  }
}

function needsQuotes(value: string): boolean {
  if (value.length === 0) return true;
  if (value.startsWith('[') && value.endsWith(']')) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!isIn(c, TOKEN) && c !== 58) return true;
  }
  return false;
}

/** Quotes `text` as a quoted-string, escaping `"` and `\` (RFC 3261 25.1). */
export function quoteString(text: string): string {
  return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** Writes parameters back as `;name=value`, quoting values that are not tokens. */
export function formatParams(params: Iterable<readonly [string, string | null]>): string {
  let out = '';
  for (const [name, value] of params) {
    out +=
      value === null ? `;${name}` : `;${name}=${needsQuotes(value) ? quoteString(value) : value}`;
  }
  return out;
}
