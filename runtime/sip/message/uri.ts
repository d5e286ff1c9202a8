import { isAlpha, isDigit, isHex, PARAM, PASSWORD, URIC, USER, HNV } from './char-classes.js';
import { scanEscaped, unescapeUri } from './uri-escaping.js';
import { scanHostPort, skipHostPort } from './host.js';
import { isCommonSipUri } from './uri-fast-path.js';
import type { HostKind } from './host.js';
import { SipParseError } from './sip-parse-error.js';

/** URI parameters: names lower-cased (RFC 3261 19.1.4), values unescaped, `null` when valueless. */
export type UriParams = ReadonlyMap<string, string | null>;

/** A SIP or SIPS URI (RFC 3261 19.1). */
export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  /** The user part, unescaped (RFC 3261 19.1.2); undefined without userinfo. */
  readonly user: string | undefined;
  /** The password, unescaped. */
  readonly password: string | undefined;
  /** The host as written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  readonly params: UriParams;
  /** URI headers (`?name=value&...`), names as written, values unescaped. */
  readonly headers: ReadonlyMap<string, string>;
  /** The URI exactly as written. */
  readonly raw: string;
}

/** A tel URI (RFC 3966). */
export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The telephone-subscriber number as written (global with "+", or local). */
  readonly number: string;
  readonly params: UriParams;
  readonly raw: string;
}

/** A URN (RFC 8141), e.g. `urn:uuid:...` or `urn:service:sos`. */
export interface UrnUri {
  readonly kind: 'urn';
  readonly scheme: 'urn';
  /** Namespace identifier, lower-cased. */
  readonly nid: string;
  /** Namespace-specific string as written. */
  readonly nss: string;
  readonly raw: string;
}

/** Any other absolute URI (RFC 2396), kept opaque. */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Scheme, lower-cased. */
  readonly scheme: string;
  /** Everything after the first colon. */
  readonly opaque: string;
  readonly raw: string;
}

/** Every URI the message layer understands. */
export type Uri = SipUri | TelUri | UrnUri | AbsoluteUri;

/** Where a URI occurs, which changes what it may contain (RFC 3261 19.1.1 table 1). */
export type UriContext = 'request-uri' | 'name-addr' | 'addr-spec';

function fail(reason: string, at: number, header?: string): never {
  throw SipParseError.at('bad-uri', reason, at, header);
}

/**
 * Parses the URI in `text` between `start` and `end` (default: all of it).
 * SIP, SIPS, tel and URN URIs are parsed into parts; any other scheme is
 * checked against RFC 2396 absoluteURI and kept opaque.
 */
export function parseUri(
  text: string,
  context: UriContext = 'name-addr',
  header?: string,
  start = 0,
  end = text.length,
): Uri {
  return scanUri(text, context, header, start, end, true) as Uri;
}

/**
 * Checks the URI between `start` and `end` exactly as parseUri does, without
 * building it: the message parser validates every URI up front and builds
 * them when they are first read.
 */
export function checkUri(
  text: string,
  context: UriContext,
  header: string | undefined,
  start: number,
  end: number,
): void {
  // The addr-spec form ends at ";", which the common-shape expression would read on.
  if (context !== 'addr-spec' && isCommonSipUri(text, start, end)) return;
  scanUri(text, context, header, start, end, false);
}

function scanUri(
  text: string,
  context: UriContext,
  header: string | undefined,
  start: number,
  end: number,
  build: boolean,
): Uri | undefined {
  // RFC 2396 3.1: scheme = alpha *( alpha | digit | "+" | "-" | "." )
  let i = start;
  if (!isAlpha(text.charCodeAt(i))) fail('a URI must start with its scheme', i, header);
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isAlpha(c) || isDigit(c) || c === 43 || c === 45 || c === 46) i++;
    else break;
  }
  if (text.charCodeAt(i) !== 58 || i >= end) fail('expected ":" after the URI scheme', i, header);
  const schemeLength = i - start;
  if ((schemeLength === 3 || schemeLength === 4) && (text.charCodeAt(start) | 0x20) === 115) {
    const scheme = text.slice(start, i).toLowerCase();
    if (scheme === 'sip' || scheme === 'sips') {
      return parseSipUri(
        text,
        i + 1,
        end,
        scheme,
        build ? text.slice(start, end) : '',
        context,
        header,
        build,
      );
    }
  }
  const scheme = text.slice(start, i).toLowerCase();
  const raw = text.slice(start, end);
  // RFC 3261 20.10: in the addr-spec form a URI may hold no "?", "," or ";".
  if (context === 'addr-spec' && raw.includes('?')) {
    fail('a URI with "?" must be enclosed in "<" and ">"', start + raw.indexOf('?'), header);
  }
  if (scheme === 'tel') return parseTelUri(text, i + 1, end, raw, header);
  if (scheme === 'urn') return parseUrn(text, i + 1, end, raw, header);
  // RFC 2396 3: absoluteURI = scheme ":" ( hier_part | opaque_part ), all uric
  const stop = scanEscaped(text, i + 1, end, URIC);
  if (stop !== end || stop === i + 1) fail('bad character in URI', stop, header);
  return { kind: 'absolute', scheme, opaque: text.slice(i + 1, end), raw };
}

const NO_PARAMS: UriParams = new Map<string, string | null>();
const NO_HEADERS: ReadonlyMap<string, string> = new Map<string, string>();

function parseParams(
  text: string,
  i: number,
  end: number,
  header: string | undefined,
  build: boolean,
): [UriParams, number] {
  if (i >= end || text.charCodeAt(i) !== 59) return [NO_PARAMS, i];
  const params = build ? new Map<string, string | null>() : NO_PARAMS;
  // RFC 3261 25.1: uri-parameters = *( ";" uri-parameter ), pname = 1*paramchar
  while (i < end && text.charCodeAt(i) === 59) {
    const nameStart = i + 1;
    const nameEnd = scanEscaped(text, nameStart, end, PARAM);
    if (nameEnd === nameStart) fail('empty URI parameter name', nameStart, header);
    i = nameEnd;
    let valueStart = -1;
    if (i < end && text.charCodeAt(i) === 61) {
      const valueEnd = scanEscaped(text, i + 1, end, PARAM);
      if (valueEnd === i + 1) fail('empty URI parameter value', i + 1, header);
      valueStart = i + 1;
      i = valueEnd;
    }
    if (build) {
      (params as Map<string, string | null>).set(
        unescapeUri(text.slice(nameStart, nameEnd)).toLowerCase(),
        valueStart < 0 ? null : unescapeUri(text.slice(valueStart, i)),
      );
    }
  }
  return [params, i];
}

function parseSipUri(
  text: string,
  i: number,
  end: number,
  scheme: 'sip' | 'sips',
  raw: string,
  context: UriContext,
  header: string | undefined,
  build: boolean,
): SipUri | undefined {
  let user: string | undefined;
  let password: string | undefined;
  // RFC 3261 25.1: "@" occurs in no other part of a SIP URI, so it ends the userinfo.
  const at = text.indexOf('@', i);
  if (at >= 0 && at < end) {
    const userEnd = scanEscaped(text, i, at, USER);
    if (userEnd === i) fail('empty user part', i, header);
    if (build) user = unescapeUri(text.slice(i, userEnd));
    if (userEnd < at) {
      if (text.charCodeAt(userEnd) !== 58) fail('bad character in URI user part', userEnd, header);
      const passEnd = scanEscaped(text, userEnd + 1, at, PASSWORD);
      if (passEnd !== at) fail('bad character in URI password', passEnd, header);
      if (build) password = unescapeUri(text.slice(userEnd + 1, at));
    }
    i = at + 1;
  }
  const hostPort = build ? scanHostPort(text, i, end, header) : undefined;
  const [params, afterParams] = parseParams(
    text,
    hostPort ? hostPort.end : skipHostPort(text, i, end, header),
    end,
    header,
    build,
  );
  i = afterParams;
  let headers = NO_HEADERS;
  if (i < end && text.charCodeAt(i) === 63) {
    const found = new Map<string, string>();
    headers = found;
    // RFC 3261 19.1.1 table 1: a Request-URI carries no URI headers.
    if (context === 'request-uri') fail('URI headers are not allowed in a Request-URI', i, header);
    // RFC 3261 20.10: an addr-spec holding "?" must be enclosed in "<" and ">".
    if (context === 'addr-spec') fail('a URI with "?" must be enclosed in "<" and ">"', i, header);
    // RFC 3261 25.1: headers = "?" header *( "&" header ), header = hname "=" hvalue
    do {
      const nameStart = i + 1;
      const nameEnd = scanEscaped(text, nameStart, end, HNV);
      if (nameEnd === nameStart || text.charCodeAt(nameEnd) !== 61 || nameEnd >= end) {
        fail('bad URI header', nameStart, header);
      }
      const valueEnd = scanEscaped(text, nameEnd + 1, end, HNV);
      if (build)
        found.set(
          unescapeUri(text.slice(nameStart, nameEnd)),
          unescapeUri(text.slice(nameEnd + 1, valueEnd)),
        );
      i = valueEnd;
    } while (i < end && text.charCodeAt(i) === 38);
  }
  if (i !== end) fail(`unexpected ${JSON.stringify(text[i])} in SIP URI`, i, header);
  if (hostPort === undefined) return undefined;
  return {
    kind: 'sip',
    scheme,
    user,
    password,
    host: hostPort.host,
    hostKind: hostPort.hostKind,
    port: hostPort.port,
    params,
    headers,
    raw,
  };
}

function parseTelUri(text: string, i: number, end: number, raw: string, header?: string): TelUri {
  // RFC 3966 3: global-number-digits = "+" *phonedigit DIGIT *phonedigit;
  // local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex
  const numberStart = i;
  if (text.charCodeAt(i) === 43) i++;
  let digits = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isHex(c) || c === 42 || c === 35) {
      digits++;
      i++;
    } else if (c === 45 || c === 46 || c === 40 || c === 41) i++;
    else break;
  }
  if (digits === 0) fail('a tel URI needs a number', numberStart, header);
  const [params, afterParams] = parseParams(text, i, end, header, true);
  if (afterParams !== end)
    fail(`unexpected ${JSON.stringify(text[afterParams])} in tel URI`, afterParams, header);
  return { kind: 'tel', scheme: 'tel', number: text.slice(numberStart, i), params, raw };
}

function parseUrn(text: string, i: number, end: number, raw: string, header?: string): UrnUri {
  // RFC 8141 2: NID = (alphanum) 0*30(ldh) (alphanum); NSS = pchar *(pchar / "/")
  const colon = text.indexOf(':', i);
  if (colon < 0 || colon >= end || colon === i || colon - i > 32)
    fail('bad URN namespace', i, header);
  for (let j = i; j < colon; j++) {
    const c = text.charCodeAt(j);
    if (!(isAlpha(c) || isDigit(c) || (c === 45 && j !== i && j !== colon - 1)))
      fail('bad URN namespace', j, header);
  }
  const nssEnd = scanEscaped(text, colon + 1, end, URIC);
  if (nssEnd !== end || nssEnd === colon + 1)
    fail('bad URN namespace-specific string', nssEnd, header);
  return {
    kind: 'urn',
    scheme: 'urn',
    nid: text.slice(i, colon).toLowerCase(),
    nss: text.slice(colon + 1, end),
    raw,
  };
}
