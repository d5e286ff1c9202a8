import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  generateBranch,
  generateCallId,
  generateTag,
  getCSeq,
  getFrom,
  getTo,
  getVias,
  parseMessage,
  serializeMessage,
  SipHeaderCountError,
} from '../../../../runtime/sip/message/index.js';
import type { SipMessage } from '../../../../runtime/sip/message/index.js';
import { tortureCases } from './torture-fixtures.js';

function startLine(msg: SipMessage): string {
  return msg.kind === 'request'
    ? `${msg.method} ${msg.requestUri} ${msg.version}`
    : `${msg.version} ${msg.status} ${msg.reason}`;
}

describe('parse -> serialize -> parse', () => {
  for (const c of tortureCases().filter((x) => !x.invalid)) {
    it(`keeps ${c.name} intact`, () => {
      const first = parseMessage(readFileSync(c.file));
      const wire = serializeMessage(first);
      const second = parseMessage(wire, { transport: 'stream' });
      expect(startLine(second)).toBe(startLine(first));
      expect(
        [...second.headers].filter((f) => f.key !== 'content-length').map((f) => [f.name, f.value]),
      ).toEqual(
        [...first.headers].filter((f) => f.key !== 'content-length').map((f) => [f.name, f.value]),
      );
      expect(Buffer.from(second.body).equals(Buffer.from(first.body))).toBe(true);
      expect(second.headers.get('content-length')).toBe(String(first.body.length));
      // A second round changes nothing at all.
      expect(serializeMessage(second).equals(wire)).toBe(true);
    });
  }
});

describe('builders (RFC 3261 8.1.1, 8.2.6)', () => {
  const invite = createRequest({
    method: 'INVITE',
    requestUri: 'sip:bob@[::1]:5070',
    from: { displayName: 'Alice', uri: 'sip:alice@127.0.0.1', params: [['tag', generateTag()]] },
    to: { uri: 'sip:bob@[::1]:5070' },
    callId: generateCallId('127.0.0.1'),
    cseq: 1,
    via: [
      {
        transport: 'UDP',
        host: '127.0.0.1',
        port: 5060,
        params: [
          ['branch', generateBranch()],
          ['rport', null],
        ],
      },
      'SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKprev',
    ],
    contact: { uri: 'sip:alice@127.0.0.1:5060' },
    headers: [['Timestamp', '54']],
    contentType: 'application/sdp',
    body: 'v=0\r\n',
  });

  it('writes a request that parses back with the mandatory headers', () => {
    const wire = serializeMessage(invite);
    expect(wire.toString()).toMatch(
      /^INVITE sip:bob@\[::1\]:5070 SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:5060;branch=z9hG4bK/,
    );
    const back = parseMessage(wire);
    expect(getCSeq(back)).toEqual({ seq: 1, method: 'INVITE' });
    expect(getFrom(back).displayName).toBe('Alice');
    expect(back.headers.get('Max-Forwards')).toBe('70');
    expect(back.headers.get('Content-Length')).toBe('5');
    expect(getVias(back)[0]?.branch).toMatch(/^z9hG4bK.{16}$/);
    expect(getVias(back)[0]?.rport).toBe(true);
  });

  it('createResponse copies Via, From, Call-ID, CSeq and To with a new tag; 100 keeps Timestamp', () => {
    const ok = createResponse(invite, 200, undefined, { toTag: 'abc' });
    expect([ok.status, ok.reason]).toEqual([200, 'OK']);
    expect(ok.headers.getAll('via')).toEqual(invite.headers.getAll('via'));
    expect(ok.headers.get('from')).toBe(invite.headers.get('from'));
    expect(ok.headers.get('call-id')).toBe(invite.headers.get('call-id'));
    expect(ok.headers.get('cseq')).toBe('1 INVITE');
    expect(getTo(ok).params.get('tag')).toBe('abc');
    expect(ok.headers.has('timestamp')).toBe(false);
    const trying = createResponse(invite, 100);
    expect(trying.reason).toBe('Trying');
    expect(trying.headers.get('timestamp')).toBe('54');
    expect(getTo(trying).params.has('tag')).toBe(false);
    const again = createResponse(
      parseMessage(serializeMessage(invite)) as typeof invite,
      486,
      'Busy Here',
      { toTag: 'x' },
    );
    expect(parseMessage(serializeMessage(again)).kind).toBe('response');
  });

  it('createResponse refuses a request without the headers it must copy', () => {
    const bare = parseMessage(
      'OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nl: 0\r\n\r\n',
    );
    if (bare.kind !== 'request') throw new TypeError('not a request');
    expect(() => createResponse(bare, 200)).toThrow(SipHeaderCountError);
  });

  it('setting the Request-URI validates it', () => {
    expect(() => {
      invite.requestUri = 'sip:bad uri';
    }).toThrow();
    invite.requestUri = 'sip:carol@127.0.0.1';
    expect(invite.uri).toMatchObject({ user: 'carol' });
  });
});
