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

/** Parses an unsigned decimal of at most `max`; `code` names the header rule. */
export function parseDecimal(
  text: string,
  max: number,
  code: 'bad-cseq' | 'bad-max-forwards' | 'bad-content-length' | 'bad-number',
  what: string,
  header?: string,
  offset = 0,
): number {
  // Summed while checked: exact up to 2^53, and anything above `max` fails anyway.
  let ok = text.length > 0;
  let sum = 0;
  for (let i = 0; ok && i < text.length; i++) {
    const c = text.charCodeAt(i);
    ok = isDigit(c);
    sum = sum * 10 + (c - 48);
  }
  if (!ok)
    throw SipParseError.at(
      code,
      `${what} must be digits, got ${JSON.stringify(text)}`,
      offset,
      header,
    );
  const value = text.length > 16 ? Infinity : sum;
  if (value > max)
    throw SipParseError.at(code, `${what} ${text} is larger than ${max}`, offset, header);
  return value;
}

/**
 * RFC 3261 25.1: CSeq = 1*DIGIT LWS Method; 8.1.1.5: the number MUST be
 * expressible as a 32-bit unsigned integer.
 */
export function parseCSeq(value: string, header = 'CSeq'): CSeq {
  // Fast path for the usual spelling, 1*10DIGIT 1*(SP / HTAB) token, read with
  // char codes; anything else gets the scanner and its precise errors.
  let n = 0;
  let i = 0;
  let c = value.charCodeAt(0);
  while (i < 10 && c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    c = value.charCodeAt(++i);
  }
  let j = i;
  while (c === 32 || c === 9) c = value.charCodeAt(++j);
  const methodStart = j;
  while (j < value.length && isIn(c, TOKEN)) c = value.charCodeAt(++j);
  if (i > 0 && methodStart > i && j > methodStart && j === value.length && n <= MAX_UINT32)
    return { seq: n, method: value.slice(methodStart) };
  const scanner: ValueScanner = new ValueScanner(value, header);
  const start = scanner.pos;
  while (isDigit(scanner.peek())) scanner.pos++;
  const seq = parseDecimal(
    value.slice(start, scanner.pos),
    MAX_UINT32,
    'bad-cseq',
    'the CSeq number',
    header,
    start,
  );
  if (!scanner.skipWs())
    scanner.fail('bad-cseq', 'expected white space between the CSeq number and method');
  const method = scanner.token('bad-cseq', 'the CSeq method');
  scanner.expectEnd('bad-cseq', 'the CSeq method');
  return { seq, method };
}

// RFC 3261 25.1: word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
// "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
const WORD_CHARS = '[A-Za-z0-9\\-.!%*_+`\'~()<>:\\\\"/[\\]?{}]+';
const CALL_ID = new RegExp(`^${WORD_CHARS}(?:@${WORD_CHARS})?$`);

/** RFC 3261 25.1: callid = word [ "@" word ]. */
export function parseCallId(value: string, header = 'Call-ID'): string {
  if (!CALL_ID.test(value))
    throw SipParseError.at('bad-call-id', `bad Call-ID ${JSON.stringify(value)}`, 0, header);
  return value;
}

/** RFC 3261 20.22: Max-Forwards = 1*DIGIT, an integer in the range 0-255. */
export function parseMaxForwards(value: string, header = 'Max-Forwards'): number {
  return parseDecimal(value, 255, 'bad-max-forwards', 'Max-Forwards', header);
}

/** RFC 3261 20.14: Content-Length = 1*DIGIT (we cap it at 2^31 - 1 octets). */
export function parseContentLength(value: string, header = 'Content-Length'): number {
  return parseDecimal(value, 2147483647, 'bad-content-length', 'Content-Length', header);
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
