import { allIn, TOKEN } from './char-classes.js';
import { headerKey } from './header-names.js';
import { SipHeaderField, SipHeaders } from './sip-headers.js';
import { SipParseError } from './sip-parse-error.js';

/**
 * A `message/sipfrag` body (RFC 3420): a start line, optionally header
 * lines and a body. REFER's NOTIFY carries just the status line of the
 * referred request's response, e.g. "SIP/2.0 100 Trying" (RFC 3515 2.4.5).
 */
export interface SipFrag {
  /** The start line exactly as written (request or status line). */
  readonly startLine: string;
  /** Status code when the start line is a status line. */
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly method: string | undefined;
  readonly requestUri: string | undefined;
  readonly headers: SipHeaders;
  readonly body: Uint8Array;
}

const STATUS = /^SIP\/2\.0 ([1-6]\d\d) ([^\r\n]*)$/;
const REQUEST = /^([^ ]+) ([^ ]+) SIP\/2\.0$/;

/** Parses a message/sipfrag body; throws SipParseError (code `bad-sipfrag`) on a malformed one. */
export function parseSipFrag(data: Uint8Array | string): SipFrag {
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const text =
    typeof data === 'string'
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  const fail = (reason: string, offset: number): never => {
    throw SipParseError.at('bad-sipfrag', reason, offset);
  };
  // RFC 3420 2: sipfrag = [ start-line ] *message-header [ CRLF [ message-body ] ]; we need the start line.
  const firstEnd = text.indexOf('\r\n');
  const startLine = firstEnd < 0 ? text : text.slice(0, firstEnd);
  const statusMatch = STATUS.exec(startLine);
  const requestMatch = statusMatch ? null : REQUEST.exec(startLine);
  if (!statusMatch && !(requestMatch && allIn(requestMatch[1] ?? '', TOKEN)))
    fail(`bad sipfrag start line ${JSON.stringify(startLine)}`, 0);
  const fields: SipHeaderField[] = [];
  let pos = firstEnd < 0 ? text.length : firstEnd + 2;
  let body: Uint8Array = new Uint8Array(0);
  while (pos < text.length) {
    let end = text.indexOf('\r\n', pos);
    if (end === pos) {
      // The body keeps its bytes: cut it from the input, after the empty line.
      const blank = bytes.indexOf('\r\n\r\n');
      body = bytes.subarray(blank < 0 ? bytes.length : blank + 4);
      break;
    }
    if (end < 0) end = text.length;
    // RFC 3261 7.3.1 folding applies inside a sipfrag as well.
    while (text.charCodeAt(end + 2) === 32 || text.charCodeAt(end + 2) === 9) {
      const next = text.indexOf('\r\n', end + 2);
      end = next < 0 ? text.length : next;
    }
    const line = text.slice(pos, end).replace(/\r\n/g, '  ');
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trimEnd();
    if (!allIn(name, TOKEN)) fail('bad sipfrag header line', pos);
    fields.push(new SipHeaderField(name, headerKey(name), line.slice(colon + 1).trim()));
    pos = end + 2;
  }
  return {
    startLine,
    status: statusMatch ? Number(statusMatch[1]) : undefined,
    reason: statusMatch ? statusMatch[2] : undefined,
    method: requestMatch?.[1],
    requestUri: requestMatch?.[2],
    headers: SipHeaders.adopt(fields),
    body,
  };
}

/** What `serializeSipFrag` writes. */
export interface SipFragParts {
  readonly startLine: string;
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: Uint8Array;
}

/** Writes a message/sipfrag body: the start line, headers, and a body after an empty line. */
export function serializeSipFrag(frag: SipFragParts): Buffer {
  parseSipFrag(frag.startLine);
  let text = `${frag.startLine}\r\n`;
  for (const [name, value] of frag.headers ?? []) {
    if (!allIn(name, TOKEN) || /[\r\n]/.test(value))
      throw SipParseError.at('bad-sipfrag', `bad sipfrag header ${name}`, 0);
    text += `${name}: ${value}\r\n`;
  }
  const head = Buffer.from(text, 'utf8');
  return frag.body && frag.body.length > 0
    ? Buffer.concat([head, Buffer.from('\r\n'), frag.body])
    : head;
}

/** The sipfrag a NOTIFY for REFER carries for a status (RFC 3515 2.4.5), e.g. "SIP/2.0 200 OK\r\n". */
export function statusSipFrag(status: number, reason: string): Buffer {
  return serializeSipFrag({ startLine: `SIP/2.0 ${status} ${reason}` });
}
