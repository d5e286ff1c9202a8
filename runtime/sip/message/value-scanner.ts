import { isIn, isWsp, TOKEN } from './char-classes.js';
import { SipParseError } from './sip-parse-error.js';
import type { SipParseErrorCode } from './sip-parse-error.js';

/**
 * A cursor over one unfolded header value. Folding was already undone by the
 * message parser (RFC 3261 7.3.1: each CRLF of a continuation became white
 * space), so LWS and SWS here are runs of SP and HTAB.
 */
export class ValueScanner {
  /** Current position. */
  pos: number;
  /** The header value (or URI) being read. */
  text: string;
  /** Header name used in error messages. */
  header: string | undefined;
  /** End (exclusive) of the part to read. */
  end: number;

  constructor(text: string, header?: string, start = 0, end = text.length) {
    this.text = text;
    this.header = header;
    this.pos = start;
    this.end = end;
  }

  /**
   * The scanner set to read `start`..`end` of `text`: the checks of the message parser reuse
   * one scanner for every value rather than make one per header line (see {@link checkScanner}).
   */
  reset(text: string, header: string | undefined, start: number, end: number): this {
    this.text = text;
    this.header = header;
    this.pos = start;
    this.end = end;
    return this;
  }

  /** Throws a SipParseError at the cursor (or `at`). */
  fail(code: SipParseErrorCode, reason: string, at = this.pos): never {
    throw SipParseError.at(code, reason, at, this.header);
  }

  /** Whether the cursor reached the end. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Character code at the cursor, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Skips SP/HTAB; returns whether any was skipped. */
  skipWs(): boolean {
    const start = this.pos;
    while (this.pos < this.end && isWsp(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  /**
   * Skips optional white space, then `ch` if it is next (and the white space
   * after it): the SEMI, COMMA, EQUAL, COLON, SLASH separators of RFC 3261
   * 25.1. Leaves the cursor before the white space when `ch` is absent.
   */
  separator(ch: number): boolean {
    const start = this.pos;
    this.skipWs();
    if (this.peek() === ch) {
      this.pos++;
      this.skipWs();
      return true;
    }
    this.pos = start;
    return false;
  }

  /** Requires `ch` as a separator (white space allowed on both sides). */
  expectSeparator(ch: number, code: SipParseErrorCode, reason: string): void {
    if (!this.separator(ch)) this.fail(code, reason);
  }

  /** Reads 1*token; fails with `code` when there is none. */
  token(code: SipParseErrorCode, what: string): string {
    const start = this.pos;
    while (this.pos < this.end && isIn(this.text.charCodeAt(this.pos), TOKEN)) this.pos++;
    if (this.pos === start) this.fail(code, `expected ${what}`);
    return this.text.slice(start, this.pos);
  }

  /** Reads characters of class `flag` (possibly none). */
  run(flag: number): string {
    const start = this.pos;
    while (this.pos < this.end && isIn(this.text.charCodeAt(this.pos), flag)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /**
   * Reads a quoted-string at the cursor and returns its content with the
   * quoted-pairs resolved; only checks it, returning '', when `build` is false.
   */
  quotedString(build = true): string {
    const open = this.pos;
    // RFC 3261 25.1: quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
    if (this.peek() !== 34) this.fail('bad-quoted-string', 'expected a quoted string');
    let i = this.pos + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= this.end) this.fail('bad-quoted-string', 'unterminated quoted string', open);
      const c = this.text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        // RFC 3261 25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
        const next = i + 1 < this.end ? this.text.charCodeAt(i + 1) : -1;
        if (next < 0 || next === 10 || next === 13 || next > 0x7f) {
          this.fail('bad-quoted-string', 'bad quoted-pair', i);
        }
        if (build) out += this.text.slice(chunk, i) + String.fromCharCode(next);
        i += 2;
        chunk = i;
        continue;
      }
      // RFC 3261 25.1: qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
      if ((c < 0x20 && c !== 9) || c === 0x7f) {
        this.fail('bad-quoted-string', 'control character in quoted string', i);
      }
      i++;
    }
    if (build) out += this.text.slice(chunk, i);
    this.pos = i + 1;
    return out;
  }

  /** Fails unless only white space remains. */
  expectEnd(code: SipParseErrorCode, what: string): void {
    this.skipWs();
    if (!this.done)
      this.fail(code, `unexpected ${JSON.stringify(this.text[this.pos])} after ${what}`);
  }
}

/**
 * Reads a comma-separated list (RFC 3261 7.3.1: several values of one header
 * are separated by COMMA) with `readOne` for each element.
 */
export function scanList<T>(
  value: string,
  header: string | undefined,
  code: SipParseErrorCode,
  readOne: (scanner: ValueScanner) => T,
): T[] {
  const scanner = new ValueScanner(value, header);
  // Made with its first element: most lists have one, and an array pushed onto from empty
  // takes room for 17.
  const list: T[] = [readOne(scanner)];
  while (nextElement(scanner, code)) list.push(readOne(scanner));
  return list;
}

/**
 * Checks a comma-separated list as {@link scanList} reads it (the same errors), with
 * `checkOne` for each element, keeping nothing.
 */
export function checkList(
  scanner: ValueScanner,
  code: SipParseErrorCode,
  checkOne: (scanner: ValueScanner) => unknown,
): void {
  checkOne(scanner);
  while (nextElement(scanner, code)) checkOne(scanner);
}

/** Past the COMMA before the next element of a list, or false at the list's end. */
function nextElement(scanner: ValueScanner, code: SipParseErrorCode): boolean {
  scanner.skipWs();
  if (scanner.done) return false;
  if (!scanner.separator(44)) {
    scanner.fail(
      code,
      `unexpected ${JSON.stringify(scanner.text[scanner.pos])} after a list element`,
    );
  }
  return true;
}

const shared = new ValueScanner('');

/**
 * The one scanner the message parser's header checks read with (set to `start`..`end` of
 * `text`): a check keeps nothing, so the scanner is free again when it returns. Only for the
 * outermost check of a value; nothing it calls may take it again.
 */
export function checkScanner(
  text: string,
  header: string | undefined,
  start: number,
  end: number,
): ValueScanner {
  return shared.reset(text, header, start, end);
}
