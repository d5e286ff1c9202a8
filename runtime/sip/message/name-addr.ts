import { isIn, isWsp, TOKEN } from './char-classes.js';
import { formatParams, quoteString, scanParams } from './header-params.js';
import type { HeaderParams } from './header-params.js';
import { SipParseError } from './sip-parse-error.js';
import { checkUri, parseUri } from './uri.js';
import type { Uri } from './uri.js';
import { checkScanner, scanList, ValueScanner } from './value-scanner.js';

/**
 * An address as in From, To, Contact, Route, Record-Route, Refer-To
 * (RFC 3261 25.1: name-addr / addr-spec, followed by header parameters).
 */
export interface NameAddr {
  /** The display name, unquoted; undefined when absent. */
  readonly displayName: string | undefined;
  readonly uri: Uri;
  /** Header parameters after the address (tag, expires, ...). */
  readonly params: HeaderParams;
  /** Whether the URI was enclosed in angle brackets. */
  readonly form: 'name-addr' | 'addr-spec';
}

/**
 * A NameAddr read from a header: the URI is checked while the message is
 * parsed and built when first read.
 */
class ScannedNameAddr implements NameAddr {
  readonly displayName: string | undefined;
  readonly params: HeaderParams;
  readonly form: 'name-addr' | 'addr-spec';
  private readonly text: string;
  private readonly start: number;
  private readonly end: number;
  private readonly header: string | undefined;
  private built: Uri | undefined;

  constructor(
    displayName: string | undefined,
    params: HeaderParams,
    form: NameAddr['form'],
    text: string,
    start: number,
    end: number,
    header: string | undefined,
  ) {
    this.displayName = displayName;
    this.params = params;
    this.form = form;
    this.text = text;
    this.start = start;
    this.end = end;
    this.header = header;
    this.built = undefined;
  }

  get uri(): Uri {
    this.built ??= parseUri(this.text, this.form, this.header, this.start, this.end);
    return this.built;
  }
}

/** Where the address {@link scanAddress} read last lies (its fields valid until the next read). */
interface AddressSpan {
  /** The display name, unquoted, when built; undefined when absent or only checked. */
  displayName: string | undefined;
  form: NameAddr['form'];
  uriStart: number;
  uriEnd: number;
}

const span: AddressSpan = { displayName: undefined, form: 'name-addr', uriStart: 0, uriEnd: 0 };

/**
 * Reads one name-addr or addr-spec (without its parameters) at the cursor into {@link span};
 * the display name is only checked unless `build`.
 * In the addr-spec form the URI ends at white space, ";" or ",": RFC 3261
 * 20.10 requires angle brackets around any URI holding those characters.
 */
function scanAddress(scanner: ValueScanner, build: boolean): AddressSpan {
  scanner.skipWs();
  const text = scanner.text;
  let displayName: string | undefined;
  let angle = -1;
  const c = scanner.peek();
  if (c === 34) {
    // RFC 3261 25.1: display-name = *(token LWS) / quoted-string
    displayName = scanner.quotedString(build);
    scanner.skipWs();
    if (scanner.peek() !== 60) scanner.fail('bad-name-addr', 'expected "<" after the display name');
    angle = scanner.pos;
  } else if (c === 60) {
    angle = scanner.pos;
  } else {
    const start = scanner.pos;
    let p = start;
    for (;;) {
      const tokenStart = p;
      while (p < scanner.end && isIn(text.charCodeAt(p), TOKEN)) p++;
      if (p === tokenStart) break;
      const tokenEnd = p;
      while (p < scanner.end && isWsp(text.charCodeAt(p))) p++;
      if (text.charCodeAt(p) === 60 && p < scanner.end) {
        // RFC 3261 25.1: LAQUOT = SWS "<", so "caller<sip:...>" is a display name.
        if (build) displayName = text.slice(start, tokenEnd);
        angle = p;
        break;
      }
      if (p === tokenEnd) break;
    }
  }
  if (angle >= 0) {
    const close = text.indexOf('>', angle + 1);
    if (close < 0 || close >= scanner.end) scanner.fail('bad-name-addr', 'missing ">"', angle);
    span.uriStart = angle + 1;
    span.uriEnd = close;
    checkUri(text, 'name-addr', scanner.header, angle + 1, close);
    scanner.pos = close + 1;
    span.form = 'name-addr';
  } else {
    const start = scanner.pos;
    let p = start;
    while (p < scanner.end) {
      const ch = text.charCodeAt(p);
      if (ch === 59 || ch === 44 || isWsp(ch)) break;
      p++;
    }
    if (p === start) scanner.fail('bad-name-addr', 'expected an address');
    span.uriStart = start;
    span.uriEnd = p;
    checkUri(text, 'addr-spec', scanner.header, start, p);
    scanner.pos = p;
    span.form = 'addr-spec';
  }
  span.displayName = build ? displayName : undefined;
  return span;
}

/**
 * Reads one name-addr or addr-spec with its parameters at the cursor.
 * In the addr-spec form the URI ends at white space, ";" or ",": RFC 3261
 * 20.10 requires angle brackets around any URI holding those characters.
 */
export function scanNameAddr(scanner: ValueScanner): NameAddr {
  const { displayName, form, uriStart, uriEnd } = scanAddress(scanner, true);
  const params = scanParams(scanner);
  return new ScannedNameAddr(
    displayName,
    params,
    form,
    scanner.text,
    uriStart,
    uriEnd,
    scanner.header,
  );
}

/**
 * Checks one name-addr or addr-spec at the cursor as {@link scanNameAddr} reads it (the same
 * errors), building nothing, and returns its form. With `params` false its parameters are
 * left for the caller to read.
 */
export function checkNameAddrAt(scanner: ValueScanner, params = true): NameAddr['form'] {
  const form = scanAddress(scanner, false).form;
  if (params) scanParams(scanner, undefined, false);
  return form;
}

/** Parses a header value holding exactly one address (From, To, Refer-To ...). */
export function parseNameAddr(value: string, header?: string): NameAddr {
  const scanner: ValueScanner = new ValueScanner(value, header);
  const address = scanNameAddr(scanner);
  scanner.expectEnd('bad-name-addr', 'the address');
  return address;
}

/**
 * Checks the value at `start`..`end` of `text` as {@link parseNameAddr} parses it (the same
 * errors, located in `text`), building nothing.
 */
export function checkNameAddr(text: string, start: number, end: number, header?: string): void {
  const scanner = checkScanner(text, header, start, end);
  checkNameAddrAt(scanner);
  scanner.expectEnd('bad-name-addr', 'the address');
}

/** Parses a comma-separated list of addresses (Route, Record-Route, Contact ...). */
export function parseNameAddrList(value: string, header?: string): NameAddr[] {
  return scanList(value, header, 'bad-name-addr', scanNameAddr);
}

/** What `formatNameAddr` writes. */
export interface NameAddrParts {
  readonly displayName?: string | undefined;
  readonly uri: Uri | string;
  readonly params?: Iterable<readonly [string, string | null]>;
}

/**
 * Writes an address in the name-addr form (always with angle brackets, which
 * RFC 3261 20.10 allows everywhere), quoting the display name.
 */
export function formatNameAddr(address: NameAddrParts): string {
  const uri = typeof address.uri === 'string' ? address.uri : address.uri.raw;
  if (/[\r\n]/.test(uri) || uri.includes('>')) {
    throw SipParseError.at(
      'bad-uri',
      `URI ${JSON.stringify(uri)} cannot be written in a header`,
      0,
    );
  }
  const name = address.displayName === undefined ? '' : `${quoteString(address.displayName)} `;
  return `${name}<${uri}>${formatParams(address.params ?? [])}`;
}
