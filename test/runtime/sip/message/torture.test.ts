import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  getContacts,
  getCSeq,
  getFrom,
  getMaxForwards,
  getRoutes,
  getTo,
  getVias,
  parseMessage,
  SipParseError,
  validateRequest,
  validateResponse,
} from '../../../../runtime/sip/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../../runtime/sip/message/index.js';
import { torture, tortureCases } from './torture-fixtures.js';

function request(name: string): SipRequest {
  const msg = parseMessage(torture(name));
  if (msg.kind !== 'request') throw new TypeError(`${name} is not a request`);
  return msg;
}

function response(name: string): SipResponse {
  const msg = parseMessage(torture(name));
  if (msg.kind !== 'response') throw new TypeError(`${name} is not a response`);
  return msg;
}

function parseError(data: Buffer): SipParseError {
  try {
    parseMessage(data);
  } catch (error) {
    if (error instanceof SipParseError) return error;
    throw error;
  }
  throw new TypeError('expected a SipParseError');
}

describe('RFC 4475 / RFC 5118 torture corpus', () => {
  const cases = tortureCases();

  it('holds all 49 + 12 messages', () => {
    expect(cases.filter((c) => c.rfc === 'rfc4475')).toHaveLength(49);
    expect(cases.filter((c) => c.rfc === 'rfc5118')).toHaveLength(12);
    expect(cases.filter((c) => c.invalid)).toHaveLength(21);
  });

  for (const c of cases.filter((x) => x.invalid)) {
    it(`rejects ${c.rfc}/${c.name} with ${c.code}`, () => {
      const error = parseError(readFileSync(c.file));
      expect(error.code).toBe(c.code);
      expect(error.reason.length).toBeGreaterThan(5);
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
    });
  }

  for (const c of cases.filter((x) => !x.invalid)) {
    it(`accepts ${c.rfc}/${c.name}`, () => {
      const msg: SipMessage = parseMessage(readFileSync(c.file));
      expect(msg.headers.size).toBeGreaterThan(0);
      // Every header the message layer understands reads back without error.
      if (msg.headers.has('via')) expect(getVias(msg).length).toBeGreaterThan(0);
    });
  }

  it('locates errors: badvers answers 505, lwsstart points at the second SP', () => {
    const badvers = parseError(torture('badvers'));
    expect(badvers.status).toBe(505);
    expect(badvers.line).toBe(1);
    const lwsstart = parseError(torture('lwsstart'));
    expect([lwsstart.line, lwsstart.column]).toEqual([1, 8]);
    const quotbal = parseError(torture('quotbal'));
    expect(quotbal.header).toBe('To');
    expect(quotbal.line).toBe(2);
    const clerr = parseError(torture('clerr'));
    expect(clerr.status).toBe(400);
  });
});

describe('RFC 4475 3.3 application-layer cases get the response the RFC names', () => {
  it('insuf: 400 for missing To, From, Call-ID', () => {
    expect(validateRequest(request('insuf'))).toMatchObject({ status: 400 });
  });
  it('multi01 and mcl01: 400 for repeated singleton headers', () => {
    expect(validateRequest(request('multi01'))).toMatchObject({ status: 400 });
    expect(validateRequest(request('mcl01'))).toMatchObject({ status: 400 });
  });
  it('unkscm and novelsc: 416 for an unknown Request-URI scheme', () => {
    expect(validateRequest(request('unkscm'))).toMatchObject({ status: 416 });
    expect(validateRequest(request('novelsc'))).toMatchObject({ status: 416 });
  });
  it('unksm2: a registrar answers 400 for a non-SIP To', () => {
    const msg = request('unksm2');
    expect(getTo(msg).uri).toMatchObject({ kind: 'absolute', scheme: 'isbn' });
    expect(getFrom(msg).uri).toMatchObject({ kind: 'absolute', scheme: 'http' });
    expect(validateRequest(msg, { role: 'registrar' })).toMatchObject({ status: 400 });
  });
  it('bext01: 420 listing the unknown option tags in Unsupported; a proxy checks Proxy-Require', () => {
    const uas = validateRequest(request('bext01'));
    expect(uas).toMatchObject({ status: 420 });
    expect(uas?.headers).toEqual([
      ['Unsupported', 'nothingSupportsThis, nothingSupportsThisEither'],
    ]);
    const proxy = validateRequest(request('bext01'), { role: 'proxy' });
    expect(proxy?.headers).toEqual([
      ['Unsupported', 'noProxiesSupportThis, norDoAnyProxiesSupportThis'],
    ]);
    expect(
      validateRequest(request('bext01'), {
        supportedExtensions: ['nothingSupportsThis', 'nothingSupportsThisEither'],
      }),
    ).toBeUndefined();
  });
  it('invut: 415 with Accept for an unknown body type', () => {
    const rejection = validateRequest(request('invut'));
    expect(rejection).toMatchObject({ status: 415 });
    expect(rejection?.headers[0]?.[0]).toBe('Accept');
  });
  it('regaut01: a registrar challenges an unknown Authorization scheme with 401', () => {
    const rejection = validateRequest(request('regaut01'), { role: 'registrar' });
    expect(rejection).toMatchObject({ status: 401 });
    expect(rejection?.headers[0]?.[0]).toBe('WWW-Authenticate');
  });
  it('zeromf: a proxy answers 483, a UAS processes it', () => {
    expect(validateRequest(request('zeromf'), { role: 'proxy' })).toMatchObject({ status: 483 });
    expect(validateRequest(request('zeromf'))).toBeUndefined();
    expect(getMaxForwards(request('zeromf'))).toBe(0);
  });
  it('sdp01: 406 when Accept excludes application/sdp', () => {
    expect(validateRequest(request('sdp01'))).toMatchObject({ status: 406 });
  });
  it('bcast: a proxy drops a response whose next Via is broadcast; a UAC drops two Vias', () => {
    expect(validateResponse(response('bcast'), 'proxy')).toMatchObject({ action: 'discard' });
    expect(validateResponse(response('bcast'), 'uac')).toMatchObject({ action: 'discard' });
    expect(validateResponse(response('noreason'), 'uac')).toBeUndefined();
  });
  it('cparam01: without angle brackets unknownparam belongs to the Contact, not the URI', () => {
    const contacts = getContacts(request('cparam01'));
    if (contacts === '*') throw new TypeError('wildcard');
    expect(contacts[0]?.params.has('unknownparam')).toBe(true);
    expect(contacts[0]?.uri.kind === 'sip' && contacts[0].uri.params.size).toBe(0);
    expect(validateRequest(request('cparam01'), { role: 'registrar' })).toBeUndefined();
  });
  it('cparam02: inside angle brackets unknownparam is a URI parameter', () => {
    const contacts = getContacts(request('cparam02'));
    if (contacts === '*') throw new TypeError('wildcard');
    expect(contacts[0]?.params.size).toBe(0);
    expect(contacts[0]?.uri.kind === 'sip' && contacts[0].uri.params.get('unknownparam')).toBe(
      null,
    );
  });
  it('regescrt: the Contact URI keeps its escaped Route header and the REGISTER is accepted', () => {
    const contacts = getContacts(request('regescrt'));
    if (contacts === '*') throw new TypeError('wildcard');
    const uri = contacts[0]?.uri;
    expect(uri?.kind === 'sip' && uri.headers.get('Route')).toBe('<sip:sip.example.com>');
    expect(validateRequest(request('regescrt'), { role: 'registrar' })).toBeUndefined();
  });
  it('badbranch and inv2543 are processed (RFC 4475 3.2.1, 3.4.1)', () => {
    expect(validateRequest(request('badbranch'))).toBeUndefined();
    expect(validateRequest(request('inv2543'))).toBeUndefined();
    expect(getVias(request('badbranch'))[0]?.branch).toBe('z9hG4bK');
    expect(getVias(request('inv2543'))[0]?.branch).toBeUndefined();
  });
  it('the other valid requests need no special response', () => {
    for (const name of [
      'wsinv',
      'intmeth',
      'esc01',
      'escnull',
      'esc02',
      'lwsdisp',
      'longreq',
      'dblreq',
      'semiuri',
      'transports',
      'mpart01',
    ]) {
      expect(validateRequest(request(name)), name).toBeUndefined();
    }
  });
});

describe('details of the valid torture messages', () => {
  it('wsinv: white space, folding and escapes everywhere', () => {
    const msg = request('wsinv');
    expect(getTo(msg).params.get('tag')).toBe('1918181833n');
    expect(getFrom(msg).displayName).toBe('J Rosenberg \\"');
    expect(getFrom(msg).params.get('tag')).toBe('98asjd8');
    expect(getMaxForwards(msg)).toBe(68);
    expect(getCSeq(msg)).toEqual({ seq: 9, method: 'INVITE' });
    expect(getVias(msg).map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    const contacts = getContacts(msg);
    if (contacts === '*') throw new TypeError('wildcard');
    expect(contacts[0]?.displayName).toBe('Quoted string ""');
    expect(contacts[0]?.q).toBe(0.33);
    expect([...(contacts[0]?.params ?? [])]).toEqual([
      ['newparam', 'newvalue'],
      ['secondparam', null],
      ['q', '0.33'],
    ]);
    const route = getRoutes(msg)[0]?.uri;
    expect(route?.kind === 'sip' && [...route.params.keys()]).toEqual([
      'lr',
      'unknownwith',
      'unknown-no-value',
    ]);
    expect(msg.headers.get('NewFangledHeader')).toMatch(
      /^newfangled value\s+continued newfangled value$/,
    );
    expect(msg.headers.get('s')).toBe('');
    expect(msg.body.length).toBe(150);
  });

  it('intmeth: an unusual method, user and password, and control characters as quoted-pairs', () => {
    const msg = request('intmeth');
    expect(msg.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = msg.uri;
    expect(uri.kind).toBe('sip');
    if (uri.kind !== 'sip') return;
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(getTo(msg).displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(getFrom(msg).displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(getFrom(msg).params.get("fromparam''~+*_!.-%")).toBe('работающий');
    expect(msg.headers.get("extensionHeader-!.%*+_`'~")).toBe('\u{FEFF}大停電');
  });

  it('esc01, escnull, esc02: escapes are resolved in the parts, kept in the raw text', () => {
    const esc01 = request('esc01');
    expect(esc01.uri.kind === 'sip' && esc01.uri.user).toBe('sips:user@example.com');
    expect(getTo(esc01).uri.kind === 'sip' && (getTo(esc01).uri as { user?: string }).user).toBe(
      'user',
    );
    expect((getFrom(esc01).uri as { user?: string }).user).toBe('I have spaces');
    const contacts = getContacts(esc01);
    if (contacts === '*') throw new TypeError('wildcard');
    const uri = contacts[0]?.uri;
    expect(uri?.kind === 'sip' && [uri.user, [...uri.params]]).toEqual([
      'caller',
      [
        ['lr', null],
        ['name', 'value%41'],
      ],
    ]);
    expect((getTo(request('escnull')).uri as { user?: string }).user).toBe('null-\0-null');
    const esc02 = request('esc02');
    expect(esc02.method).toBe('RE%47IST%45R');
    expect(getContacts(esc02)).toHaveLength(2);
    expect(esc02.headers.get('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
  });

  it('longreq, transports, semiuri, dblreq, mpart01, lwsdisp, noreason, unreason', () => {
    const longreq = request('longreq');
    expect(getVias(longreq)).toHaveLength(34);
    expect(getVias(longreq)[33]?.received).toBe('192.0.2.5');
    expect(getVias(request('transports')).map((v) => v.transport)).toEqual([
      'UDP',
      'SCTP',
      'TLS',
      'UNKNOWN',
      'TCP',
    ]);
    const semi = request('semiuri');
    expect(semi.uri.kind === 'sip' && [semi.uri.user, semi.uri.host, semi.uri.params.size]).toEqual(
      ['user;par=u@example.net', 'example.com', 0],
    );
    expect(semi.headers.getAll('accept')).toEqual([
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'multipart/signed',
      'message/sip',
      'message/sipfrag',
    ]);
    const dbl = request('dblreq');
    expect([dbl.method, dbl.body.length]).toEqual(['REGISTER', 0]);
    expect(request('mpart01').body.length).toBe(553);
    expect(getFrom(request('lwsdisp')).displayName).toBe('caller');
    expect(response('noreason').reason).toBe('');
    expect(response('unreason').reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(request('inv2543').body.length).toBeGreaterThan(0);
  });

  it('RFC 5118: IPv6 references, ports, received with and without brackets', () => {
    const good = request('ipv6-good');
    expect(good.uri).toMatchObject({ host: '[2001:db8::10]', hostKind: 'ipv6', port: undefined });
    expect(request('port-unambiguous').uri).toMatchObject({ host: '[2001:db8::10]', port: 5070 });
    expect(request('port-ambiguous').uri).toMatchObject({
      host: '[2001:db8::10:5070]',
      port: undefined,
    });
    expect(getVias(request('via-received-param-with-delim'))[0]?.received).toBe('2001:db8::9:255');
    expect(getVias(request('via-received-param-no-delim'))[0]?.received).toBe('2001:db8::9:255');
    expect(getVias(request('mult-ip-in-header')).map((v) => [v.host, v.port])).toEqual([
      ['[2001:db8::9:1]', 6050],
      ['192.0.2.1', undefined],
      ['[2001:db8::9:255]', undefined],
    ]);
    expect(getVias(request('ipv4-mapped-ipv6'))[0]).toMatchObject({
      host: '[::ffff:192.0.2.10]',
      port: 19823,
    });
    expect(request('ipv6-correct-abnf-2-colons').uri).toMatchObject({
      host: '[2001:db8::192.0.2.1]',
    });
  });
});

describe('line endings and control characters (RFC 3261 7, 25.1)', () => {
  const base =
    'OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nX-Note: fine\r\nCall-ID: x@y\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n';
  const variants: [string, string][] = [
    ['a bare LF ending a line', base.replace('X-Note: fine\r\n', 'X-Note: fine\n')],
    ['a bare CR inside an unknown header', base.replace('X-Note: fine', 'X-Note: fi\rne')],
    ['a bare CR inside a known header', base.replace('Call-ID: x@y', 'Call-ID: x\r@y')],
    [
      'a bare CR in the start line',
      base.replace('OPTIONS sip:a@example.com', 'OPTIONS sip:a@exa\rmple.com'),
    ],
    ['a quoted-pair holding CR', base.replace('X-Note: fine', 'X-Note: "a\\\rb"')],
    [
      'a raw control character in an unknown header',
      base.replace('X-Note: fine', 'X-Note: a\x01b'),
    ],
    ['a quoted-pair CR next to UTF-8', base.replace('X-Note: fine', 'X-Note: "é\\\rb"')],
  ];
  for (const [what, text] of variants) {
    it(`rejects ${what}`, () => {
      expect(parseError(Buffer.from(text, 'utf8')).code).toMatch(/^bad-/);
    });
  }
  it('accepts the message without them, and a control character as a quoted-pair in a known header', () => {
    expect(parseMessage(base).headers.get('x-note')).toBe('fine');
    const pair = parseMessage(
      base.replace('Call-ID: x@y', 'Call-ID: x@y\r\nTo: "a\\\x01b" <sip:a@example.com>'),
    );
    expect(getTo(pair).displayName).toBe('a\x01b');
  });
});
