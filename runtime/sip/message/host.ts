import { isAlpha, isDigit, isHex } from './char-classes.js';
import { SipParseError } from './sip-parse-error.js';

/** What a host is: a domain name, an IPv4 address or an IPv6 reference. */
export type HostKind = 'domain' | 'ipv4' | 'ipv6';

/** A host with its optional port, as found in a URI or a Via sent-by. */
export interface HostPort {
  /** The host as written; IPv6 references keep their brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
}

/** Result of scanning a host and port out of a longer text. */
export interface ScannedHostPort extends HostPort {
  /** Index just past the port (or host). */
  readonly end: number;
}

/** The host without IPv6 brackets, as sockets want it. */
export function hostAddress(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** RFC 3261 25.1: IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each 0-255 */
export function isIpv4(text: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + c - 48;
      if (++digits > 3 || value > 255) return false;
    } else if (c === 46) {
      if (digits === 0 || ++parts === 4) return false;
      digits = 0;
      value = 0;
    } else return false;
  }
  return parts === 3 && digits > 0;
}

function isHexSeq(groups: string[], allowTrailingV4: boolean): number {
  // Returns the number of 16-bit pieces, or -1 when malformed.
  let pieces = 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] ?? '';
    if (allowTrailingV4 && g === groups.length - 1 && group.includes('.')) {
      if (!isIpv4(group)) return -1;
      pieces += 2;
      continue;
    }
    if (group.length === 0 || group.length > 4) return -1;
    for (let i = 0; i < group.length; i++) if (!isHex(group.charCodeAt(i))) return -1;
    pieces++;
  }
  return pieces;
}

/**
 * RFC 3261 25.1 (corrected by RFC 5118 4.3): IPv6address = hexpart [ ":"
 * IPv4address ]; hexpart = hexseq / hexseq "::" [ hexseq ] / "::" [ hexseq ],
 * with at most eight 16-bit pieces (RFC 4291 2.2).
 */
export function isIpv6(text: string): boolean {
  const gap = text.indexOf('::');
  if (gap >= 0) {
    // RFC 5118 4.3: "2001:db8:::192.0.2.1" has three colons: not an address.
    if (text.indexOf('::', gap + 1) >= 0) return false;
    const head = text.slice(0, gap);
    const tail = text.slice(gap + 2);
    const headPieces = head === '' ? 0 : isHexSeq(head.split(':'), false);
    const tailPieces = tail === '' ? 0 : isHexSeq(tail.split(':'), true);
    return headPieces >= 0 && tailPieces >= 0 && headPieces + tailPieces <= 7;
  }
  return isHexSeq(text.split(':'), true) === 8;
}

/**
 * RFC 3261 25.1: hostname = *( domainlabel "." ) toplabel [ "." ], labels of
 * alphanum and inner "-", the top label starting with a letter.
 */
export function isHostname(text: string): boolean {
  const labels = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.');
  for (let l = 0; l < labels.length; l++) {
    const label = labels[l] ?? '';
    if (label.length === 0) return false;
    const first = label.charCodeAt(0);
    const last = label.charCodeAt(label.length - 1);
    if (!(isAlpha(first) || isDigit(first)) || !(isAlpha(last) || isDigit(last))) return false;
    for (let i = 1; i < label.length - 1; i++) {
      const c = label.charCodeAt(i);
      if (!(isAlpha(c) || isDigit(c) || c === 45)) return false;
    }
    if (l === labels.length - 1 && !isAlpha(first)) return false;
  }
  return true;
}

/** Classifies a host written without port; throws when it is none of the three forms. */
export function classifyHost(host: string, offset = 0, header?: string): HostKind {
  if (host.charCodeAt(0) === 91) {
    if (host.charCodeAt(host.length - 1) === 93 && isIpv6(host.slice(1, -1))) return 'ipv6';
    throw SipParseError.at(
      'bad-host',
      `bad IPv6 reference ${JSON.stringify(host)}`,
      offset,
      header,
    );
  }
  if (isDigit(host.charCodeAt(host.length - 1)) && isIpv4(host)) return 'ipv4';
  if (isHostname(host)) return 'domain';
  throw SipParseError.at('bad-host', `bad host ${JSON.stringify(host)}`, offset, header);
}

/** Results of the last `skipHostPort`, kept here so the hot path allocates nothing. */
let lastKind: HostKind = 'domain';
let lastHostEnd = 0;
let lastPort: number | undefined;

/**
 * Reads `host [ ":" port ]` at `start` of `text`, stopping at the first
 * character that cannot belong to it. Only SP/HTAB may surround the colon
 * when `lwsColon` is set (Via sent-by, RFC 3261 25.1 COLON = SWS ":" SWS).
 */
export function scanHostPort(
  text: string,
  start: number,
  end: number,
  header?: string,
  lwsColon = false,
): ScannedHostPort {
  const stop = skipHostPort(text, start, end, header, lwsColon);
  return { host: text.slice(start, lastHostEnd), hostKind: lastKind, port: lastPort, end: stop };
}

/** Checks `host [ ":" port ]` like scanHostPort and returns where it ends, building nothing. */
export function skipHostPort(
  text: string,
  start: number,
  end: number,
  header?: string,
  lwsColon = false,
): number {
  let i = start;
  if (text.charCodeAt(i) === 91) {
    const close = text.indexOf(']', i);
    if (close < 0 || close >= end) {
      throw SipParseError.at('bad-host', 'unterminated IPv6 reference', start, header);
    }
    i = close + 1;
    lastKind = classifyHost(text.slice(start, i), start, header);
  } else {
    // One pass over hostname / IPv4address (RFC 3261 25.1): labels of alphanum
    // with inner "-", the top label starting with a letter.
    let numeric = true;
    let labelStart = i;
    let topFirst = 0;
    let ok = true;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c >= 97 ? c <= 122 : c >= 65 && c <= 90) {
        numeric = false;
        if (i === labelStart) topFirst = c;
      } else if (c >= 48 && c <= 57) {
        if (i === labelStart) topFirst = c;
      } else if (c === 46) {
        if (i === labelStart || text.charCodeAt(i - 1) === 45) ok = false;
        labelStart = i + 1;
      } else if (c === 45) {
        numeric = false;
        if (i === labelStart) ok = false;
      } else break;
      i++;
    }
    if (i === start) throw SipParseError.at('bad-host', 'expected a host', start, header);
    // A trailing "." is allowed after a hostname (RFC 3261 25.1: toplabel [ "." ]).
    if (i === labelStart && !numeric) labelStart = -1;
    else if (i === labelStart || text.charCodeAt(i - 1) === 45) ok = false;
    if (numeric) {
      if (!isIpv4(text.slice(start, i))) ok = false;
      lastKind = 'ipv4';
    } else {
      if (labelStart >= 0 && !isAlpha(topFirst)) ok = false;
      else if (labelStart < 0 && !isHostname(text.slice(start, i))) ok = false;
      lastKind = 'domain';
    }
    if (!ok) {
      // RFC 5118 4.1 / RFC 3261 25.1: an IPv6 address in a URI must be an IPv6reference.
      const hint =
        numeric && text.charCodeAt(i) === 58
          ? ' (an IPv6 address must be enclosed in "[" and "]")'
          : '';
      throw SipParseError.at(
        'bad-host',
        `bad host ${JSON.stringify(text.slice(start, i))}${hint}`,
        start,
        header,
      );
    }
  }
  lastHostEnd = i;
  lastPort = undefined;
  let j = i;
  if (lwsColon) while (j < end && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  if (j < end && text.charCodeAt(j) === 58) {
    j++;
    if (lwsColon) while (j < end && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    const portStart = j;
    let port = 0;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) break;
      port = port * 10 + c - 48;
      j++;
    }
    // RFC 3261 25.1: port = 1*DIGIT; a transport port is 16 bits (RFC 768, RFC 793).
    if (j === portStart || j - portStart > 5 || port > 65535) {
      throw SipParseError.at(
        'bad-port',
        `bad port ${JSON.stringify(text.slice(portStart, j))}`,
        portStart,
        header,
      );
    }
    lastPort = port;
    return j;
  }
  return i;
}
