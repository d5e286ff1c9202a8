import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMessage, parseMessage } from '../../../../runtime/sip/message/index.js';
import { headerInfo, headerParsers } from '../../../../runtime/sip/message/header-registry.js';
import { MessageLayout } from '../../../../runtime/sip/message/message-layout.js';
import { SipParseError } from '../../../../runtime/sip/message/sip-parse-error.js';
import { tortureCases } from './torture-fixtures.js';

/*
 * checkMessage checks what parseMessage parses, without building the message: for any bytes it
 * throws the same error (code, reason, location) or none, and keeps the same layout.
 */

type Outcome = { readonly error: unknown } | { readonly layout: unknown };

/** What a parse or a check of `bytes` ends with: its error, or the layout it kept. */
function outcome(
  run: (bytes: Uint8Array, layout: MessageLayout) => void,
  bytes: Uint8Array,
): Outcome {
  const layout = new MessageLayout();
  try {
    run(bytes, layout);
  } catch (error) {
    return {
      error: {
        ...(error as object),
        name: (error as Error).name,
        message: (error as Error).message,
      },
    };
  }
  const { count, lines, ...rest } = layout;
  return { layout: { ...rest, count, lines: [...lines.subarray(0, count * 5)] } };
}

function same(bytes: Uint8Array, transport: 'datagram' | 'stream'): void {
  const parsed = outcome((b, layout) => parseMessage(b, { transport, layout }), bytes);
  const checked = outcome((b, layout) => checkMessage(b, { transport, layout }), bytes);
  expect(checked).toEqual(parsed);
}

const corpus = tortureCases().map((c) => new Uint8Array(readFileSync(c.file)));

describe('checkMessage', () => {
  it('fails as parseMessage does, or keeps the same layout, on every torture message', () => {
    let failed = 0;
    for (const bytes of corpus) {
      for (const transport of ['datagram', 'stream'] as const) same(bytes, transport);
      try {
        parseMessage(bytes);
      } catch {
        failed++;
      }
    }
    // Both sides are exercised: messages refused and messages kept.
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(corpus.length);
  });

  it('returns nothing and keeps where the parts lie', () => {
    const text =
      'BYE sip:b@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-9\r\nX-A: 1\r\nl: 2\r\n\r\nokEXTRA';
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    const layout = new MessageLayout();
    expect(checkMessage(bytes, { layout })).toBeUndefined();
    expect(layout.bytes).toBe(bytes);
    expect(layout.count).toBe(3);
    expect(Buffer.from(bytes.subarray(layout.bodyStart, layout.bodyEnd)).toString()).toBe('ok');
  });

  it('fails as parseMessage does on mutated torture messages', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (which, at, value, truncate) => {
          const source = corpus[which] ?? new Uint8Array(0);
          const bytes = truncate ? source.slice(0, at % (source.length + 1)) : source.slice();
          if (!truncate && bytes.length > 0) bytes[at % bytes.length] = value;
          same(bytes, at % 2 === 0 ? 'datagram' : 'stream');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('fails as parseMessage does on each eager header and start line, good and bad', () => {
    for (const text of crafted()) {
      const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
      for (const transport of ['datagram', 'stream'] as const) same(bytes, transport);
    }
  });

  it('fails as parseMessage does when an eager header holds anything', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: TEMPLATE_HEADERS.length - 1 }),
        anyValue(),
        fc.boolean(),
        (which, value, request) => {
          const text = template(request, which, value);
          same(new Uint8Array(Buffer.from(text, 'latin1')), 'datagram');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('eager header checks', () => {
  // Each eager header's check reads the value where it lies in a longer text: it fails as the
  // header's parser fails on the value alone, at the same place counted from the text's start.
  const keys = ['via', 'from', 'to', 'contact', 'route', 'record-route', 'call-id', 'cseq'];
  const more = ['max-forwards', 'content-length', 'date'];

  function result(run: () => unknown, shift: number): unknown {
    try {
      run();
      return 'ok';
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      return { code: error.code, reason: error.reason, offset: error.offset - shift };
    }
  }

  it('agrees with the parsers on values read in place', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...keys, ...more),
        anyValue(),
        fc.constantFrom('', 'Via: ', 'x;y@z,<'),
        fc.constantFrom('', '\r\n', '@a;b=c>,d', 'a;b'),
        (key, value, before, after) => {
          const info = headerInfo(key);
          const parse = headerParsers.get(key);
          expect(info.check).toBeDefined();
          if (info.check === undefined || parse === undefined) return;
          const check = info.check;
          const text = before + value + after;
          const parsed = result(() => parse(value, key), 0);
          const checked = result(
            () => check(text, before.length, before.length + value.length, key),
            before.length,
          );
          expect(checked).toEqual(parsed);
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('agrees with the parsers on the usual and unusual spellings', () => {
    for (const [key, values] of Object.entries(SPELLINGS)) {
      const info = headerInfo(key);
      const parse = headerParsers.get(key);
      if (info.check === undefined || parse === undefined) throw new Error(key);
      const check = info.check;
      for (const value of values) {
        const text = `X: ${value}\r\n`;
        expect(result(() => check(text, 3, 3 + value.length, key), 3)).toEqual(
          result(() => parse(value, key), 0),
        );
      }
    }
  });
});

/** A header value made of {@link VALUE_CHARS}. */
function anyValue(): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...VALUE_CHARS), { maxLength: 30 })
    .map((parts) => parts.join(''));
}

/** Characters the random header values are made of: the grammar's separators and some classes. */
const VALUE_CHARS = [
  ...'aZ09-.!%*_+`\'~()<>:\\"/[]?{}@;=, \t',
  'SIP/2.0/UDP ',
  'sip:',
  'h.example.com',
  '1.2.3.4',
  ':5060',
  ';branch=z9hG4bK',
  ';received=',
  ';rport',
  ';ttl=',
  ';expires=',
  ';q=0.5',
  '<sip:a@b>',
  '"A \\" b"',
  '*',
  ' INVITE',
  '\u0001',
  '\u00e9',
];

const TEMPLATE_HEADERS = [
  'Via',
  'From',
  'To',
  'Contact',
  'Route',
  'Record-Route',
  'Call-ID',
  'CSeq',
  'Max-Forwards',
  'Content-Length',
  'Date',
];

/** A message with every eager header, the one at `which` holding `value`. */
function template(request: boolean, which: number, value: string): string {
  const usual: Record<string, string> = {
    Via: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1',
    From: '"Alice" <sip:alice@example.com>;tag=1',
    To: '<sip:bob@example.com>',
    Contact: '<sip:alice@10.0.0.1>;expires=60',
    Route: '<sip:p.example.com;lr>',
    'Record-Route': '<sip:p.example.com;lr>',
    'Call-ID': 'abc@example.com',
    CSeq: '1 INVITE',
    'Max-Forwards': '70',
    'Content-Length': '0',
    Date: 'Sat, 13 Nov 2010 23:29:00 GMT',
  };
  const start = request ? 'INVITE sip:bob@example.com SIP/2.0' : 'SIP/2.0 200 OK';
  const lines = TEMPLATE_HEADERS.map(
    (name, i) => `${name}: ${i === which ? value : (usual[name] ?? '')}`,
  );
  return `${start}\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Values of each eager header in their usual and unusual spellings, good and bad. */
const SPELLINGS: Record<string, readonly string[]> = {
  via: [
    'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1',
    'SIP/2.0/TCP host.example.com;branch=z9hG4bK-1;rport=5060;received=10.0.0.2',
    'SIP/2.0/UDP h;ttl=1;maddr=239.1.1.1,SIP/2.0/TLS [2001:db8::1]:5061;branch=x',
    'SIP / 2.0 / UDP h ; branch = x',
    'SIP/2.0/UDP h;branch',
    'SIP/2.0/UDP h;ttl=256',
    'SIP/2.0/UDP h;rport=99999',
    'SIP/2.0/UDP h;received=nothost',
    'SIP/2.0/UDP h;received=2001:db8::1',
    'SIP/2.0/UDP',
    'SIP/2.0/UDP h,',
    'SIP/2.0/UDP h x',
    'SIP/2.0/UDPh',
  ],
  from: [
    '<sip:a@b>;tag=1',
    '"A \\"q\\"" <sip:a@b>;tag=1',
    'Alice Smith <sip:a@b>',
    'caller<sip:a@b>',
    'sip:a@b;tag=1',
    '"unterminated <sip:a@b>',
    '"bad \\\r" <sip:a@b>',
    '<sip:a@b',
    '<sip:a@b> x',
    '<sip:a@b>;tag="q"',
    '<sip:a@b>;=1',
    '<:a@b>',
    '',
  ],
  contact: [
    '*',
    ' * ',
    '<sip:a@b>;expires=60;q=0.5, <sip:c@d>',
    '<sip:a@b>;expires',
    '<sip:a@b>;q=2',
    '<sip:a@b>;q',
    'sip:a@b;expires=1',
    '*, <sip:a@b>',
    '<sip:a@b>,',
  ],
  route: ['<sip:p@q;lr>, <sip:r@s;lr>', 'sip:p@q', '<sip:p@q>, sip:r@s', '<sip:p@q>;x=y'],
  'call-id': ['abc@def', 'abc', 'a@b@c', '@b', 'a b', 'a@', '<a>:"\\"@[x]?{y}'],
  cseq: [
    '1 INVITE',
    '4294967295 BYE',
    '4294967296 BYE',
    '12345678901 BYE',
    '1\tBYE',
    '1  BYE',
    '1BYE',
    ' 1 BYE',
    'x BYE',
    '1 BY E',
    '1 ',
    '',
  ],
  'max-forwards': ['70', '0', '255', '256', '7 0', '', '-1', '99999999999999999999'],
  'content-length': ['0', '2147483647', '2147483648', 'x', ''],
  date: ['Sat, 13 Nov 2010 23:29:00 GMT', 'Sat, 13 Nov 2010 23:29:00 EST', ''],
};

/** Messages exercising the check of the start line and of each eager header. */
function crafted(): string[] {
  const texts: string[] = [];
  const head = (start: string, extra = ''): string =>
    `${start}\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\n${extra}Content-Length: 0\r\n\r\n`;
  for (const start of [
    'INVITE sip:c@d SIP/2.0',
    'INVITE sip:c@d sip/2.0',
    'INVITE sip:c@d SIP/3.0',
    'INVITE sip:c@d SIP/2.x',
    'INVITE  sip:c@d SIP/2.0',
    'INVITE sip:c@d SIP/2.0 ',
    'INVITE sip:c d SIP/2.0',
    'INV(ITE sip:c@d SIP/2.0',
    ' INVITE sip:c@d SIP/2.0',
    'INVITE',
    'INVITE sip:c@d',
    'INVITE <sip:c@d> SIP/2.0',
    'INVITE sip:c@[::1 SIP/2.0',
    'INVITE tel:+123 SIP/2.0',
    'BYE sip:c@d SIP/2.0',
    'SIP/2.0 200 OK',
    'SIP/2.0 200 ',
    'SIP/2.0 200',
    'SIP/2.0 2000 OK',
    'SIP/2.0 099 Early',
    'SIP/2.0 700 Late',
    'SIP/2.0 20x OK',
    'SIP/2.0 180 Ringing \u00c3\u00a9t\u00c3\u00a9',
    'SIP/2.0 180 Bad \u00e9',
    'SIP/2.0 180 Tab\there',
    'SIP/2.0 180 Ctl\u0001',
    'SIP/2.1 200 OK',
    'sip/2.0 200 OK',
    'SIP/',
    'SIP/2.0',
  ])
    texts.push(head(start));
  for (const [key, values] of Object.entries(SPELLINGS)) {
    for (const value of values) {
      texts.push(head('INVITE sip:c@d SIP/2.0', `${key}: ${value}\r\n`));
      // Folded and non-ASCII values are checked on the value rewritten, not in place.
      texts.push(head('INVITE sip:c@d SIP/2.0', `${key}: ${value.replace(' ', '\r\n ')}\r\n`));
      texts.push(head('SIP/2.0 200 OK', `${key}: ${value}\u00c3\u00a9\r\n`));
    }
  }
  for (const lengths of ['Content-Length: 0\r\nl: 0', 'Content-Length: 0\r\nl: 1', 'l: 5'])
    texts.push(`BYE sip:a@b SIP/2.0\r\nCSeq: 1 BYE\r\n${lengths}\r\n\r\nbody`);
  return texts;
}
