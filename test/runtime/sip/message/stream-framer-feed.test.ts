/**
 * SipStreamFramer.feed and the start-line check of the framer (RFC 3261 18.3):
 * the messages before a framing error are kept, a malformed start line that
 * still looks like one is framed for the parser to reject, and a long
 * request line split across reads is not mistaken for garbage.
 */
import { describe, expect, it } from 'vitest';
import { SipParseError, SipStreamFramer } from '../../../../runtime/sip/message/index.js';
import { torture } from './torture-fixtures.js';

function options(callId: string, uri = 'sip:bob@example.com'): string {
  return [
    `OPTIONS ${uri} SIP/2.0`,
    'Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-feed',
    'From: <sip:alice@example.com>;tag=a',
    'To: <sip:bob@example.com>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

describe('SipStreamFramer.feed', () => {
  it('returns the messages completed before a framing error, the error, and the bytes from the offending message on', () => {
    const framer = new SipStreamFramer();
    const garbage = '\x16\x03\x01 not SIP\r\n\r\n';
    const framed = framer.feed(Buffer.from(options('one') + options('two') + garbage, 'latin1'));
    expect(framed.messages.map((m) => m.toString('latin1'))).toEqual([
      options('one'),
      options('two'),
    ]);
    expect(framed.error).toBeInstanceOf(SipParseError);
    expect(framed.error?.code).toBe('bad-start-line');
    expect(framed.error?.offset).toBe(2 * options('one').length);
    expect(framed.unframed?.toString('latin1')).toBe(garbage);
    // push still throws, for the same bytes.
    expect(() => framer.push(Buffer.alloc(0))).toThrow(SipParseError);
  });

  it('keeps the header section of a request without Content-Length in the unframed bytes', () => {
    const framer = new SipStreamFramer();
    const noLength = options('no-length').replace('Content-Length: 0\r\n', '');
    const framed = framer.feed(Buffer.from(options('ok') + noLength, 'latin1'));
    expect(framed.messages).toHaveLength(1);
    expect(framed.error?.code).toBe('missing-content-length');
    expect(framed.unframed?.toString('latin1')).toBe(noLength);
  });

  it('has no error when the bytes end inside a message', () => {
    const framer = new SipStreamFramer();
    const wire = options('split');
    expect(framer.feed(Buffer.from(wire.slice(0, 30), 'latin1'))).toEqual({ messages: [] });
    expect(framer.buffered).toBe(30);
    const rest = framer.feed(Buffer.from(wire.slice(30), 'latin1'));
    expect(rest.messages.map((m) => m.toString('latin1'))).toEqual([wire]);
    expect(rest.error).toBeUndefined();
  });
});

describe('the framer start-line check', () => {
  it('frames RFC 4475 messages whose start line is malformed but looks like one (lwsruri, lwsstart, bigcode)', () => {
    for (const name of ['lwsruri', 'lwsstart', 'trws', 'badvers', 'bigcode']) {
      const framer = new SipStreamFramer();
      const framed = framer.feed(torture(name));
      expect(framed.error, name).toBeUndefined();
      expect(framed.messages, name).toHaveLength(1);
    }
  });

  it('waits for the end of a long request line split across reads', () => {
    const framer = new SipStreamFramer();
    const wire = options('long', `sip:${'x'.repeat(200)}@example.com`);
    expect(framer.push(Buffer.from(wire.slice(0, 120), 'latin1'))).toEqual([]);
    expect(framer.push(Buffer.from(wire.slice(120), 'latin1'))).toHaveLength(1);
  });

  it('rejects bytes that begin no start line, before their line ends', () => {
    for (const garbage of ['\x16\x03\x01\x02', 'GET / HTTP/1.1\r\n', 'SIP/2.0 abc\r\n', '<xml>']) {
      const framer = new SipStreamFramer();
      expect(framer.feed(Buffer.from(garbage, 'latin1')).error?.code, garbage).toBe(
        'bad-start-line',
      );
    }
  });
});
