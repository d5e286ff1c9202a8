import { describe, expect, it } from 'vitest';
import {
  createRequest,
  getContacts,
  getContentType,
  getEvent,
  getMessageUid,
  getPrivacy,
  getReasons,
  getReferTo,
  getSubscriptionState,
  getTargetDialog,
  getTokens,
  parseContacts,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVias,
  SipHeaderCountError,
  SipParseError,
} from '../../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../../runtime/sip/message/index.js';

/** A request carrying the given extra headers (names and values from the seed figures). */
function withHeaders(headers: [string, string][]): SipRequest {
  return createRequest({
    method: 'REFER',
    requestUri: 'sip:PoC-Session-Identity1@PoC-ServerX.networkX.net',
    from: { uri: 'sip:PoC-ClientA@networkA.net', params: [['tag', '1']] },
    to: { uri: 'sip:PoC-Session-Identity1@PoC-ServerX.networkX.net' },
    callId: 'seed-1@networkA.net',
    cseq: 1,
    via: [{ transport: 'UDP', host: '127.0.0.1', port: 5060, params: [['branch', 'z9hG4bKseed']] }],
    headers,
  });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SipParseError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('headers of the seed figures (OMA PoC Figure 17, CPM)', () => {
  it('Refer-To with method=BYE in the addr-spec form (a header parameter by RFC 3261 20.10)', () => {
    const refer = getReferTo(
      withHeaders([['Refer-To', 'sip:PoC-Session-Identity1@PoC-ServerX.networkX.net;method=BYE']]),
    );
    expect(refer?.method).toBe('BYE');
    expect(refer?.methodSource).toBe('header-param');
    expect(refer?.uri).toMatchObject({
      kind: 'sip',
      user: 'PoC-Session-Identity1',
      host: 'PoC-ServerX.networkX.net',
    });
  });

  it('Refer-To with method=BYE as a URI parameter inside angle brackets', () => {
    const refer = getReferTo(
      withHeaders([['r', '<sip:PoC-Session-Identity1@PoC-ServerX.networkX.net;method=BYE>']]),
    );
    expect([refer?.method, refer?.methodSource]).toEqual(['BYE', 'uri']);
  });

  it('Target-Dialog with remote-tag and local-tag', () => {
    const td = getTargetDialog(
      withHeaders([['Target-Dialog', 'me0s2sdfgjkl491777;remote-tag=774321;local-tag=64727891']]),
    );
    expect(td).toMatchObject({
      callId: 'me0s2sdfgjkl491777',
      remoteTag: '774321',
      localTag: '64727891',
    });
    const spaced = getTargetDialog(
      withHeaders([['Target-Dialog', 'me0s2sdfgjkl491777; remote-tag=774321; local-tag=64727891']]),
    );
    expect(spaced).toMatchObject({ remoteTag: '774321', localTag: '64727891' });
  });

  it('Subscription-State terminated;reason=noresource and active;expires', () => {
    expect(
      getSubscriptionState(withHeaders([['Subscription-State', 'terminated;reason=noresource']])),
    ).toMatchObject({
      state: 'terminated',
      reason: 'noresource',
      expires: undefined,
    });
    expect(
      getSubscriptionState(withHeaders([['Subscription-State', 'active;expires=60']])),
    ).toMatchObject({ state: 'active', expires: 60 });
  });

  it('Contact with a GRUU and +sip.instance', () => {
    const contacts = getContacts(
      withHeaders([
        [
          'Contact',
          '<sip:PoC-ClientAUserA@networkA.net;gr=urn:uuid:00000000-0000-1000-80000E128>;+sip.instance="<urn:gsma:imei:90420156-025763-0>";expires=3600',
        ],
      ]),
    );
    if (contacts === '*') throw new TypeError('wildcard');
    expect(contacts[0]).toMatchObject({
      isGruu: true,
      gr: 'urn:uuid:00000000-0000-1000-80000E128',
      instance: 'urn:gsma:imei:90420156-025763-0',
      expires: 3600,
    });
  });

  it('the seed Contact with a space inside the URI is rejected with its position', () => {
    expect(code(() => parseContacts('<sip:PoC-ClientAUserA@ networkA.net;gr=urn:uuid:1>'))).toBe(
      'bad-host',
    );
  });

  it('Privacy, Event, Reason, Message-UID, Content-Type, option tags', () => {
    const msg = withHeaders([
      ['Privacy', 'id'],
      ['Event', 'refer;id=93809824'],
      ['Reason', 'SIP;cause=200;text="Call completed elsewhere", Q.850;cause=16'],
      ['Message-UID', '2a5c6a1c-3c1f'],
      ['Content-Type', 'message/sipfrag;version=2.0'],
      ['Require', 'gruu, tdialog'],
      ['k', 'timer'],
    ]);
    expect(getPrivacy(msg)).toEqual(['id']);
    expect(getEvent(msg)).toMatchObject({ package: 'refer', id: '93809824' });
    expect(getReasons(msg).map((r) => [r.protocol, r.cause, r.text])).toEqual([
      ['SIP', 200, 'Call completed elsewhere'],
      ['Q.850', 16, undefined],
    ]);
    expect(getMessageUid(msg)).toBe('2a5c6a1c-3c1f');
    expect(getContentType(msg)?.mediaType).toBe('message/sipfrag');
    expect(Object.fromEntries(getContentType(msg)?.params ?? [])).toEqual({ version: '2.0' });
    expect(getTokens(msg, 'require')).toEqual(['gruu', 'tdialog']);
    expect(getTokens(msg, 'supported')).toEqual(['timer']);
    expect(getPrivacy(withHeaders([['Privacy', 'header; session; user']]))).toEqual([
      'header',
      'session',
      'user',
    ]);
  });

  it('a singleton header twice, or a mandatory header missing, is a SipHeaderCountError', () => {
    const twice = withHeaders([
      ['Event', 'refer'],
      ['o', 'presence'],
    ]);
    expect(() => getEvent(twice)).toThrow(SipHeaderCountError);
    expect(getEvent(withHeaders([]))).toBeUndefined();
  });
});

describe('URIs', () => {
  it('sip, sips, tel, urn and other schemes', () => {
    expect(
      parseUri(
        'sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?Subject=hi%20there&Priority=urgent',
      ),
    ).toMatchObject({
      kind: 'sip',
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: '[2001:db8::1]',
      hostKind: 'ipv6',
      port: 5061,
      params: new Map([
        ['transport', 'tcp'],
        ['lr', null],
      ]),
      headers: new Map([
        ['Subject', 'hi there'],
        ['Priority', 'urgent'],
      ]),
    });
    expect(parseUri('tel:+1-201-555-0123;phone-context=example.com')).toMatchObject({
      kind: 'tel',
      number: '+1-201-555-0123',
      params: new Map([['phone-context', 'example.com']]),
    });
    expect(parseUri('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toMatchObject({
      kind: 'urn',
      nid: 'uuid',
    });
    expect(parseUri('mailto:someone@example.com')).toMatchObject({
      kind: 'absolute',
      scheme: 'mailto',
    });
    expect(parseUri('SIP:User@Example.COM')).toMatchObject({
      scheme: 'sip',
      user: 'User',
      host: 'Example.COM',
    });
  });

  it('rejects malformed URIs with the rule they break', () => {
    expect(code(() => parseUri('sip:user@host:99999'))).toBe('bad-port');
    expect(code(() => parseUri('sip:user@[2001:db8:::1]'))).toBe('bad-host');
    expect(code(() => parseUri('sip:user@-host.com'))).toBe('bad-host');
    expect(code(() => parseUri('sip:user@host.com;'))).toBe('bad-uri');
    expect(code(() => parseUri('sip:@host.com'))).toBe('bad-uri');
    expect(code(() => parseUri('sip:user@host.com?x'))).toBe('bad-uri');
    expect(code(() => parseUri('<sip:user@host.com>'))).toBe('bad-uri');
    expect(code(() => parseUri('sip:user@host.com', 'request-uri'))).toBe('no error');
    expect(code(() => parseUri('sip:user@host.com?Route=x', 'request-uri'))).toBe('bad-uri');
    expect(code(() => parseUri('tel:abc-xyz'))).toBe('bad-uri');
    expect(code(() => parseUri('sip:user@999.1.1.1'))).toBe('bad-host');
  });
});

describe('name-addr, addr-spec and Via', () => {
  it('quoted display names with escapes, token display names, bare addr-spec', () => {
    const quoted = parseNameAddr('"A \\"quoted\\" name" <sip:a@example.com>;tag=x');
    expect([quoted.displayName, quoted.form, Object.fromEntries(quoted.params)]).toEqual([
      'A "quoted" name',
      'name-addr',
      { tag: 'x' },
    ]);
    expect(parseNameAddr('Bob Smith <sip:b@example.com>')).toMatchObject({
      displayName: 'Bob Smith',
    });
    const bare = parseNameAddr('sip:c@example.com;tag=y');
    expect([bare.displayName, bare.form, Object.fromEntries(bare.params)]).toEqual([
      undefined,
      'addr-spec',
      { tag: 'y' },
    ]);
    expect(code(() => parseNameAddr('"unterminated <sip:a@example.com>'))).toBe(
      'bad-quoted-string',
    );
    expect(code(() => parseNameAddr('<sip:a@example.com'))).toBe('bad-name-addr');
    expect(code(() => parseNameAddr('<sip:a@example.com>;tag'))).toBe('no error');
    expect(code(() => parseNameAddr('<sip:a@example.com>;;tag=1'))).toBe('bad-param');
  });

  it('Via with rport, received, ttl, maddr and a bad received', () => {
    const [via] = parseVias(
      'SIP/2.0/UDP 192.0.2.1:5060;rport=5061;received=192.0.2.99;branch=z9hG4bKx;ttl=16;maddr=224.2.0.1',
    );
    expect(via).toMatchObject({
      transport: 'UDP',
      host: '192.0.2.1',
      port: 5060,
      rport: 5061,
      received: '192.0.2.99',
      branch: 'z9hG4bKx',
      ttl: 16,
      maddr: '224.2.0.1',
    });
    expect(parseVias('SIP/2.0/TCP h.example.com;rport')[0]?.rport).toBe(true);
    expect(code(() => parseVias('SIP/2.0/UDP h.example.com;received=example.com'))).toBe('bad-via');
    expect(code(() => parseVias('SIP/2.0/UDP h.example.com;ttl=300'))).toBe('bad-via');
    expect(code(() => parseVias('SIP/2.0/UDPh.example.com'))).toBe('bad-via');
  });
});

describe('the header collection', () => {
  it('is case-insensitive, knows compact forms and keeps wire order', () => {
    const msg = parseMessage(
      'OPTIONS sip:a@example.com SIP/2.0\r\nv: SIP/2.0/UDP h1;branch=z9hG4bK1, SIP/2.0/UDP h2;branch=z9hG4bK2\r\nVIA: SIP/2.0/UDP h3;branch=z9hG4bK3\r\nf: <sip:b@example.com>;tag=1\r\nt: <sip:a@example.com>\r\ni: x@y\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n',
    );
    expect(msg.headers.get('Via')).toBe(
      'SIP/2.0/UDP h1;branch=z9hG4bK1, SIP/2.0/UDP h2;branch=z9hG4bK2',
    );
    expect(msg.headers.getAll('via')).toEqual([
      'SIP/2.0/UDP h1;branch=z9hG4bK1',
      'SIP/2.0/UDP h2;branch=z9hG4bK2',
      'SIP/2.0/UDP h3;branch=z9hG4bK3',
    ]);
    expect(msg.headers.get('call-id')).toBe('x@y');
    expect([...msg.headers].map((f) => f.name)).toEqual(['v', 'VIA', 'f', 't', 'i', 'CSeq', 'l']);
    msg.headers.set('Max-Forwards', 70);
    msg.headers.prepend('Via', 'SIP/2.0/UDP h0;branch=z9hG4bK0');
    expect(msg.headers.getAll('v')[0]).toBe('SIP/2.0/UDP h0;branch=z9hG4bK0');
    expect(msg.headers.removeFirstValue('via')).toBe(true);
    expect(msg.headers.removeFirstValue('via')).toBe(true);
    expect(msg.headers.getAll('via')).toEqual([
      'SIP/2.0/UDP h2;branch=z9hG4bK2',
      'SIP/2.0/UDP h3;branch=z9hG4bK3',
    ]);
    expect(msg.headers.delete('VIA')).toBe(true);
    expect(msg.headers.has('v')).toBe(false);
    expect(() => msg.headers.set('X-Bad', 'a\r\nInjected: yes')).toThrow(SipParseError);
    expect(() => msg.headers.append('Bad Name', 'x')).toThrow(SipParseError);
  });
});
