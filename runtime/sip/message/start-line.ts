import { allIn, isDigit, TOKEN } from './char-classes.js';
import { decodeUtf8, fail } from './message-bytes.js';

const VERSION = /^SIP\/(\d+)\.(\d+)$/i;

/** A parsed start line: request (method, Request-URI, version) or response (version, status, reason). */
export interface StartLine {
  readonly request?: [string, string, string];
  readonly response?: [string, number, string];
}

/** Parses the start line (RFC 3261 7.1, 7.2); `base` is its byte offset in `buf`. */
export function parseStartLine(buf: Uint8Array, line: string, base: number): StartLine {
  if (line.startsWith('SIP/') || line.startsWith('sip/')) {
    // RFC 3261 7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    const sp = line.indexOf(' ');
    if (sp < 0) fail(buf, base + line.length, 'bad-status-line', 'status line has no status code');
    const version = line.slice(0, sp);
    checkVersion(buf, version, base);
    const code = line.slice(sp + 1, sp + 4);
    if (
      code.length !== 3 ||
      !isDigit(code.charCodeAt(0)) ||
      !isDigit(code.charCodeAt(1)) ||
      !isDigit(code.charCodeAt(2)) ||
      line.charCodeAt(sp + 4) !== 32
    ) {
      fail(
        buf,
        base + sp + 1,
        'bad-status-code',
        'the status code must be three digits followed by SP',
      );
    }
    const status = Number(code);
    // RFC 3261 7.2: the first digit is the class, 1 to 6.
    if (status < 100 || status > 699)
      fail(buf, base + sp + 1, 'bad-status-code', `status code ${status} is outside 100-699`);
    let reason = line.slice(sp + 5);
    for (let i = 0; i < reason.length; i++) {
      const c = reason.charCodeAt(i);
      if ((c < 0x20 && c !== 9) || c === 0x7f)
        fail(buf, base + sp + 5 + i, 'bad-reason-phrase', 'control character in reason phrase');
      if (c >= 0x80) {
        reason = decodeUtf8(buf, reason, base + sp + 5, 'Reason-Phrase');
        break;
      }
    }
    return { response: [version, status, reason] };
  }
  // RFC 3261 7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF, exactly one SP each.
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0)
    fail(
      buf,
      base + Math.max(sp1, 0),
      'bad-request-line',
      'request line must be "Method SP Request-URI SP SIP-Version"',
    );
  if (sp2 === sp1 + 1)
    fail(buf, base + sp2, 'bad-request-line', 'more than one SP between method and Request-URI');
  if (line.indexOf(' ', sp2 + 1) >= 0)
    fail(
      buf,
      base + line.indexOf(' ', sp2 + 1),
      'bad-request-line',
      'white space inside the Request-URI or after the version',
    );
  const method = line.slice(0, sp1);
  if (!allIn(method, TOKEN))
    fail(buf, base, 'bad-method', `method ${JSON.stringify(method)} is not a token`);
  const version = line.slice(sp2 + 1);
  checkVersion(buf, version, base + sp2 + 1);
  return { request: [method, line.slice(sp1 + 1, sp2), version] };
}

function checkVersion(buf: Uint8Array, version: string, offset: number): void {
  if (version === 'SIP/2.0') return;
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
