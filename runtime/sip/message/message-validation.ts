import { randomBytes } from 'node:crypto';
import {
  getContacts,
  getContentType,
  getExpires,
  getTo,
  getTopVia,
  getVias,
} from './header-accessors.js';
import { isIpv4 } from './host.js';
import { splitHeaderList } from './header-names.js';
import { parsedField } from './header-registry.js';
import type { SipRequest, SipResponse } from './sip-message.js';
import { SipHeaderCountError, SipParseError } from './sip-parse-error.js';

/** What the element checking a request is and supports. */
export interface ValidationPolicy {
  /** Default `uas`. */
  readonly role?: 'uas' | 'proxy' | 'registrar';
  /** Option tags we support (RFC 3261 19.2); default none. */
  readonly supportedExtensions?: readonly string[];
  /** Body types we accept (RFC 3261 8.2.3); default application/sdp, message/sipfrag, text/plain, multipart/mixed. */
  readonly acceptedContentTypes?: readonly string[];
  /** Request-URI schemes we serve (RFC 3261 8.2.2.1); default sip, sips, tel. */
  readonly uriSchemes?: readonly string[];
  /** Authorization schemes a registrar understands (RFC 3261 22); default Digest. */
  readonly authSchemes?: readonly string[];
}

/** The response a request must get instead of normal processing. */
export interface Rejection {
  readonly status: number;
  readonly reason: string;
  /** Why, for logs and the torture table. */
  readonly detail: string;
  /** Header fields the response must carry (Unsupported, Accept, WWW-Authenticate ...). */
  readonly headers: readonly (readonly [string, string])[];
}

const reject = (
  status: number,
  reason: string,
  detail: string,
  headers: [string, string][] = [],
): Rejection => ({
  status,
  reason,
  detail,
  headers,
});

const SINGLETONS = [
  'To',
  'From',
  'Call-ID',
  'CSeq',
  'Max-Forwards',
  'Content-Length',
  'Content-Type',
  'Expires',
];

/**
 * The response RFC 3261 (and RFC 4475 section 3.3) names for a request that
 * parsed but cannot be processed, or undefined when it can. Checks run in
 * the order of RFC 3261 8.2 (UAS) and 16.3 (proxy).
 */
export function validateRequest(
  request: SipRequest,
  policy: ValidationPolicy = {},
): Rejection | undefined {
  const role = policy.role ?? 'uas';
  const h = request.headers;
  // RFC 3261 8.1.1: To, From, CSeq, Call-ID and Via are mandatory (Max-Forwards is
  // left out for RFC 2543 peers, RFC 4475 3.4.1 inv2543).
  const missing = ['To', 'From', 'CSeq', 'Call-ID', 'Via'].filter((name) => !h.has(name));
  if (missing.length > 0) return reject(400, 'Bad Request', `missing ${missing.join(', ')}`);
  // RFC 3261 7.3.1: these headers occur once (RFC 4475 3.3.8 multi01, 3.3.9 mcl01).
  const repeated = SINGLETONS.filter((name) => h.count(name) > 1);
  if (repeated.length > 0)
    return reject(400, 'Bad Request', `more than one ${repeated.join(', ')}`);
  try {
    for (const field of h) parsedField(field);
    getContacts(request);
  } catch (error) {
    if (error instanceof SipParseError || error instanceof SipHeaderCountError) {
      return reject(400, 'Bad Request', error.message);
    }
    throw error;
  }
  // RFC 3261 8.2.2.1 / 16.3 item 1: an unknown Request-URI scheme gets 416.
  const schemes = policy.uriSchemes ?? ['sip', 'sips', 'tel'];
  if (!schemes.includes(request.uri.scheme)) {
    return reject(416, 'Unsupported URI Scheme', `Request-URI scheme ${request.uri.scheme}`);
  }
  if (role === 'proxy') {
    // RFC 3261 16.3 item 2: Max-Forwards of zero is not forwarded (RFC 4475 3.3.11 zeromf).
    if (h.get('max-forwards') !== undefined && Number(h.get('max-forwards')) === 0) {
      return reject(483, 'Too Many Hops', 'Max-Forwards is 0');
    }
    // RFC 3261 16.3 item 5: Proxy-Require option tags we do not know get 420.
    const unknown = tokens(request, 'proxy-require').filter(
      (t) => !(policy.supportedExtensions ?? []).includes(t),
    );
    if (unknown.length > 0)
      return reject(420, 'Bad Extension', `Proxy-Require ${unknown.join(', ')}`, [
        ['Unsupported', unknown.join(', ')],
      ]);
    return undefined;
  }
  if (role === 'registrar' && request.method === 'REGISTER') {
    const rejection = checkRegister(request, policy);
    if (rejection) return rejection;
  }
  // RFC 3261 8.2.2.3: Require option tags we do not know get 420 (not for ACK and CANCEL).
  if (request.method !== 'ACK' && request.method !== 'CANCEL') {
    const unknown = tokens(request, 'require').filter(
      (t) => !(policy.supportedExtensions ?? []).includes(t),
    );
    if (unknown.length > 0)
      return reject(420, 'Bad Extension', `Require ${unknown.join(', ')}`, [
        ['Unsupported', unknown.join(', ')],
      ]);
  }
  const accepted = policy.acceptedContentTypes ?? [
    'application/sdp',
    'message/sipfrag',
    'text/plain',
    'multipart/mixed',
  ];
  // RFC 3261 8.2.3: a body of a type we do not understand gets 415 with Accept.
  if (request.body.length > 0) {
    const type = getContentType(request);
    if (type === undefined || !accepted.includes(type.mediaType)) {
      return reject(415, 'Unsupported Media Type', `body of type ${type?.mediaType ?? '(none)'}`, [
        ['Accept', accepted.join(', ')],
      ]);
    }
  }
  // RFC 3261 8.2.3 / 21.4.7: an INVITE whose Accept excludes SDP cannot get an answer
  // (RFC 4475 3.3.15 sdp01).
  if (request.method === 'INVITE' && h.has('accept')) {
    const accept = h.getAll('accept').map((a) => (a.split(';')[0] ?? '').trim().toLowerCase());
    if (
      !accept.some(
        (a) => a === 'application/sdp' || a === 'application/*' || a === '*/*' || a === '',
      )
    ) {
      return reject(406, 'Not Acceptable', `Accept ${accept.join(', ')} excludes application/sdp`, [
        ['Warning', '399 - "only application/sdp can be sent"'],
      ]);
    }
  }
  return undefined;
}

function tokens(request: SipRequest, name: string): string[] {
  return request.headers
    .getAll(name)
    .flatMap((v) => splitHeaderList(v))
    .filter((t) => t.length > 0);
}

function checkRegister(request: SipRequest, policy: ValidationPolicy): Rejection | undefined {
  const to = getTo(request);
  // RFC 3261 10.3 item 5: the address-of-record in To must be a SIP or SIPS URI
  // (RFC 4475 3.3.4 unksm2).
  if (to.uri.kind !== 'sip')
    return reject(400, 'Bad Request', 'To of a REGISTER must be a SIP or SIPS URI');
  // RFC 3261 10.3 item 6: "*" only with Expires 0 and alone.
  if (getContacts(request) === '*' && getExpires(request) !== 0) {
    return reject(400, 'Bad Request', 'Contact "*" requires Expires: 0');
  }
  // RFC 3261 22.1: credentials in a scheme we do not know are no credentials, so the
  // registrar challenges (RFC 4475 3.3.7 regaut01).
  const schemes = (policy.authSchemes ?? ['Digest']).map((s) => s.toLowerCase());
  for (const value of request.headers.getAll('authorization')) {
    const scheme = (value.split(/[ \t]/)[0] ?? '').toLowerCase();
    if (!schemes.includes(scheme)) {
      return reject(401, 'Unauthorized', `Authorization scheme ${scheme} is not supported`, [
        [
          'WWW-Authenticate',
          `Digest realm="${request.uri.kind === 'sip' ? request.uri.host : 'flowspec'}", nonce="${randomBytes(16).toString('hex')}", algorithm=MD5, qop="auth"`,
        ],
      ]);
    }
  }
  return undefined;
}

/** Why a received response must be dropped instead of processed. */
export interface Discard {
  readonly action: 'discard';
  readonly reason: string;
}

/**
 * Whether a response must be discarded: a UAC drops a response with more
 * than one Via (RFC 3261 8.1.3.3); a proxy drops one whose next hop would be
 * a broadcast or multicast address (RFC 4475 3.3.10 bcast).
 */
export function validateResponse(
  response: SipResponse,
  role: 'uac' | 'proxy' = 'uac',
): Discard | undefined {
  try {
    const vias = getVias(response);
    getTopVia(response);
    if (role === 'uac' && vias.length > 1)
      return { action: 'discard', reason: 'a UAC receives responses with one Via' };
    const next = vias[1];
    if (role === 'proxy' && next !== undefined) {
      const host = next.received ?? next.host;
      const first = Number(host.split('.')[0]);
      if (isIpv4(host) && (host === '255.255.255.255' || (first >= 224 && first <= 239))) {
        return {
          action: 'discard',
          reason: `the next Via ${host} is a broadcast or multicast address`,
        };
      }
    }
  } catch (error) {
    if (error instanceof SipParseError || error instanceof SipHeaderCountError)
      return { action: 'discard', reason: error.message };
    throw error;
  }
  return undefined;
}
