import { describe, expect, it } from 'vitest';
import {
  createRequest,
  getContentType,
  getSubscriptionState,
  parseMessage,
  parseSdp,
  parseSipFrag,
  serializeMessage,
  serializeSdp,
  serializeSipFrag,
  SipParseError,
  statusSipFrag,
} from '../../../../runtime/sip/message/index.js';
import { torture } from './torture-fixtures.js';

describe('message/sipfrag (RFC 3420)', () => {
  it('reads the status lines a REFER NOTIFY carries (RFC 3515 2.4.5)', () => {
    expect(parseSipFrag('SIP/2.0 100 Trying\r\n')).toMatchObject({
      status: 100,
      reason: 'Trying',
      method: undefined,
    });
    expect(parseSipFrag(statusSipFrag(200, 'OK'))).toMatchObject({ status: 200, reason: 'OK' });
    expect(statusSipFrag(487, 'Request Terminated').toString()).toBe(
      'SIP/2.0 487 Request Terminated\r\n',
    );
  });

  it('reads a request line with headers and a body', () => {
    const frag = parseSipFrag(
      'INVITE sip:alice@example.com SIP/2.0\r\nFrom: <sip:b@example.com>;tag=1\r\nSubject:\r\n  folded subject\r\n\r\nbody',
    );
    expect([frag.method, frag.requestUri]).toEqual(['INVITE', 'sip:alice@example.com']);
    expect(frag.headers.get('from')).toBe('<sip:b@example.com>;tag=1');
    expect(frag.headers.get('subject')).toBe('folded subject');
    expect(Buffer.from(frag.body).toString()).toBe('body');
  });

  it('writes what it reads', () => {
    const wire = serializeSipFrag({
      startLine: 'SIP/2.0 603 Declined',
      headers: [['Warning', '399 x "why"']],
    });
    expect(parseSipFrag(wire).headers.get('warning')).toBe('399 x "why"');
  });

  it('rejects what is not a sipfrag', () => {
    expect(() => parseSipFrag('HELLO\r\n')).toThrow(SipParseError);
    expect(() => parseSipFrag('SIP/2.0 99 Too Low\r\n')).toThrow(SipParseError);
    expect(() =>
      serializeSipFrag({ startLine: 'SIP/2.0 200 OK', headers: [['Bad Name', 'x']] }),
    ).toThrow(SipParseError);
  });

  it('travels in a NOTIFY as in OMA PoC Figure 17', () => {
    const notify = createRequest({
      method: 'NOTIFY',
      requestUri: 'sip:PoC-ClientAUserA@networkA.net;gr=urn:uuid:00000000-0000-1000-8000-000E128',
      from: { uri: 'sip:PoC-Session-Identity1@PoC-ServerX.networkX.net', params: [['tag', 'x']] },
      to: { uri: 'sip:PoC-ClientA@networkA.net', params: [['tag', 'a']] },
      callId: 'refer-1',
      cseq: 2,
      via: [{ transport: 'UDP', host: '127.0.0.1', params: [['branch', 'z9hG4bKn']] }],
      headers: [
        ['Event', 'refer'],
        ['Subscription-State', 'terminated;reason=noresource'],
      ],
      contentType: 'message/sipfrag;version=2.0',
      body: statusSipFrag(200, 'OK'),
    });
    const back = parseMessage(serializeMessage(notify));
    expect(getContentType(back)?.mediaType).toBe('message/sipfrag');
    expect(getSubscriptionState(back)?.reason).toBe('noresource');
    expect(parseSipFrag(back.body).status).toBe(200);
  });
});

describe('SDP through sdp-transform', () => {
  it('reads the SDP of the torture messages, IPv6 included (RFC 5118 4.7)', () => {
    const sdp = parseSdp(parseMessage(torture('ipv6-in-sdp')).body);
    expect(sdp.connection).toMatchObject({ version: 6, ip: '2001:db8::20' });
    expect(sdp.media.map((m) => [m.type, m.port])).toEqual([
      ['audio', 6000],
      ['video', 6024],
    ]);
    const multi = parseSdp(parseMessage(torture('mult-ip-in-sdp')).body);
    expect(multi.media.map((m) => m.connection?.ip)).toEqual(['192.0.2.1', '2001:db8::1']);
  });

  it('writes a description that reads back, with a stream removed by port 0', () => {
    const sdp = parseSdp(parseMessage(torture('wsinv')).body);
    const video = sdp.media[1];
    if (!video) throw new TypeError('no video stream');
    video.port = 0;
    const again = parseSdp(serializeSdp(sdp));
    expect(again.media.map((m) => m.port)).toEqual([49217, 0]);
  });

  it('rejects a body that is not SDP', () => {
    expect(() => parseSdp('<audio/>')).toThrow(SipParseError);
    expect(() => parseSdp('v=0\r\ns=-\r\n')).toThrow(SipParseError);
  });
});
