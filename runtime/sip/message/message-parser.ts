import { isAscii } from 'node:buffer';
import { allIn, TOKEN } from './char-classes.js';
import { headerInfo, knownHeaderAt } from './header-registry.js';
import { decodeUtf8, fail, latin1, relocate, toBytes } from './message-bytes.js';
import type { MessageLayout } from './message-layout.js';
import type { CSeq } from './simple-headers.js';
import { SipHeaderField, SipHeaders } from './sip-headers.js';
import { CheckedRequestUri, SipRequest, SipResponse } from './sip-message.js';
import type { SipMessage } from './sip-message.js';
import { contentLengthAt, readCSeq } from './simple-headers.js';
import { readStartLine } from './start-line.js';
import { checkUri } from './uri.js';

/** How the message arrived, which decides how its body is delimited. */
export interface ParseOptions {
  /**
   * `datagram` (default): a missing Content-Length means the body runs to
   * the end and extra bytes after it are discarded (RFC 3261 18.3).
   * `stream`: the input is exactly one framed message and Content-Length is
   * mandatory (RFC 3261 18.3, 20.14).
   */
  readonly transport?: 'datagram' | 'stream';
  /**
   * The bytes parsed without error before, with this parser and options (a capture's message
   * read again in another thread): the structured headers (Via, From, To, CSeq, ...) are then
   * parsed when first read rather than with the message, and the checks that passed before are
   * not repeated. Bytes that were never parsed must not be given this way.
   */
  readonly checked?: boolean;
  /**
   * Filled with where the start line, each header line and the body lie in the bytes when the
   * parse succeeds, so that the message can be built again from its bytes without parsing them
   * (message-layout.ts).
   */
  readonly layout?: MessageLayout;
}

/**
 * Whether an ASCII header value holds anything but printable characters, SP
 * and HTAB (a loop: cheaper than a regular expression on values this short).
 */
function hasControl(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Checks one value of a header section that has control or non-ASCII
 * characters: a control character may only appear as a quoted-pair (RFC
 * 3261 25.1), and octets above 0x7F must be UTF-8.
 */
function cleanValue(buf: Uint8Array, value: string, offset: number, header: string): string {
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) high = true;
    else if ((c < 0x20 && c !== 9) || c === 0x7f) {
      // RFC 3261 25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F), never CR or LF
      if (i === 0 || value.charCodeAt(i - 1) !== 92 || c === 13 || c === 10) {
        fail(
          buf,
          offset + i,
          'bad-header-value',
          `control character 0x${c.toString(16)} in header value`,
          header,
        );
      }
    }
  }
  return high ? decodeUtf8(buf, value, offset, header) : value;
}

/**
 * The index of the CR ending the line that starts at `pos`. RFC 3261 7:
 * lines end in CRLF; a lone CR or LF is an error.
 */
function endOfLine(buf: Uint8Array, head: string, pos: number, base: number): number {
  const lf = head.indexOf('\n', pos);
  // A lone LF is caught here; a lone CR inside a line is caught by the check
  // of whatever holds it (start line, header name, header value grammar).
  if (lf < 1 || head.charCodeAt(lf - 1) !== 13) {
    fail(buf, base + (lf < 0 ? head.length : lf), 'bad-line-ending', 'lines must end in CRLF');
  }
  return lf - 1;
}

const EMPTY_BODY = new Uint8Array(0);

/** A plain Uint8Array view of bytes `start`..`end` (cheaper to make than a Buffer slice). */
function view(buf: Uint8Array, start: number, end: number): Uint8Array {
  return end <= start
    ? EMPTY_BODY
    : new Uint8Array(buf.buffer, buf.byteOffset + start, end - start);
}

/**
 * Parses one SIP message (RFC 3261 7) from bytes or text. Strict: anything
 * RFC 3261 section 25 does not allow in the start line and the core headers
 * is a SipParseError with its location, the only error this throws.
 */
export function parseMessage(data: Uint8Array | string, options: ParseOptions = {}): SipMessage {
  return parse(data, options, true) as SipMessage;
}

/**
 * Checks one SIP message exactly as {@link parseMessage} does (the same
 * SipParseError for the same bytes) without building it: no header field,
 * header value nor message object is kept. With `options.layout`, where its
 * parts lie is kept there, for the message to be built later from its bytes
 * (`flowspec diff` checks a capture in one thread and builds its messages in
 * another, message-layout.ts).
 */
export function checkMessage(data: Uint8Array | string, options: ParseOptions = {}): void {
  parse(data, options, false);
}

/** The parse of {@link parseMessage}; the message only when `build`. */
function parse(
  data: Uint8Array | string,
  options: ParseOptions,
  build: boolean,
): SipMessage | undefined {
  const buf = toBytes(data);
  let start = 0;
  // RFC 3261 7.5: CRLFs before the start line are ignored.
  while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
  if (start >= buf.length) fail(buf, start, 'empty-message', 'no message');
  // One byte per character, so offsets in these strings are byte offsets.
  const all = latin1(buf, start, buf.length);
  const headLength = all.indexOf('\r\n\r\n');
  if (headLength < 0)
    fail(
      buf,
      buf.length,
      'incomplete-headers',
      'the header section does not end with an empty line',
    );
  const headEnd = start + headLength;
  // The header section is `all` up to `headLimit` (its last CRLF included);
  // reading `all` directly spares every access the indirection of a slice.
  const head = all;
  const headLimit = headLength + 2;
  // Fast path: an all-ASCII header section needs no UTF-8 decoding; control
  // characters are then caught by each header's grammar, or by hasControl for
  // headers parsed later. The whole input is tested first: it is usually
  // ASCII too, and needs no view.
  const ascii = isAscii(buf) || isAscii(view(buf, start, headEnd));
  const checked = options.checked === true;
  const layout = options.layout;
  layout?.begin(ascii);
  let lineEnd = endOfLine(buf, head, 0, start);
  const startLineEnd = lineEnd;
  // Read in place: where its parts lie, strings made only for a message built.
  const line = readStartLine(buf, head, 0, lineEnd, start, build);
  const response = line.response;
  // Request: the method is head[0, methodEnd), the Request-URI up to uriEnd.
  // Response: the version is head[0, methodEnd).
  const methodEnd = line.firstEnd;
  const uriEnd = line.secondEnd;
  const status = line.status;
  const reason = line.reason;
  const method = build && !response ? head.slice(0, methodEnd) : undefined;
  const fields: SipHeaderField[] | undefined = build ? [] : undefined;
  // RFC 3261 20.14: the Content-Length values seen, which delimit the body: the last one
  // (undefined when there is none), and whether two of them differ.
  let length: number | undefined = undefined;
  let conflicting = false;
  let pos = lineEnd + 2;
  while (pos < headLimit) {
    const c = head.charCodeAt(pos);
    if (c === 32 || c === 9)
      fail(buf, start + pos, 'bad-header-line', 'continuation line without a header');
    lineEnd = endOfLine(buf, head, pos, start);
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon > lineEnd)
      fail(buf, start + pos, 'bad-header-line', 'header line without ":"');
    let nameEnd = colon;
    // RFC 3261 25.1: HCOLON = *( SP / HTAB ) ":" SWS
    while (
      nameEnd > pos &&
      (head.charCodeAt(nameEnd - 1) === 32 || head.charCodeAt(nameEnd - 1) === 9)
    )
      nameEnd--;
    const spelled = knownHeaderAt(head, pos, nameEnd);
    const name = spelled === undefined ? head.slice(pos, nameEnd) : spelled.spelling;
    if (spelled === undefined && !allIn(name, TOKEN))
      fail(buf, start + pos, 'bad-header-name', `bad header name ${JSON.stringify(name)}`);
    const info = spelled === undefined ? headerInfo(name) : spelled.info;
    let valueStart = colon + 1;
    // RFC 3261 7.3.1: a line starting with SP or HTAB continues the header (folding).
    let folded = false;
    while (head.charCodeAt(lineEnd + 2) === 32 || head.charCodeAt(lineEnd + 2) === 9) {
      folded = true;
      lineEnd = endOfLine(buf, head, lineEnd + 2, start);
    }
    let valueEnd = lineEnd;
    let c2 = head.charCodeAt(valueStart);
    while (valueStart < valueEnd && (c2 === 32 || c2 === 9 || c2 === 13 || c2 === 10))
      c2 = head.charCodeAt(++valueStart) | 0;
    c2 = head.charCodeAt(valueEnd - 1);
    while (valueEnd > valueStart && (c2 === 32 || c2 === 9 || c2 === 13 || c2 === 10))
      c2 = head.charCodeAt(--valueEnd - 1);
    // A check of a plain ASCII value needs no string of it: it reads the header section.
    const plain = ascii && !folded;
    let value = build || !plain ? head.slice(valueStart, valueEnd) : '';
    // Each CRLF of a fold becomes two SP, keeping offsets and meaning (RFC 3261 7.3.1).
    if (folded) value = value.replace(/\r\n/g, '  ');
    const key = info.key;
    if (!ascii) value = cleanValue(buf, value, start + valueStart, name);
    // Read from the header section itself (a flat string) unless folding changed the value.
    else if (
      !checked &&
      info.eager === undefined &&
      (folded ? hasControl(value, 0, value.length) : hasControl(head, valueStart, valueEnd))
    )
      cleanValue(buf, folded ? value : head.slice(valueStart, valueEnd), start + valueStart, name);
    if (layout !== undefined) {
      if (folded) layout.plain = false;
      layout.line(
        spelled?.id ?? -1,
        start + pos,
        start + nameEnd,
        start + valueStart,
        start + valueEnd,
      );
    }
    let parsed: unknown = undefined;
    if (build) {
      // Content-Length delimits the body: read now even for checked bytes.
      if (checked && key === 'content-length') parsed = info.eager?.(value, name);
      else if (!checked && info.eager !== undefined) {
        try {
          parsed = info.eager(value, name);
        } catch (error) {
          relocate(buf, start + valueStart, error);
        }
        // RFC 3261 8.1.1.5: the CSeq method matches the request method (RFC 4475 3.1.2.17-18).
        if (key === 'cseq' && method !== undefined && (parsed as CSeq).method !== method)
          cseqMismatch(buf, start + valueStart, (parsed as CSeq).method, method, name);
      }
    } else if (info.check !== undefined && (!checked || key === 'content-length')) {
      // The same grammar checked where the value lies: in the header section itself unless
      // unfolding or decoding rewrote it (then in `value`).
      const text = plain ? head : value;
      const from = plain ? valueStart : 0;
      const to = plain ? valueEnd : value.length;
      let cseqMethod = -1;
      let cseqEnd = -1;
      try {
        if (key === 'content-length') parsed = contentLengthAt(text, from, to, name);
        else if (key === 'cseq') {
          const cseq = readCSeq(text, from, to, name);
          cseqMethod = cseq.methodStart;
          cseqEnd = cseq.methodEnd;
        } else info.check(text, from, to, name);
      } catch (error) {
        relocate(buf, start + valueStart - from, error);
      }
      if (cseqMethod >= 0 && !response && !sameText(text, cseqMethod, cseqEnd, head, 0, methodEnd))
        cseqMismatch(
          buf,
          start + valueStart,
          text.slice(cseqMethod, cseqEnd),
          head.slice(0, methodEnd),
          name,
        );
    }
    if (key === 'content-length') {
      const n = parsed as number;
      if (length !== undefined && length !== n) conflicting = true;
      length = n;
    }
    if (fields !== undefined) {
      const field = new SipHeaderField(name, key, value);
      field.parsed = parsed;
      fields.push(field);
    }
    pos = lineEnd + 2;
  }
  const body = sliceBody(buf, headEnd + 4, length, conflicting, options.transport ?? 'datagram');
  if (response) {
    // The reason phrase is at `version.length + 5` (RFC 3261 7.2).
    layout?.end(buf, true, start, start + startLineEnd, start + methodEnd, status, body);
    return fields === undefined
      ? undefined
      : new SipResponse(status, reason, SipHeaders.adopt(fields), body, head.slice(0, methodEnd));
  }
  if (!checked) {
    try {
      checkUri(head, 'request-uri', 'Request-URI', methodEnd + 1, uriEnd);
    } catch (error) {
      relocate(buf, start, error);
    }
  }
  layout?.end(buf, false, start, start + startLineEnd, start + methodEnd, start + uriEnd, body);
  return fields === undefined
    ? undefined
    : new SipRequest(
        method ?? '',
        new CheckedRequestUri(head.slice(methodEnd + 1, uriEnd)),
        SipHeaders.adopt(fields),
        body,
        head.slice(uriEnd + 1, startLineEnd),
      );
}

/** RFC 3261 8.1.1.5: the CSeq method matches the request method (RFC 4475 3.1.2.17-18). */
function cseqMismatch(
  buf: Uint8Array,
  offset: number,
  cseqMethod: string,
  method: string,
  header: string,
): never {
  fail(
    buf,
    offset,
    'cseq-method-mismatch',
    `CSeq method ${cseqMethod} does not match ${method}`,
    header,
  );
}

/** Whether `a`..`aEnd` of `x` and `b`..`bEnd` of `y` hold the same characters. */
function sameText(x: string, a: number, aEnd: number, y: string, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (x.charCodeAt(a + i) !== y.charCodeAt(b + i)) return false;
  return true;
}

/**
 * The body after the header section, delimited by the Content-Length values of the header
 * section (RFC 3261 20.14): the last one (undefined when there is none), and whether two of
 * them differ.
 */
function sliceBody(
  buf: Uint8Array,
  bodyStart: number,
  length: number | undefined,
  conflicting: boolean,
  transport: 'datagram' | 'stream',
): Uint8Array {
  const available = buf.length - bodyStart;
  if (length === undefined || conflicting) {
    // RFC 3261 18.3: over a stream the Content-Length header field MUST be used.
    if (transport === 'stream') {
      fail(
        buf,
        bodyStart,
        conflicting ? 'bad-content-length' : 'missing-content-length',
        conflicting
          ? 'conflicting Content-Length values'
          : 'a message on a stream needs Content-Length',
      );
    }
    // RFC 3261 18.3: over UDP without Content-Length the body ends with the datagram;
    // conflicting values (RFC 4475 3.3.9 mcl01) are left for validateRequest to answer 400.
    return view(buf, bodyStart, buf.length);
  }
  // RFC 3261 18.3: fewer octets than Content-Length is an error (RFC 4475 3.1.2.2 clerr).
  if (length > available)
    fail(
      buf,
      buf.length,
      'content-length-mismatch',
      `Content-Length ${length} exceeds the ${available} octets received`,
      'Content-Length',
    );
  if (transport === 'stream' && length < available)
    fail(
      buf,
      bodyStart + length,
      'content-length-mismatch',
      'bytes after the body of a framed message',
    );
  // RFC 3261 18.3: datagram octets beyond Content-Length are discarded (RFC 4475 3.1.1.8 dblreq).
  return view(buf, bodyStart, bodyStart + length);
}
