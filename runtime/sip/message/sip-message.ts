import type { SipHeaders } from './sip-headers.js';
import { parseUri } from './uri.js';
import type { Uri } from './uri.js';

/**
 * A Request-URI the message parser already checked; built when first read.
 * @internal
 */
export class CheckedRequestUri {
  constructor(readonly text: string) {}
}

/** A SIP request (RFC 3261 7.1). */
export class SipRequest {
  readonly kind = 'request' as const;
  /** The method as written (case-sensitive, RFC 3261 7.1). */
  method: string;
  /** "SIP/2.0". */
  version: string;
  headers: SipHeaders;
  /** The body; for a parsed message a view of the bytes it was parsed from. */
  body: Uint8Array;
  #requestUri: string;
  #uri: Uri | undefined;

  constructor(
    method: string,
    requestUri: string | Uri | CheckedRequestUri,
    headers: SipHeaders,
    body: Uint8Array = new Uint8Array(0),
    version = 'SIP/2.0',
  ) {
    this.method = method;
    this.version = version;
    this.headers = headers;
    this.body = body;
    if (requestUri instanceof CheckedRequestUri) {
      this.#uri = undefined;
      this.#requestUri = requestUri.text;
    } else if (typeof requestUri === 'string') {
      this.#uri = parseUri(requestUri, 'request-uri', 'Request-URI');
      this.#requestUri = requestUri;
    } else {
      this.#uri = requestUri;
      this.#requestUri = requestUri.raw;
    }
  }

  /** The Request-URI as written. Setting it parses and validates it. */
  get requestUri(): string {
    return this.#requestUri;
  }

  set requestUri(value: string) {
    this.#uri = parseUri(value, 'request-uri', 'Request-URI');
    this.#requestUri = value;
  }

  /** The Request-URI, parsed. */
  get uri(): Uri {
    this.#uri ??= parseUri(this.#requestUri, 'request-uri', 'Request-URI');
    return this.#uri;
  }

  set uri(value: Uri) {
    this.#uri = value;
    this.#requestUri = value.raw;
  }
}

/** A SIP response (RFC 3261 7.2). */
export class SipResponse {
  readonly kind = 'response' as const;
  version: string;
  /** Status code, 100 to 699. */
  status: number;
  /** Reason phrase (may be empty). */
  reason: string;
  headers: SipHeaders;
  body: Uint8Array;

  constructor(
    status: number,
    reason: string,
    headers: SipHeaders,
    body: Uint8Array = new Uint8Array(0),
    version = 'SIP/2.0',
  ) {
    this.version = version;
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.body = body;
  }
}

/** Any SIP message. */
export type SipMessage = SipRequest | SipResponse;
