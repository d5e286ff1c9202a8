import { allIn, isDigit, isIn, TOKEN } from './char-classes.js';
import { scanParams } from './header-params.js';
import type { HeaderParams } from './header-params.js';
import { SipParseError } from './sip-parse-error.js';
import { ValueScanner } from './value-scanner.js';

/** CSeq (RFC 3261 20.16). */
export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** A MIME media type (RFC 3261 20.15, RFC 2045 5.1). */
export interface MediaType {
  /** Type, lower-cased. */
  readonly type: string;
  /** Subtype, lower-cased. */
  readonly subtype: string;
  /** "type/subtype", lower-cased. */
  readonly mediaType: string;
  readonly params: HeaderParams;
}

const MAX_UINT32 = 4294967295;

type DecimalCode = 'bad-cseq' | 'bad-max-forwards' | 'bad-content-length' | 'bad-number';

/** Parses an unsigned decimal of at most `max`; `code` names the header rule. */
export function parseDecimal(
  text: string,
  max: number,
  code: DecimalCode,
  what: string,
  header?: string,
  offset = 0,
): number {
  return decimalAt(text, 0, text.length, max, code, what, header, offset);
}

/**
 * The unsigned decimal at `start`..`end` of `text`, at most `max`, read as {@link parseDecimal}
 * reads it; an error is located at `at`.
 */
export function decimalAt(
  text: string,
  start: number,
  end: number,
  max: number,
  code: DecimalCode,
  what: string,
  header?: string,
  at = start,
): number {
  // Summed while checked: exact up to 2^53, and anything above `max` fails anyway.
  let ok = end > start;
  let sum = 0;
  for (let i = start; ok && i < end; i++) {
    const c = text.charCodeAt(i);
    ok = isDigit(c);
    sum = sum * 10 + (c - 48);
  }
  if (!ok)
    throw SipParseError.at(
      code,
      `${what} must be digits, got ${JSON.stringify(text.slice(start, end))}`,
      at,
      header,
    );
  const value = end - start > 16 ? Infinity : sum;
  if (value > max)
    throw SipParseError.at(
      code,
      `${what} ${text.slice(start, end)} is larger than ${max}`,
      at,
      header,
    );
  return value;
}

/** Where the parts of the CSeq {@link readCSeq} read last lie (valid until the next read). */
export interface CSeqSpan {
  seq: number;
  methodStart: number;
  methodEnd: number;
}

const cseqSpan: CSeqSpan = { seq: 0, methodStart: 0, methodEnd: 0 };

/**
 * RFC 3261 25.1: CSeq = 1*DIGIT LWS Method; 8.1.1.5: the number MUST be
 * expressible as a 32-bit unsigned integer.
 */
export function parseCSeq(value: string, header = 'CSeq'): CSeq {
  const { seq, methodStart, methodEnd } = readCSeq(value, 0, value.length, header);
  return { seq, method: value.slice(methodStart, methodEnd) };
}

/**
 * Reads the CSeq at `start`..`end` of `text` as {@link parseCSeq} parses it (the same errors,
 * located in `text`), without making strings: where its method lies, in a record reused by
 * the next call.
 */
export function readCSeq(
  text: string,
  start: number,
  end: number,
  header = 'CSeq',
): Readonly<CSeqSpan> {
  const span = cseqSpan;
  // Fast path for the usual spelling, 1*10DIGIT 1*(SP / HTAB) token, read with
  // char codes; anything else gets the scanner and its precise errors.
  let n = 0;
  let i = start;
  let c = text.charCodeAt(i);
  while (i < end && i - start < 10 && c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    c = text.charCodeAt(++i);
  }
  let j = i;
  while (j < end && (c === 32 || c === 9)) c = text.charCodeAt(++j);
  const methodStart = j;
  while (j < end && isIn(c, TOKEN)) c = text.charCodeAt(++j);
  if (i > start && methodStart > i && j > methodStart && j === end && n <= MAX_UINT32) {
    span.seq = n;
    span.methodStart = methodStart;
    span.methodEnd = end;
    return span;
  }
  const scanner: ValueScanner = new ValueScanner(text, header, start, end);
  while (isDigit(scanner.peek())) scanner.pos++;
  const seq = decimalAt(
    text,
    start,
    scanner.pos,
    MAX_UINT32,
    'bad-cseq',
    'the CSeq number',
    header,
  );
  if (!scanner.skipWs())
    scanner.fail('bad-cseq', 'expected white space between the CSeq number and method');
  const from = scanner.pos;
  scanner.token('bad-cseq', 'the CSeq method');
  const to = scanner.pos;
  scanner.expectEnd('bad-cseq', 'the CSeq method');
  span.seq = seq;
  span.methodStart = from;
  span.methodEnd = to;
  return span;
}

// RFC 3261 25.1: word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
// "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
const WORD_CHARS = '[A-Za-z0-9\\-.!%*_+`\'~()<>:\\\\"/[\\]?{}]+';
const CALL_ID = new RegExp(`^${WORD_CHARS}(?:@${WORD_CHARS})?$`);
// The same, sticky, for a value read in place: no word holds "@", so when the value is a
// Call-ID its longest match from its start is the one that ends at its end.
const CALL_ID_AT = new RegExp(`${WORD_CHARS}(?:@${WORD_CHARS})?`, 'y');

/** RFC 3261 25.1: callid = word [ "@" word ]. */
export function parseCallId(value: string, header = 'Call-ID'): string {
  checkCallId(value, 0, value.length, header);
  return value;
}

/** Checks the Call-ID at `start`..`end` of `text` as {@link parseCallId} does. */
export function checkCallId(text: string, start: number, end: number, header = 'Call-ID'): void {
  CALL_ID_AT.lastIndex = start;
  if (CALL_ID_AT.test(text) && CALL_ID_AT.lastIndex === end) return;
  // Otherwise the value alone decides (the match may have run on past `end`).
  const value = text.slice(start, end);
  if (!CALL_ID.test(value))
    throw SipParseError.at('bad-call-id', `bad Call-ID ${JSON.stringify(value)}`, start, header);
}

/** RFC 3261 20.22: Max-Forwards = 1*DIGIT, an integer in the range 0-255. */
export function parseMaxForwards(value: string, header = 'Max-Forwards'): number {
  return maxForwardsAt(value, 0, value.length, header);
}

/** The Max-Forwards at `start`..`end` of `text`, read as {@link parseMaxForwards} reads it. */
export function maxForwardsAt(
  text: string,
  start: number,
  end: number,
  header = 'Max-Forwards',
): number {
  return decimalAt(text, start, end, 255, 'bad-max-forwards', 'Max-Forwards', header);
}

/** RFC 3261 20.14: Content-Length = 1*DIGIT (we cap it at 2^31 - 1 octets). */
export function parseContentLength(value: string, header = 'Content-Length'): number {
  return contentLengthAt(value, 0, value.length, header);
}

/** The Content-Length at `start`..`end` of `text`, read as {@link parseContentLength} reads it. */
export function contentLengthAt(
  text: string,
  start: number,
  end: number,
  header = 'Content-Length',
): number {
  return decimalAt(text, start, end, 2147483647, 'bad-content-length', 'Content-Length', header);
}

/** RFC 3261 25.1: delta-seconds = 1*DIGIT (Expires, Retry-After ...). */
export function parseDeltaSeconds(value: string, header?: string): number {
  return parseDecimal(value, MAX_UINT32, 'bad-number', 'a delta-seconds value', header);
}

const rfc1123 =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;

/**
 * RFC 3261 20.17 and 25.1: Date = rfc1123-date, which always ends in "GMT"
 * (RFC 4475 3.1.2.12 baddate: "EST" is invalid).
 */
export function parseDate(value: string, header = 'Date'): Date {
  const m = rfc1123.exec(value);
  const date = m
    ? new Date(`${m[3]}-${monthNumber(m[2] ?? '')}-${m[1]}T${m[4]}:${m[5]}:${m[6]}Z`)
    : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw SipParseError.at(
      'bad-date',
      `bad Date ${JSON.stringify(value)}: expected RFC 1123 form in GMT`,
      0,
      header,
    );
  }
  return date;
}

function monthNumber(name: string): string {
  const index = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(name) / 3 + 1;
  return String(index).padStart(2, '0');
}

/** RFC 3261 20.15, 25.1: media-type = m-type SLASH m-subtype *(SEMI m-parameter). */
export function parseMediaType(value: string, header = 'Content-Type'): MediaType {
  const scanner: ValueScanner = new ValueScanner(value, header);
  scanner.skipWs();
  const type = scanner.token('bad-media-type', 'the media type').toLowerCase();
  scanner.expectSeparator(47, 'bad-media-type', 'expected "/" in the media type');
  const subtype = scanner.token('bad-media-type', 'the media subtype').toLowerCase();
  const params = scanParams(scanner);
  scanner.expectEnd('bad-media-type', 'the media type');
  for (const [name, v] of params) {
    if (v === null) scanner.fail('bad-media-type', `media type parameter ${name} has no value`);
  }
  return { type, subtype, mediaType: `${type}/${subtype}`, params };
}

/** A header value made of one token and parameters (Event, Subscription-State ...). */
export interface TokenWithParams {
  readonly value: string;
  readonly params: HeaderParams;
}

/** Parses `token *( SEMI generic-param )`; used by several extension headers. */
export function parseTokenWithParams(value: string, header?: string): TokenWithParams {
  const scanner: ValueScanner = new ValueScanner(value, header);
  scanner.skipWs();
  const token = scanner.token('bad-header-value', 'a token');
  const params = scanParams(scanner);
  scanner.expectEnd('bad-header-value', 'the parameters');
  return { value: token, params };
}

/** Parses a comma-separated list of tokens (Require, Supported, Allow ...). */
export function parseTokenList(value: string, header?: string): string[] {
  const scanner: ValueScanner = new ValueScanner(value, header);
  const out: string[] = [];
  scanner.skipWs();
  if (scanner.done) return out;
  for (;;) {
    out.push(scanner.token('bad-header-value', 'a token'));
    scanner.skipWs();
    if (scanner.done) return out;
    scanner.expectSeparator(44, 'bad-header-value', 'expected "," between tokens');
  }
}

/** Whether `text` is a non-empty token (RFC 3261 25.1). */
export function isToken(text: string): boolean {
  return allIn(text, TOKEN);
}
