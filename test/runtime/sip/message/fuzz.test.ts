import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getContacts,
  getCSeq,
  getFrom,
  getTo,
  getVias,
  parseMessage,
  parseUri,
  parseVias,
  serializeMessage,
  SipHeaderCountError,
  SipParseError,
  SipStreamFramer,
  validateRequest,
} from '../../../../runtime/sip/message/index.js';
import type { SipMessage } from '../../../../runtime/sip/message/index.js';
import { isCommonSipUri } from '../../../../runtime/sip/message/uri-fast-path.js';
import { tortureCases } from './torture-fixtures.js';

const corpus = tortureCases().map((c) => readFileSync(c.file));

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate-line'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        ...[
          ' ',
          '\r\n',
          '\r\n ',
          ';',
          ',',
          '"',
          '<',
          '>',
          ':',
          '%',
          '[',
          ']',
          '@',
          '\\',
          '\x00',
          '\xff',
        ].map((s) => Buffer.from(s, 'latin1')),
      ),
    ),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 16 }),
  }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
);

function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let data = Buffer.from(input);
  for (const m of mutations) {
    const at = data.length === 0 ? 0 : m.at % (data.length + 1);
    if (m.kind === 'flip' && data.length > 0) data[at % data.length] = m.value;
    else if (m.kind === 'truncate') data = data.subarray(0, at);
    else if (m.kind === 'insert')
      data = Buffer.concat([data.subarray(0, at), m.bytes, data.subarray(at)]);
    else if (m.kind === 'delete')
      data = Buffer.concat([data.subarray(0, at), data.subarray(at + m.length)]);
    else if (m.kind === 'duplicate-line') {
      const start = data.lastIndexOf('\n', at) + 1;
      const end = data.indexOf('\n', at);
      if (end > start)
        data = Buffer.concat([
          data.subarray(0, end + 1),
          data.subarray(start, end + 1),
          data.subarray(end + 1),
        ]);
    }
  }
  return data;
}

/** Reads everything a handler would read; only the message layer's typed errors may escape. */
function exercise(msg: SipMessage): void {
  for (const read of [getVias, getFrom, getTo, getCSeq, getContacts]) {
    try {
      read(msg);
    } catch (error) {
      if (!(error instanceof SipParseError || error instanceof SipHeaderCountError)) throw error;
    }
  }
  if (msg.kind === 'request') {
    validateRequest(msg);
    void msg.uri;
  }
}

describe('fuzzing the parser with mutated torture messages', () => {
  it('never throws anything but SipParseError, and what parses round-trips', () => {
    let parsed = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (index, mutations) => {
          const input = mutate(corpus[index] ?? Buffer.alloc(0), mutations);
          let msg: SipMessage;
          try {
            msg = parseMessage(input);
          } catch (error) {
            if (!(error instanceof SipParseError)) throw error;
            expect(error.offset).toBeGreaterThanOrEqual(0);
            expect(error.offset).toBeLessThanOrEqual(input.length);
            rejected++;
            return;
          }
          parsed++;
          exercise(msg);
          const again = parseMessage(serializeMessage(msg), { transport: 'stream' });
          const others = (m: SipMessage): string[] =>
            [...m.headers]
              .filter((f) => f.key !== 'content-length')
              .map((f) => `${f.name}: ${f.value}`);
          expect(others(again)).toEqual(others(msg));
          expect(again.headers.count('content-length')).toBe(1);
          expect(Buffer.from(again.body).equals(Buffer.from(msg.body))).toBe(true);
        },
      ),
      { numRuns: 4000, seed: 4475 },
    );
    // Both outcomes are exercised, so the property cannot pass vacuously.
    expect(parsed).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(200);
  });

  it('the stream framer only throws SipParseError on mutated streams', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: corpus.length - 1 }), { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { maxLength: 3 }),
        fc.integer({ min: 1, max: 300 }),
        (picks, mutations, chunk) => {
          const stream = mutate(
            Buffer.concat(picks.map((i) => corpus[i] ?? Buffer.alloc(0))),
            mutations,
          );
          const framer = new SipStreamFramer({ maxMessageSize: 8192 });
          for (let at = 0; at < stream.length; at += chunk) {
            try {
              for (const frame of framer.push(stream.subarray(at, at + chunk))) {
                try {
                  parseMessage(frame, { transport: 'stream' });
                } catch (error) {
                  if (!(error instanceof SipParseError)) throw error;
                }
              }
            } catch (error) {
              if (!(error instanceof SipParseError)) throw error;
              framer.resync();
            }
          }
        },
      ),
      { numRuns: 1500, seed: 3261 },
    );
  });
});

describe('the common-URI fast path agrees with the full URI scanner', () => {
  const pieces = [
    'sip:',
    'sips:',
    'SIP:',
    'a',
    'Z',
    '0',
    '9',
    '-',
    '.',
    '_',
    '%',
    '%41',
    '%zz',
    '@',
    ':',
    ';',
    '=',
    '?',
    '&',
    '[',
    ']',
    '/',
    '!',
    '~',
    '*',
    "'",
    '(',
    ')',
    '+',
    '$',
    ',',
    ' ',
    '>',
    'example.com',
    '192.0.2.1',
    '256',
    '5060',
    '65535',
    '65536',
    'lr',
    'user',
    'host',
    '::1',
  ];
  it('every URI the fast path accepts, the scanner accepts too', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('sip:', 'sips:', 'SIP:'),
        fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 10 }),
        (scheme, parts) => {
          const text = scheme + parts.join('');
          if (!isCommonSipUri(text, 0, text.length)) return;
          accepted++;
          expect(() => parseUri(text, 'request-uri')).not.toThrow();
        },
      ),
      { numRuns: 20000, seed: 3986 },
    );
    // The property is not vacuous: plenty of generated URIs take the fast path.
    expect(accepted).toBeGreaterThan(500);
  });

  it('accepts the usual shapes and leaves the rest to the scanner', () => {
    for (const uri of [
      'sip:alice@example.com',
      'sip:a:b@192.0.2.4:5060;lr;x=1',
      'sips:x%20y@host-1.example.com.',
      'sip:a@h.com:65535',
    ]) {
      expect(isCommonSipUri(uri, 0, uri.length), uri).toBe(true);
    }
    for (const uri of [
      'sip:%zz@h.com',
      'sip:@h.com',
      'sip:a@-h.com',
      'sip:a@1.2.3.256',
      'sip:a@h.com;',
      'sip:a@h.com:65536',
      'sip:a@[::1]',
      'sip:a@h.com?x=y',
    ]) {
      expect(isCommonSipUri(uri, 0, uri.length), uri).toBe(false);
    }
  });
});

describe('the common-Via fast path agrees with the full Via scanner', () => {
  const hosts = ['192.0.2.1', 'h.example.com', '256.1.1.1', 'a-.b', '10.0.0.1x', 'host'];
  const ports = ['', ':5060', ':65535', ':65536', ':0', ':05060', ':00001', ':1', ':99999'];
  const params = [
    'branch=z9hG4bK1',
    'branch',
    'rport',
    'rport=5061',
    'rport=99999',
    'ttl=16',
    'ttl=300',
    'ttl',
    'received=192.0.2.9',
    'received=example.com',
    'maddr=224.0.0.1',
    'maddr',
    'lr',
    'x=y',
    'Branch=z9hG4bKc',
  ];
  /** The same Via with white space where RFC 3261 allows it, which the fast path does not take. */
  const spaced = (via: string): string =>
    via
      .replace(/;/g, ' ; ')
      .replace(/=/g, ' = ')
      .replace(/^SIP\/2\.0\//, 'SIP / 2.0 / ');
  const outcome = (via: string): unknown => {
    try {
      return parseVias(via).map((v) => [
        v.transport,
        v.host,
        v.hostKind,
        v.port,
        v.branch,
        v.rport,
        v.ttl,
        v.received,
        v.maddr,
        [...v.params],
      ]);
    } catch (error) {
      if (error instanceof SipParseError) return error.code;
      throw error;
    }
  };
  it('gives the same values and the same errors with and without optional white space', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS'),
        fc.constantFrom(...hosts),
        fc.constantFrom(...ports),
        fc.array(fc.constantFrom(...params), { maxLength: 4 }),
        (transport, host, port, list) => {
          const via = `SIP/2.0/${transport} ${host}${port}${list.map((p) => `;${p}`).join('')}`;
          expect(outcome(via)).toEqual(outcome(spaced(via)));
        },
      ),
      { numRuns: 3000, seed: 5118 },
    );
  });
});
