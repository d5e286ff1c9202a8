import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  getCallId,
  getContacts,
  getCSeq,
  getFrom,
  getTo,
  getVias,
  parseMessage,
  SipHeaderField,
} from '../../../../runtime/sip/message/index.js';
import type { SipMessage } from '../../../../runtime/sip/message/index.js';
import { headerSpelling, knownSpellings } from '../../../../runtime/sip/message/header-registry.js';
import {
  laidOutMessage,
  laidOutSize,
  laidOutSpellings,
  MessageLayout,
  writeLaidOut,
} from '../../../../runtime/sip/message/message-layout.js';
import { tortureCases } from './torture-fixtures.js';

/*
 * A message built from its bytes and the layout the parser kept of them
 * (message-layout.ts) reads exactly as the parse of the same bytes: every
 * header, value, start line part and the body, and the structured headers.
 */

const CRLF = '\r\n';

/** Varied messages: compact and unknown names, repeated and list headers, odd spacing, bodies. */
const MESSAGES: readonly string[] = [
  [
    'INVITE sip:bob@example.net;transport=tcp SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1;rport, SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK-0',
    'v: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bK-2',
    'VIA :  SIP/2.0/UDP h.example.com;branch=z9hG4bK-3   ',
    'Max-Forwards: 70',
    'f: "Alice" <sip:alice@example.net>;tag=1928',
    't:<sip:bob@example.net>',
    'i: a84b4c76e66710@pc33',
    'CSeq:\t314159   INVITE',
    'm: <sip:alice@192.0.2.1>;expires=30, <sip:a2@192.0.2.2>',
    'X-Custom-Thing: one, two',
    'x-custom-thing: three',
    'P-Asserted-Identity: <sip:alice@example.net>',
    'Subject:',
    'c: application/sdp',
    'l: 13',
    '',
    'v=0\r\no=- 1 1 IN',
  ].join(CRLF),
  [
    'SIP/2.0 180 Ringing',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1',
    'From: <sip:a@x>;tag=1',
    'To: <sip:b@y>;tag=2',
    'Call-ID: r-1',
    'CSeq: 1 INVITE',
    'Record-Route: <sip:p1.example.net;lr>, <sip:p2.example.net;lr>',
    'Content-Length: 0',
    '',
    '',
  ].join(CRLF),
  ['SIP/2.0 603 Decline, with words', 'Call-ID: x', 'l: 0', '', ''].join(CRLF),
  ['SIP/2.0 200 ', 'Call-ID: x', '', 'no Content-Length: the body runs to the end'].join(CRLF),
  // RFC 3261 7.5: CRLFs before the start line are ignored.
  [
    '',
    '',
    'BYE sip:b@y SIP/2.0',
    'Via: SIP/2.0/UDP h;branch=z9hG4bK-9',
    'Call-ID: y',
    'CSeq: 2 BYE',
    'Content-Length: 0',
    '',
    '',
  ].join(CRLF),
  ['MYMETHOD sip:b@y SIP/2.0', 'Call-ID: z', 'CSeq: 7 MYMETHOD', 'l: 0', '', ''].join(CRLF),
  // Bytes past Content-Length in a datagram are discarded (RFC 3261 18.3).
  ['OPTIONS sip:b@y SIP/2.0', 'Call-ID: z', 'CSeq: 1 OPTIONS', 'l: 2', '', 'okEXTRA'].join(CRLF),
];

/** Messages the layout does not describe as they are: read by parsing them again. */
const REWRITTEN: readonly string[] = [
  [
    'OPTIONS sip:b@y SIP/2.0',
    'Subject: folded',
    '  over two lines',
    'Call-ID: f',
    'l: 0',
    '',
    '',
  ].join(CRLF),
  [
    'OPTIONS sip:b@y SIP/2.0',
    'From: "Al\u00e9" <sip:a@x>;tag=1',
    'Call-ID: u',
    'l: 0',
    '',
    '',
  ].join(CRLF),
  ['SIP/2.0 200 D\u00e9j\u00e0 vu', 'Call-ID: u', 'l: 0', '', ''].join(CRLF),
];

/** The message laid out as a batch carries it (names that are not known spellings in a table). */
function laidOut(
  bytes: Uint8Array,
  transport: 'datagram' | 'stream' = 'datagram',
): SipMessage | undefined {
  const layout = new MessageLayout();
  parseMessage(bytes, { transport, layout });
  expect(layout.bytes).toBe(bytes);
  const numbers = new Int32Array(3 + layout.laidOutSize);
  const names: string[] = [];
  // Written after other numbers, as in a batch.
  const end = writeLaidOut(layout, numbers, 3, (name) => {
    if (!names.includes(name)) names.push(name);
    return knownSpellings.length + names.indexOf(name);
  });
  expect(end).toBe(numbers.length);
  expect(laidOutSize(numbers, 3)).toBe(layout.laidOutSize);
  return laidOutMessage(bytes, numbers, 3, laidOutSpellings(names.map(headerSpelling)));
}

/** Everything a message says, read through its API. */
function reading(m: SipMessage): unknown {
  const keys = [...new Set([...m.headers].map((f) => f.key))];
  return {
    start:
      m.kind === 'request' ? [m.method, m.requestUri, m.version] : [m.status, m.reason, m.version],
    body: Buffer.from(m.body).toString('latin1'),
    size: m.headers.size,
    byName: keys.map((k) => [
      k,
      m.headers.get(k),
      m.headers.getAll(k),
      m.headers.count(k),
      m.headers.has(k),
      m.headers.first(k)?.value,
      m.headers.fields(k).map((f) => [f.name, f.key, f.value]),
    ]),
    fields: [...m.headers].map((f) => [f.name, f.key, f.value]),
  };
}

function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

describe('a laid-out message', () => {
  it('reads as the parse of the same bytes, header by header', () => {
    for (const text of MESSAGES) {
      const bytes = bytesOf(text);
      const parsed = parseMessage(bytes);
      const laid = laidOut(bytes);
      expect(laid).toBeDefined();
      if (laid === undefined) continue;
      // Read by name first (values made one at a time), then iterated (every field made).
      expect(reading(laid)).toEqual(reading(parsed));
      expect(reading(laidOut(bytes) as SipMessage)).toEqual(reading(parseMessage(bytes)));
    }
  });

  it('reads as the parse of every valid message of the torture corpora', () => {
    let laidOutCount = 0;
    for (const c of tortureCases()) {
      if (c.invalid) continue;
      const bytes = new Uint8Array(readFileSync(c.file));
      let parsed: SipMessage;
      try {
        parsed = parseMessage(bytes);
      } catch {
        continue; // Valid by the RFC, refused by our strict parse: nothing to lay out.
      }
      const laid = laidOut(bytes);
      if (laid === undefined) continue;
      laidOutCount++;
      expect(reading(laid), c.name).toEqual(reading(parsed));
    }
    expect(laidOutCount).toBeGreaterThan(10);
  });

  it('parses its structured headers when first read, as the parse does', () => {
    const bytes = bytesOf(MESSAGES[0] ?? '');
    const parsed = parseMessage(bytes);
    const laid = laidOut(bytes) as SipMessage;
    expect([...laid.headers].filter((f) => f.parsed !== undefined)).toEqual([]);
    expect(getVias(laid)).toEqual(getVias(parsed));
    expect(getFrom(laid)).toEqual(getFrom(parsed));
    expect(getTo(laid)).toEqual(getTo(parsed));
    expect(getCallId(laid)).toEqual(getCallId(parsed));
    expect(getCSeq(laid)).toEqual(getCSeq(parsed));
    expect(getContacts(laid)).toEqual(getContacts(parsed));
    // The field read is the one iterated: its parsed form is kept.
    const via = laid.headers.first('via');
    expect(via).toBeInstanceOf(SipHeaderField);
    expect([...laid.headers][0]).toBe(via);
    expect(via?.parsed).toBeDefined();
  });

  it('tells the parsed form cached on a first line, as the parse does, without a field made', () => {
    const bytes = bytesOf(MESSAGES[0] ?? '');
    const laid = laidOut(bytes) as SipMessage;
    const parsed = parseMessage(bytes);
    expect(laid.headers.firstParsed('via')).toBeUndefined();
    expect(laid.headers.firstParsed('x-absent')).toBeUndefined();
    expect(parsed.headers.firstParsed('x-absent')).toBeUndefined();
    // Asked, no field was made: iterating makes every field, none with a parsed form.
    expect([...laid.headers].filter((f) => f.parsed !== undefined)).toEqual([]);
    for (const m of [laid, parsed]) {
      getVias(m);
      expect(m.headers.firstParsed('v')).toBe(m.headers.first('via')?.parsed);
      expect(m.headers.firstParsed('via')).toBeDefined();
    }
  });

  it('changes as parsed headers do', () => {
    const bytes = bytesOf(MESSAGES[0] ?? '');
    const change = (m: SipMessage): unknown => {
      const copy = m.headers.clone();
      m.headers.set('Max-Forwards', 69);
      m.headers.prepend('Via', 'SIP/2.0/UDP p.example.net;branch=z9hG4bK-p');
      m.headers.removeFirstValue('contact');
      m.headers.delete('x-custom-thing');
      m.headers.append('Subject', 'changed');
      return [reading(m), [...copy].map((f) => [f.name, f.value])];
    };
    expect(change(laidOut(bytes) as SipMessage)).toEqual(change(parseMessage(bytes)));
  });

  it('is written as one to parse again when folding or UTF-8 rewrote a value', () => {
    for (const text of REWRITTEN) {
      const layout = new MessageLayout();
      const bytes = bytesOf(text);
      parseMessage(bytes, { layout });
      expect(layout.plain).toBe(false);
      expect(laidOut(bytes)).toBeUndefined();
    }
  });

  it('describes nothing after a parse that failed', () => {
    const layout = new MessageLayout();
    parseMessage(bytesOf(MESSAGES[1] ?? ''), { layout });
    expect(layout.bytes).toBeDefined();
    expect(() => parseMessage(bytesOf('SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n'), { layout })).toThrow();
    expect(layout.bytes).toBeUndefined();
  });

  it('lays out a framed stream message as the stream parse delimits it', () => {
    const bytes = bytesOf(MESSAGES[1] ?? '');
    expect(reading(laidOut(bytes, 'stream') as SipMessage)).toEqual(
      reading(parseMessage(bytes, { transport: 'stream' })),
    );
  });
});
