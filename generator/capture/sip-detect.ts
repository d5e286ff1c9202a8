/**
 * Finding SIP by content, on any port: a payload is SIP when it starts with
 * a SIP start line (RFC 3261 section 7.1 Request-Line
 * `Method SP Request-URI SP SIP-Version CRLF`, section 7.2 Status-Line
 * `SIP-Version SP Status-Code SP Reason-Phrase CRLF`). Also the message
 * length for stream framing (section 18.3: Content-Length is mandatory on
 * stream transports). Byte comparisons only: no decoding, no regex. This is
 * framing, not parsing: the runtime's parser reads the messages.
 */

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const COLON = 0x3a;
const HTAB = 0x09;

/** Longest start line accepted when looking for SIP. */
const MAX_START_LINE = 4096;
/** "SIP/2.0" */
const SIP_VERSION = [0x53, 0x49, 0x50, 0x2f, 0x32, 0x2e, 0x30];

/** RFC 3261 section 25.1 `token` characters (alphanum and -.!%*_+`'~). */
const TOKEN = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;
for (const ch of "-.!%*_+`'~") TOKEN[ch.charCodeAt(0)] = 1;

function isSipVersionAt(data: Uint8Array, p: number, end: number): boolean {
  if (end - p < 7) return false;
  for (let i = 0; i < 7; i++) if (data[p + i] !== SIP_VERSION[i]) return false;
  return true;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * True when `data[start, end)` starts with a SIP request or status line.
 * A status line needs `SIP/2.0 DDD `; a request line a token method, one
 * space, a URI with a scheme (letters then ':'), one space and `SIP/2.0`
 * right before the line end.
 */
export function isSipStartLine(data: Uint8Array, start: number, end: number): boolean {
  if (end - start < 12) return false;
  if (data[start] === 0x53 && isSipVersionAt(data, start, end)) {
    // Status-Line: SIP/2.0 SP 3DIGIT SP
    return (
      data[start + 7] === SP &&
      isDigit(data[start + 8]) &&
      isDigit(data[start + 9]) &&
      isDigit(data[start + 10]) &&
      (data[start + 11] === SP || data[start + 11] === CR)
    );
  }
  // Request-Line: Method SP
  let p = start;
  const limit = Math.min(end, start + MAX_START_LINE);
  while (p < limit && TOKEN[data[p] ?? 0] === 1) p++;
  if (p === start || p - start > 32 || p >= limit || data[p] !== SP) return false;
  p++;
  // Request-URI: scheme (ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")) ":" then no spaces.
  const uriStart = p;
  while (p < limit && TOKEN[data[p] ?? 0] === 1 && data[p] !== 0x25) p++;
  if (p === uriStart || p >= limit || data[p] !== COLON) return false;
  while (p < limit && data[p] !== SP && data[p] !== CR && data[p] !== LF) p++;
  if (p >= limit || data[p] !== SP) return false;
  p++;
  if (!isSipVersionAt(data, p, limit)) return false;
  p += 7;
  return p < limit && (data[p] === CR || data[p] === LF);
}

/**
 * Finds a SIP start line at `start` or at the start of any later line in
 * `[start, end)`. Returns its offset, or -1.
 */
export function findSipStartLine(data: Uint8Array, start: number, end: number): number {
  if (isSipStartLine(data, start, end)) return start;
  for (let p = start; p < end; p++) {
    if (data[p] === LF && isSipStartLine(data, p + 1, end)) return p + 1;
  }
  return -1;
}

/** Result of `sipMessageLength` when the header block is not complete yet. */
export const INCOMPLETE = -1;

function lowerAt(data: Uint8Array, p: number): number {
  const c = data[p] ?? 0;
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

const CONTENT_LENGTH = 'content-length'.split('').map((c) => c.charCodeAt(0));

/** True when `data` at `p` spells `word` (lower-case letters) in any case. */
function matchesLower(data: Uint8Array, p: number, word: readonly number[]): boolean {
  for (let i = 0; i < word.length; i++) if (lowerAt(data, p + i) !== word[i]) return false;
  return true;
}

/** True when the header line at `p` is named Content-Length or its compact form `l` (section 7.3.3). */
function contentLengthValueStart(data: Uint8Array, p: number, lineEnd: number): number {
  let q: number;
  if (lineEnd - p >= 14 && matchesLower(data, p, CONTENT_LENGTH)) q = p + 14;
  else if (lowerAt(data, p) === 0x6c) q = p + 1;
  else return -1;
  while (q < lineEnd && (data[q] === SP || data[q] === HTAB)) q++;
  return q < lineEnd && data[q] === COLON ? q + 1 : -1;
}

/**
 * Length of the SIP message starting at `start`: the header block up to and
 * including the empty line, plus Content-Length (0 when absent). Returns
 * INCOMPLETE when the empty line is not within `[start, end)`, or -2 when
 * the header block is longer than `maxHeader` or Content-Length is not a
 * number.
 */
export function sipMessageLength(
  data: Uint8Array,
  start: number,
  end: number,
  maxHeader: number,
): number {
  let contentLength = 0;
  let lineStart = start;
  const limit = Math.min(end, start + maxHeader);
  for (let p = start; p < limit; p++) {
    if (data[p] !== LF) continue;
    const lineEnd = p > lineStart && data[p - 1] === CR ? p - 1 : p;
    if (lineEnd === lineStart && lineStart !== start) return p + 1 - start + contentLength;
    if (lineStart !== start) {
      const value = contentLengthValueStart(data, lineStart, lineEnd);
      if (value >= 0) {
        let q = value;
        while (q < lineEnd && (data[q] === SP || data[q] === HTAB)) q++;
        let n = 0;
        let digits = 0;
        while (q < lineEnd && isDigit(data[q])) {
          n = n * 10 + ((data[q] ?? 0) - 0x30);
          q++;
          digits++;
        }
        if (digits === 0 || digits > 9) return -2;
        contentLength = n;
      }
    }
    lineStart = p + 1;
  }
  return end - start >= maxHeader ? -2 : INCOMPLETE;
}
