/**
 * The best-effort answer to a request that failed to parse: RFC 3261 16.3 and
 * 8.2 say a malformed request is answered with 400 when that is still
 * possible. Possible means the request line is readable (so it is a request,
 * and not an ACK, which is never answered) and a Via header exists to route
 * the response (RFC 3261 18.2.2). Only raw header lines are copied; nothing
 * here interprets header values.
 */
import { randomBytes } from 'node:crypto';

/** RFC 3261 8.2.6.2: the header fields a response copies from its request. */
const COPIED: ReadonlyMap<string, string> = new Map([
  ['via', 'Via'],
  ['v', 'Via'],
  ['from', 'From'],
  ['f', 'From'],
  ['to', 'To'],
  ['t', 'To'],
  ['call-id', 'Call-ID'],
  ['i', 'Call-ID'],
  ['cseq', 'CSeq'],
]);

/**
 * A request line as far as an answer needs it: the method (a token, RFC 3261
 * 25.1) and something after it. White space in or around the Request-URI
 * (RFC 4475 3.1.2.6 lwsruri, 3.1.2.7 lwsstart, 3.1.2.8 trws) does not stop
 * the answer; a status line (`SIP/2.0 200 OK`) does not match, `/` being no
 * token character.
 */
const REQUEST_LINE = /^([A-Za-z0-9.!%*_+`'~-]+)[ \t]+\S/;
/** The SIP-Version at the end of a request line (RFC 3261 7.1). */
const VERSION = /[ \t]SIP\/(\d+\.\d+)[ \t]*$/i;

/**
 * Builds the raw bytes of a 400 (or `status`, e.g. 505) response for a
 * request that did not parse, or returns undefined when no response can be
 * routed (no readable request line, no Via, or the request is an ACK).
 */
export function buildMalformedRequestReply(
  bytes: Buffer,
  status = 400,
  reason = 'Bad Request',
): Buffer | undefined {
  const text = bytes.toString('latin1');
  const headEnd = text.search(/\r?\n\r?\n/);
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const lines = head.split(/\r?\n/);
  const requestLine = REQUEST_LINE.exec(lines[0] ?? '');
  // RFC 3261 17: an ACK is never answered.
  if (!requestLine || requestLine[1] === 'ACK') return undefined;
  // RFC 3261 21.5.6, RFC 4475 3.1.2.16 badvers: another SIP version is answered 505.
  const version = VERSION.exec(lines[0] ?? '')?.[1];
  const otherVersion = version !== undefined && version !== '2.0' && status === 400;
  const statusLine = otherVersion ? '505 Version Not Supported' : `${status} ${reason}`;
  const copied: string[] = [];
  let hasVia = false;
  let current: string | undefined;
  const flush = (): void => {
    if (current !== undefined) copied.push(current);
    current = undefined;
  };
  for (const line of lines.slice(1)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== undefined) {
      // RFC 3261 7.3.1: folded continuation of the previous header line.
      current += ` ${line.trim()}`;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = COPIED.get(line.slice(0, colon).trim().toLowerCase());
    if (!name) continue;
    const value = line.slice(colon + 1).trim();
    if (value === '') continue;
    if (name === 'Via') hasVia = true;
    // RFC 3261 8.2.6.2: the UAS adds a To tag when the request had none.
    current =
      name === 'To' && !/;\s*tag=/i.test(value)
        ? `To: ${value};tag=${randomBytes(6).toString('hex')}`
        : `${name}: ${value}`;
  }
  flush();
  if (!hasVia) return undefined;
  // RFC 3261 8.2.6.2: the response carries From, To, Call-ID and CSeq as received; without
  // them a reply would be malformed itself, so none is sent. A CSeq out of range or naming
  // another method (RFC 4475 3.1.2.1 scalar02, 3.1.2.17 mismatch01) is copied as it came.
  for (const name of ['From', 'To', 'Call-ID'])
    if (!copied.some((line) => line.startsWith(`${name}: `))) return undefined;
  // A CSeq without a number could not be matched by the client (RFC 3261 17.1.3): no answer.
  const cseq = copied.find((line) => line.startsWith('CSeq: '));
  if (cseq === undefined || !/^CSeq: \d+[ \t]+\S+$/.test(cseq)) return undefined;
  return Buffer.from(
    `SIP/2.0 ${statusLine}\r\n${copied.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
    'latin1',
  );
}
