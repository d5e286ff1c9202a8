import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getCSeq,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  SipParseError,
} from '../../../../runtime/sip/message/index.js';

/*
 * Issue 3 item 8 (parser speed): single parameter lookups read the recorded
 * spans instead of building a Map, CSeq has a hand-written fast path, and
 * plain Uint8Array views are read without a Buffer wrapper. Each must answer
 * exactly as the slower form does.
 */

describe('a single parameter lookup agrees with the parameters read as a whole', () => {
  const names = ['tag', 'Tag', 'TAG', 'lr', 'x_y', 'X_Y', 'expires', '+sip.instance', 'a'];
  const values = ['', '=1', '=abc', '="quoted \\" value"', '=""', '="<urn:x>"', '=z9hG4bK_1'];
  const lookups = ['tag', 'Tag', 'lr', 'x_y', 'expires', '+sip.instance', 'a', 'missing'];

  it('gives the same value, including the last of repeated names', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...values)), {
          maxLength: 5,
        }),
        fc.constantFrom(...lookups),
        (list, lookup) => {
          const value = `<sip:a@h.com>${list.map(([n, v]) => `;${n}${v}`).join('')}`;
          const lazy = parseNameAddr(value, 'To').params;
          const single = [lazy.get(lookup), lazy.has(lookup)];
          // A fresh parse, read as a whole first (this builds the Map).
          const whole = parseNameAddr(value, 'To').params;
          const all = new Map(whole);
          expect(single).toEqual([all.get(lookup), all.has(lookup)]);
          expect([whole.get(lookup), whole.has(lookup)]).toEqual(single);
        },
      ),
      { numRuns: 2000, seed: 3261 },
    );
  });
});

describe('the CSeq fast path agrees with the CSeq scanner', () => {
  const outcome = (value: string): unknown => {
    try {
      return parseCSeq(value);
    } catch (error) {
      if (error instanceof SipParseError) return error.code;
      throw error;
    }
  };

  it('reads the usual spelling and rejects what RFC 3261 25.1 does not allow', () => {
    expect(outcome('314159 INVITE')).toEqual({ seq: 314159, method: 'INVITE' });
    expect(outcome('4294967295\tBYE')).toEqual({ seq: 4294967295, method: 'BYE' });
    expect(outcome('0000000001 ACK')).toEqual({ seq: 1, method: 'ACK' });
    // RFC 3261 8.1.1.5: the number must fit in 32 bits (RFC 4475 3.1.2.4 scalar02).
    expect(outcome('4294967296 BYE')).toBe('bad-cseq');
    expect(outcome('99999999999 BYE')).toBe('bad-cseq');
    expect(outcome('1INVITE')).toBe('bad-cseq');
    expect(outcome('1 INV;TE')).toBe('bad-cseq');
    expect(outcome('-1 BYE')).toBe('bad-cseq');
  });

  it('gives the same result with white space the fast path does not take', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,12}$/),
        fc.constantFrom(' ', '\t', '  ', ''),
        fc.constantFrom('INVITE', 'BYE', 'x.y', 'NOT;IFY', ''),
        (seq, ws, method) => {
          // Trailing white space sends the value to the scanner (values arrive trimmed).
          expect(outcome(`${seq}${ws}${method}`)).toEqual(outcome(`${seq}${ws}${method} `));
        },
      ),
      { numRuns: 1000, seed: 4475 },
    );
  });
});

describe('a plain Uint8Array view is parsed as a Buffer of the same bytes is', () => {
  it('reads from the view, not from the start of its ArrayBuffer', () => {
    const text =
      'BYE sip:b@h.com SIP/2.0\r\nVia: SIP/2.0/UDP h.com;branch=z9hG4bK1\r\n' +
      'From: <sip:a@h.com>;tag=1\r\nTo: <sip:b@h.com>\r\nCall-ID: c@h\r\n' +
      'CSeq: 7 BYE\r\nMax-Forwards: 70\r\nContent-Length: 2\r\n\r\nok';
    const bytes = Buffer.from(`junk${text}junk`, 'latin1');
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 4, text.length);
    const msg = parseMessage(view);
    expect(getCSeq(msg)).toEqual({ seq: 7, method: 'BYE' });
    expect(Buffer.from(msg.body).toString()).toBe('ok');
    // Errors are located in the view too (RFC 3261 7.3.1: a header line needs ":").
    const bad = Buffer.from(`junk${text.replace('Call-ID:', 'Call-ID')}`, 'latin1');
    const error = (() => {
      try {
        parseMessage(new Uint8Array(bad.buffer, bad.byteOffset + 4, bad.length - 4));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SipParseError);
    expect((error as SipParseError).line).toBe(5);
  });
});
