import { randomBytes } from 'node:crypto';
import { formatNameAddr } from './name-addr.js';
import type { NameAddrParts } from './name-addr.js';
import { SipHeaderCountError } from './sip-parse-error.js';
import { SipHeaders } from './sip-headers.js';
import { SipRequest, SipResponse } from './sip-message.js';
import type { Uri } from './uri.js';
import { formatVia } from './via.js';
import type { ViaParts } from './via.js';

/** RFC 3261 8.1.1.7: every branch we create starts with the magic cookie. */
export const BRANCH_COOKIE = 'z9hG4bK';

/** A fresh branch parameter (RFC 3261 8.1.1.7): the cookie plus 96 random bits. */
export function generateBranch(): string {
  return `${BRANCH_COOKIE}${randomBytes(12).toString('base64url')}`;
}

/**
 * Puts a new top Via on a request about to be sent over `transport` from
 * `sentBy` (RFC 3261 8.1.1.7 for a UAC, 16.6 step 8 for a proxy; sent-by per
 * 18.1.1), with a fresh branch and an empty rport (RFC 3581).
 */
export function prependVia(
  request: SipRequest,
  sentBy: { readonly address: string; readonly port: number },
  transport: string,
): void {
  request.headers.prepend(
    'Via',
    formatVia({
      transport,
      host: sentBy.address,
      port: sentBy.port,
      params: [
        ['branch', generateBranch()],
        ['rport', null],
      ],
    }),
  );
}

/** A fresh tag (RFC 3261 19.3: at least 32 random bits; we use 64). */
export function generateTag(): string {
  return randomBytes(8).toString('hex');
}

/** A fresh Call-ID (RFC 3261 8.1.1.4), globally unique by 128 random bits. */
export function generateCallId(host?: string): string {
  const id = randomBytes(16).toString('hex');
  return host === undefined ? id : `${id}@${host}`;
}

/** Reason phrases of RFC 3261 section 21 and the extensions the flows use. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

type Address = NameAddrParts | string;

const addressText = (a: Address): string => (typeof a === 'string' ? a : formatNameAddr(a));
const bodyBytes = (b: Uint8Array | string | undefined): Uint8Array =>
  b === undefined ? new Uint8Array(0) : typeof b === 'string' ? Buffer.from(b, 'utf8') : b;

/** What a new out-of-dialog or in-dialog request is made of (RFC 3261 8.1.1). */
export interface RequestOptions {
  readonly method: string;
  readonly requestUri: string | Uri;
  /** From: an address (its tag goes in `params`) or header text. */
  readonly from: Address;
  readonly to: Address;
  readonly callId: string;
  readonly cseq: number;
  /** Via values top first: header text or parts (add the branch in `params`). */
  readonly via?: readonly (string | ViaParts)[];
  /** RFC 3261 8.1.1.6: 70 unless told otherwise. */
  readonly maxForwards?: number;
  readonly contact?: Address;
  /** Route values in order (RFC 3261 12.2.1.1). */
  readonly route?: readonly Address[];
  /** Further headers, written in this order after the ones above. */
  readonly headers?: Iterable<readonly [string, string]>;
  readonly contentType?: string;
  readonly body?: Uint8Array | string;
}

/**
 * Builds a request with the header fields RFC 3261 8.1.1 requires, in the
 * customary order. Content-Length is written by serializeMessage.
 */
export function createRequest(options: RequestOptions): SipRequest {
  const headers = new SipHeaders();
  for (const via of options.via ?? [])
    headers.append('Via', typeof via === 'string' ? via : formatVia(via));
  headers.append('Max-Forwards', options.maxForwards ?? 70);
  for (const route of options.route ?? []) headers.append('Route', addressText(route));
  headers.append('From', addressText(options.from));
  headers.append('To', addressText(options.to));
  headers.append('Call-ID', options.callId);
  headers.append('CSeq', `${options.cseq} ${options.method}`);
  if (options.contact !== undefined) headers.append('Contact', addressText(options.contact));
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  const body = bodyBytes(options.body);
  if (options.contentType !== undefined) headers.append('Content-Type', options.contentType);
  return new SipRequest(options.method, options.requestUri, headers, body);
}

/** Extras for `createResponse`. */
export interface ResponseOptions {
  /** Tag to add to To when the request's To has none (RFC 3261 8.2.6.2). */
  readonly toTag?: string;
  readonly contact?: Address;
  readonly headers?: Iterable<readonly [string, string]>;
  readonly contentType?: string;
  readonly body?: Uint8Array | string;
}

/**
 * Builds a response to `request` (RFC 3261 8.2.6.2): Via values in order,
 * From, Call-ID and CSeq copied, To copied with `toTag` added when it has
 * no tag; a 100 also copies Timestamp (RFC 3261 8.2.6.1). Throws
 * SipHeaderCountError when the request lacks one of them.
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reason?: string,
  options: ResponseOptions = {},
): SipResponse {
  const headers = new SipHeaders();
  for (const field of request.headers.fields('via'))
    headers.append(field.name.length === 1 ? 'Via' : field.name, field.value);
  if (!headers.has('via')) throw new SipHeaderCountError('Via', 0);
  for (const name of ['From', 'To', 'Call-ID', 'CSeq'] as const) {
    const fields = request.headers.fields(name);
    const field = fields[0];
    if (fields.length !== 1 || field === undefined)
      throw new SipHeaderCountError(name, fields.length);
    let value = field.value;
    // RFC 3261 8.2.6.2: the UAS adds a To tag unless the request had one (a 100 may omit it).
    if (name === 'To' && options.toTag !== undefined && !/;\s*tag\s*=/i.test(value))
      value += `;tag=${options.toTag}`;
    headers.append(name, value);
  }
  if (status === 100) {
    const timestamp = request.headers.get('timestamp');
    if (timestamp !== undefined) headers.append('Timestamp', timestamp);
  }
  if (options.contact !== undefined) headers.append('Contact', addressText(options.contact));
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  if (options.contentType !== undefined) headers.append('Content-Type', options.contentType);
  return new SipResponse(
    status,
    reason ?? REASON_PHRASES[status] ?? '',
    headers,
    bodyBytes(options.body),
  );
}
