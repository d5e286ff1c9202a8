/**
 * Where the parts of a parsed message lie in its bytes. The parser fills a
 * {@link MessageLayout} when asked (`ParseOptions.layout`); written as
 * numbers ({@link writeLaidOut}) it travels with the bytes, and
 * {@link laidOutMessage} builds the same message from both without reading
 * the text again: `flowspec diff` parses a capture in one thread and checks
 * it in another.
 */
import { knownSpellings } from './header-registry.js';
import type { HeaderSpelling } from './header-registry.js';
import { HeaderLines } from './header-lines.js';
import { headerKey } from './header-names.js';
import { latin1 } from './message-bytes.js';
import { SipHeaders } from './sip-headers.js';
import { CheckedRequestUri, SipRequest, SipResponse } from './sip-message.js';
import type { SipMessage } from './sip-message.js';

/** Numbers per header line in {@link MessageLayout.lines}. */
const LINE = 5;

/**
 * The layout of the last message parsed into it. Offsets are byte offsets
 * in the parsed bytes; ends are exclusive.
 */
export class MessageLayout {
  /** The bytes the layout describes: undefined until a parse into it has succeeded. */
  bytes: Uint8Array | undefined = undefined;
  /**
   * Every header value is its bytes as they are: the header section is ASCII
   * and no line is folded (a folded or UTF-8 value is rewritten by the parser).
   */
  plain = true;
  response = false;
  /** The start line's first byte and its end (the CR). */
  lineStart = 0;
  lineEnd = 0;
  /** Request: the ends of the method and of the Request-URI. Response: the end of the version, and the status. */
  first = 0;
  second = 0;
  bodyStart = 0;
  bodyEnd = 0;
  /** Header lines. */
  count = 0;
  /**
   * Per header line: the id of its spelling in `knownSpellings` (-1 when it is not one), the
   * start and end of its name, the start and end of its value (unfolded and trimmed).
   */
  lines = new Int32Array(LINE * 32);

  /** Starts a parse (of an ASCII header section or not): the layout describes nothing until {@link end}. */
  begin(ascii: boolean): void {
    this.bytes = undefined;
    this.plain = ascii;
    this.count = 0;
  }

  line(id: number, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    let at = this.count * LINE;
    if (at + LINE > this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    const l = this.lines;
    l[at++] = id;
    l[at++] = nameStart;
    l[at++] = nameEnd;
    l[at++] = valueStart;
    l[at] = valueEnd;
    this.count++;
  }

  /** The parse of `bytes` succeeded: the start line and body are where these say. */
  end(
    bytes: Uint8Array,
    response: boolean,
    lineStart: number,
    lineEnd: number,
    first: number,
    second: number,
    body: Uint8Array,
  ): void {
    this.response = response;
    this.lineStart = lineStart;
    this.lineEnd = lineEnd;
    this.first = first;
    this.second = second;
    // The body is a view of `bytes` (or the empty array).
    this.bodyStart = body.length === 0 ? 0 : body.byteOffset - bytes.byteOffset;
    this.bodyEnd = this.bodyStart + body.length;
    this.bytes = bytes;
  }

  /** A request's method (RFC 3261 7.1), as {@link laidOutMessage} reads it. */
  method(): string {
    return common(this.bytes ?? EMPTY_BODY, this.lineStart, this.first);
  }

  /**
   * The value of the first header line with lookup key `key` (header-names.ts: a compact form
   * counts as its full name), as {@link laidOutMessage}'s `headers.get(key)` gives it; undefined
   * when there is none.
   */
  firstValue(key: string): string | undefined {
    const bytes = this.bytes;
    if (bytes === undefined) return undefined;
    const l = this.lines;
    for (let at = 0; at < this.count * LINE; at += LINE) {
      const id = l[at] ?? -1;
      const lineKey =
        id >= 0
          ? knownSpellings[id]?.info.key
          : headerKey(latin1(bytes, l[at + 1] ?? 0, l[at + 2] ?? 0));
      if (lineKey === key) return latin1(bytes, l[at + 3] ?? 0, l[at + 4] ?? 0);
    }
    return undefined;
  }

  /** Numbers {@link writeLaidOut} writes for this layout. */
  get laidOutSize(): number {
    return this.plain && this.bytes !== undefined ? HEAD + 3 * this.count : 1;
  }
}

/*
 * The laid-out form, in an Int32Array at some index: [0] the form (NONE,
 * REQUEST, RESPONSE); then, when laid out, [1] lineStart, [2] lineEnd, [3]
 * first, [4] second, [5] bodyStart, [6] bodyEnd, [7] number of header lines,
 * and per line the id of its spelling, the start and the end of its value.
 * Spelling ids below knownSpellings.length are known spellings; the others
 * index the names the writer was given (see writeLaidOut).
 */
const NONE = 0;
const REQUEST = 1;
const RESPONSE = 2;
const HEAD = 8;

/**
 * Writes `layout` at `out[at]` (room for {@link MessageLayout.laidOutSize} numbers); a message
 * that is not {@link MessageLayout.plain} is written as one to parse again. `nameId` gives an id
 * (from knownSpellings.length up) to a name that is not a known spelling. Returns the end.
 */
export function writeLaidOut(
  layout: MessageLayout,
  out: Int32Array,
  at: number,
  nameId: (name: string) => number,
): number {
  if (!layout.plain || layout.bytes === undefined) {
    out[at] = NONE;
    return at + 1;
  }
  out[at] = layout.response ? RESPONSE : REQUEST;
  out[at + 1] = layout.lineStart;
  out[at + 2] = layout.lineEnd;
  out[at + 3] = layout.first;
  out[at + 4] = layout.second;
  out[at + 5] = layout.bodyStart;
  out[at + 6] = layout.bodyEnd;
  out[at + 7] = layout.count;
  let o = at + HEAD;
  const l = layout.lines;
  for (let i = 0; i < layout.count * LINE; i += LINE) {
    const id = l[i] ?? -1;
    out[o++] = id >= 0 ? id : nameId(latin1(layout.bytes, l[i + 1] ?? 0, l[i + 2] ?? 0));
    out[o++] = l[i + 3] ?? 0;
    out[o++] = l[i + 4] ?? 0;
  }
  return o;
}

/** Numbers the laid-out message at `numbers[at]` takes. */
export function laidOutSize(numbers: Int32Array, at: number): number {
  return numbers[at] === NONE ? 1 : HEAD + 3 * (numbers[at + 7] ?? 0);
}

/** The spellings a laid-out message's ids refer to, given the names the writer was given. */
export function laidOutSpellings(names: readonly HeaderSpelling[]): readonly HeaderSpelling[] {
  return names.length === 0 ? knownSpellings : [...knownSpellings, ...names];
}

const EMPTY_BODY = new Uint8Array(0);
// Start line parts as they mostly are: the same text for every message, rather than one each.
const COMMON: string[][] = [];
for (const spelling of [
  ...['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'UPDATE', 'SUBSCRIBE'],
  ...['NOTIFY', 'REFER', 'MESSAGE', 'INFO', 'PUBLISH', 'SIP/2.0', 'OK', 'Trying', 'Ringing'],
])
  (COMMON[spelling.length] ??= []).push(spelling);

/** Bytes `start`..`end` as text, the common spellings shared rather than made again. */
function common(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  const candidates = COMMON[n];
  if (candidates !== undefined)
    search: for (const known of candidates) {
      for (let i = 0; i < n; i++) if (bytes[start + i] !== known.charCodeAt(i)) continue search;
      return known;
    }
  return latin1(bytes, start, end);
}

/**
 * The message laid out at `numbers[at]` (written by {@link writeLaidOut} for these `bytes`), as
 * `parseMessage(bytes, { checked: true })` gives it: header values are made when first read and
 * structured headers parsed when first read; undefined when it was written as one to parse again.
 * The message refers to `bytes` (its body is a view of them) and to `numbers` as long as it lives.
 */
export function laidOutMessage(
  bytes: Uint8Array,
  numbers: Int32Array,
  at: number,
  spellings: readonly HeaderSpelling[],
): SipMessage | undefined {
  const form = numbers[at];
  if (form === NONE) return undefined;
  const lineStart = numbers[at + 1] ?? 0;
  const lineEnd = numbers[at + 2] ?? 0;
  const first = numbers[at + 3] ?? 0;
  const second = numbers[at + 4] ?? 0;
  const bodyStart = numbers[at + 5] ?? 0;
  const bodyEnd = numbers[at + 6] ?? 0;
  const count = numbers[at + 7] ?? 0;
  // Header values are cut from the bytes when read (see HeaderLines).
  const headers = SipHeaders.laidOut(new HeaderLines(bytes, numbers, at + HEAD, count, spellings));
  const body =
    bodyEnd <= bodyStart
      ? EMPTY_BODY
      : new Uint8Array(bytes.buffer, bytes.byteOffset + bodyStart, bodyEnd - bodyStart);
  // RFC 3261 7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
  if (form === RESPONSE)
    return new SipResponse(
      second,
      common(bytes, first + 5, lineEnd),
      headers,
      body,
      common(bytes, lineStart, first),
    );
  // RFC 3261 7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF
  return new SipRequest(
    common(bytes, lineStart, first),
    new CheckedRequestUri(latin1(bytes, first + 1, second)),
    headers,
    body,
    common(bytes, second + 1, lineEnd),
  );
}
