import { isDigit, isIn, TOKEN } from './char-classes.js';
import { decodeUtf8, fail } from './message-bytes.js';

const VERSION = /^SIP\/(\d+)\.(\d+)$/i;

/** A parsed start line: request (method, Request-URI, version) or response (version, status, reason). */
export interface StartLine {
  readonly request?: [string, string, string];
  readonly response?: [string, number, string];
}

/**
 * Where the parts of the start line {@link readStartLine} read last lie (a record reused by the
 * next read). Request: the method is `lineStart`..`firstEnd`, the Request-URI
 * `firstEnd + 1`..`secondEnd`, the version `secondEnd + 1` to the line's end. Response: the
 * version is `lineStart`..`firstEnd`, the reason phrase `firstEnd + 5` to the line's end.
 */
export interface StartLineSpan {
  response: boolean;
  firstEnd: number;
  secondEnd: number;
  status: number;
  /** The reason phrase, decoded, when it was asked for or is not ASCII; else ''. */
  reason: string;
}

const lineSpan: StartLineSpan = {
  response: false,
  firstEnd: 0,
  secondEnd: 0,
  status: 0,
  reason: '',
};

/** Parses the start line (RFC 3261 7.1, 7.2); `base` is its byte offset in `buf`. */
export function parseStartLine(buf: Uint8Array, line: string, base: number): StartLine {
  const span = readStartLine(buf, line, 0, line.length, base, true);
  if (span.response) {
    const version = line.slice(0, span.firstEnd);
    return { response: [version, span.status, span.reason] };
  }
  return {
    request: [
      line.slice(0, span.firstEnd),
      line.slice(span.firstEnd + 1, span.secondEnd),
      line.slice(span.secondEnd + 1),
    ],
  };
}

/**
 * Reads the start line at `start`..`end` of `text` (RFC 3261 7.1, 7.2) as {@link parseStartLine}
 * parses it, the same errors located at `base` + its offset in the line, and says where its
 * parts lie; the reason phrase is made only when `reason` is true (or it is not ASCII).
 */
export function readStartLine(
  buf: Uint8Array,
  text: string,
  start: number,
  end: number,
  base: number,
  reason: boolean,
): Readonly<StartLineSpan> {
  const span = lineSpan;
  // Offsets in errors are from the line's start.
  const at = base - start;
  const first = text.charCodeAt(start);
  if (
    end - start >= 4 &&
    (first === 83 || first === 115) &&
    text.startsWith(first === 83 ? 'SIP/' : 'sip/', start)
  ) {
    // RFC 3261 7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    const sp = spaceIn(text, start, end);
    if (sp < 0) fail(buf, base + end - start, 'bad-status-line', 'status line has no status code');
    checkVersion(buf, text, start, sp, base);
    const c0 = text.charCodeAt(sp + 1);
    const c1 = text.charCodeAt(sp + 2);
    const c2 = text.charCodeAt(sp + 3);
    if (
      sp + 4 > end ||
      !isDigit(c0) ||
      !isDigit(c1) ||
      !isDigit(c2) ||
      sp + 4 >= end ||
      text.charCodeAt(sp + 4) !== 32
    ) {
      fail(
        buf,
        at + sp + 1,
        'bad-status-code',
        'the status code must be three digits followed by SP',
      );
    }
    const status = (c0 - 48) * 100 + (c1 - 48) * 10 + (c2 - 48);
    // RFC 3261 7.2: the first digit is the class, 1 to 6.
    if (status < 100 || status > 699)
      fail(buf, at + sp + 1, 'bad-status-code', `status code ${status} is outside 100-699`);
    let phrase = '';
    for (let i = sp + 5; i < end; i++) {
      const c = text.charCodeAt(i);
      if ((c < 0x20 && c !== 9) || c === 0x7f)
        fail(buf, at + i, 'bad-reason-phrase', 'control character in reason phrase');
      if (c >= 0x80) {
        phrase = decodeUtf8(buf, text.slice(sp + 5, end), at + sp + 5, 'Reason-Phrase');
        break;
      }
    }
    span.response = true;
    span.firstEnd = sp;
    span.secondEnd = sp + 4;
    span.status = status;
    span.reason = phrase === '' && reason ? text.slice(sp + 5, end) : phrase;
    return span;
  }
  // RFC 3261 7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF, exactly one SP each.
  const sp1 = spaceIn(text, start, end);
  const sp2 = sp1 < 0 ? -1 : spaceIn(text, sp1 + 1, end);
  if (sp1 <= start || sp2 < 0)
    fail(
      buf,
      at + Math.max(sp1, start),
      'bad-request-line',
      'request line must be "Method SP Request-URI SP SIP-Version"',
    );
  if (sp2 === sp1 + 1)
    fail(buf, at + sp2, 'bad-request-line', 'more than one SP between method and Request-URI');
  const sp3 = spaceIn(text, sp2 + 1, end);
  if (sp3 >= 0)
    fail(
      buf,
      at + sp3,
      'bad-request-line',
      'white space inside the Request-URI or after the version',
    );
  for (let i = start; i < sp1; i++) {
    if (!isIn(text.charCodeAt(i), TOKEN)) {
      const method = text.slice(start, sp1);
      fail(buf, base, 'bad-method', `method ${JSON.stringify(method)} is not a token`);
    }
  }
  checkVersion(buf, text, sp2 + 1, end, at + sp2 + 1);
  span.response = false;
  span.firstEnd = sp1;
  span.secondEnd = sp2;
  span.status = 0;
  span.reason = '';
  return span;
}

/** The first SP at `start`..`end` of `text`, or -1 (indexOf runs as a native search). */
function spaceIn(text: string, start: number, end: number): number {
  const at = text.indexOf(' ', start);
  return at < end ? at : -1;
}

/** Checks the version at `start`..`end` of `text`; `offset` is where it starts in `buf`. */
function checkVersion(
  buf: Uint8Array,
  text: string,
  start: number,
  end: number,
  offset: number,
): void {
  if (end - start === 7 && text.startsWith('SIP/2.0', start)) return;
  const version = text.slice(start, end);
  const m = VERSION.exec(version);
  if (!m) fail(buf, offset, 'bad-version', `bad SIP version ${JSON.stringify(version)}`);
  // RFC 3261 8.2.2 / 21.5.6: another version gets 505 (RFC 4475 3.1.2.16 badvers).
  if (Number(m[1]) !== 2 || Number(m[2]) !== 0) {
    fail(
      buf,
      offset,
      'unsupported-version',
      `SIP version ${version} is not supported`,
      undefined,
      505,
    );
  }
}
