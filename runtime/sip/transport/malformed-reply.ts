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

const REQUEST_LINE = /^([A-Za-z0-9.!%*_+`'~-]+) \S+ SIP\/2\.0$/;

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
  // RFC 3261 8.2.6.2: the response must carry From, To, Call-ID and a CSeq the client can match;
  // without them a reply would be malformed itself, so none is sent.
  for (const name of ['From', 'To', 'Call-ID'])
    if (!copied.some((line) => line.startsWith(`${name}: `))) return undefined;
  const cseq = copied.find((line) => line.startsWith('CSeq: '));
  const cseqParts = cseq === undefined ? null : /^CSeq: \d{1,10} (\S+)$/.exec(cseq);
  if (cseqParts?.[1] !== requestLine[1]) return undefined;
  return Buffer.from(
    `SIP/2.0 ${status} ${reason}\r\n${copied.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
    'latin1',
  );
}
