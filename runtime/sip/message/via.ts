import { EMPTY_PARAMS, formatParams, ParamList, scanParams } from './header-params.js';
import type { HeaderParams } from './header-params.js';
import { hostAddress, isIpv4, isIpv6, scanHostPort } from './host.js';
import type { HostKind, HostPort } from './host.js';
import { HOSTNAME, IPV4, PORT } from './uri-fast-path.js';
import { checkList, checkScanner, scanList } from './value-scanner.js';
import type { ValueScanner } from './value-scanner.js';

/** One Via header value (RFC 3261 20.42, 25.1 via-parm). */
export interface Via {
  /** Protocol name, normally "SIP". */
  readonly protocolName: string;
  /** Protocol version, normally "2.0". */
  readonly protocolVersion: string;
  /** Transport, upper-cased: UDP, TCP, TLS, SCTP or an extension. */
  readonly transport: string;
  /** sent-by host as written (IPv6 in brackets). */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  /** All parameters, names lower-cased, in order. */
  readonly params: HeaderParams;
  /** The branch parameter (RFC 3261 8.1.1.7). */
  readonly branch: string | undefined;
  /** The received parameter, without IPv6 brackets (RFC 3261 18.2.1, RFC 5118 4.5). */
  readonly received: string | undefined;
  /**
   * The rport parameter (RFC 3581): a number when it has a value, `true` when
   * present without one, undefined when absent.
   */
  readonly rport: number | true | undefined;
  readonly maddr: string | undefined;
  readonly ttl: number | undefined;
}

/** A Via value read from a header; parameters are cut out when first read. */
class ViaValue implements Via {
  readonly protocolName: string;
  readonly protocolVersion: string;
  readonly transport: string;
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  readonly params: HeaderParams;

  constructor(
    protocolName: string,
    protocolVersion: string,
    transport: string,
    sentBy: HostPort,
    params: HeaderParams,
  ) {
    this.protocolName = protocolName;
    this.protocolVersion = protocolVersion;
    this.transport = transport;
    this.host = sentBy.host;
    this.hostKind = sentBy.hostKind;
    this.port = sentBy.port;
    this.params = params;
  }

  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }

  get received(): string | undefined {
    const value = this.params.get('received');
    return value === undefined || value === null ? undefined : hostAddress(value);
  }

  get rport(): number | true | undefined {
    const value = this.params.get('rport');
    return value === undefined ? undefined : value === null ? true : Number(value);
  }

  get maddr(): string | undefined {
    return this.params.get('maddr') ?? undefined;
  }

  get ttl(): number | undefined {
    const value = this.params.get('ttl');
    return value === undefined || value === null ? undefined : Number(value);
  }
}

/**
 * What is wrong with a Via parameter that has a grammar of its own (RFC 3261
 * 25.1 via-params, RFC 3581 rport), or undefined. `name` is lower-case.
 */
function viaParamProblem(name: string, value: string | null): string | undefined {
  switch (name) {
    case 'branch':
    case 'maddr':
      return value === null ? `the ${name} parameter needs a value` : undefined;
    case 'ttl':
      // RFC 3261 25.1: ttl = 1*3DIGIT ; 0 to 255
      return value === null || !/^\d{1,3}$/.test(value) || Number(value) > 255
        ? `bad ttl ${JSON.stringify(value)}`
        : undefined;
    case 'rport':
      // RFC 3581 4: response-port = "rport" [EQUAL 1*DIGIT]
      return value !== null && (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
        ? `bad rport ${JSON.stringify(value)}`
        : undefined;
    case 'received': {
      // RFC 5118 4.5: received may carry an IPv6 address with or without brackets.
      const address = value === null ? '' : hostAddress(value);
      return isIpv4(address) || isIpv6(address)
        ? undefined
        : `bad received address ${JSON.stringify(value)}`;
    }
    default:
      return undefined;
  }
}

const SPECIAL = ['branch', 'maddr', 'ttl', 'rport', 'received'] as const;

/** Which of SPECIAL the name between `start` and `end` is (any case), read without slicing. */
function specialName(
  text: string,
  start: number,
  end: number,
): (typeof SPECIAL)[number] | undefined {
  // Length and first letter pick the one candidate; most parameters stop here.
  const first = text.charCodeAt(start) | 0x20;
  let name: (typeof SPECIAL)[number];
  switch (end - start) {
    case 3:
      name = 'ttl';
      break;
    case 5:
      name = first === 0x6d ? 'maddr' : 'rport';
      break;
    case 6:
      name = 'branch';
      break;
    case 8:
      name = 'received';
      break;
    default:
      return undefined;
  }
  if (first !== name.charCodeAt(0)) return undefined;
  for (let i = 1; i < name.length; i++) {
    if ((text.charCodeAt(start + i) | 0x20) !== name.charCodeAt(i)) return undefined;
  }
  return name;
}

/** Checks the Via parameters with a grammar of their own. */
function checkViaParams(scanner: ValueScanner, params: ParamList): void {
  for (const name of SPECIAL) {
    const at = params.indexOf(name);
    const problem = at < 0 ? undefined : viaParamProblem(name, params.rawValueAt(at));
    if (problem !== undefined) scanner.fail('bad-via', problem);
  }
}

// RFC 3261 25.1, the usual shape of a via-parm: "SIP/2.0/" transport SP sent-by
// *( ";" token [ "=" token ] ), without LWS. Anything else takes the scanner.
// Tested, not executed: the parts are found again by position below, which is
// cheaper than the match array and capture strings of exec.
const TOKEN = "[A-Za-z0-9\\-.!%*_+`'~]+";
const COMMON_VIA = new RegExp(
  `SIP/2\\.0/(?:UDP|TCP|TLS|SCTP|WS|WSS) (?:${IPV4}|${HOSTNAME})(?::${PORT})?(?:;${TOKEN}(?:=${TOKEN})?)*`,
  'y',
);

/** The transport between `start` and `end`, without slicing for the two usual ones. */
function transportAt(text: string, start: number, end: number): string {
  if (end - start === 3 && text.charCodeAt(start + 1) === 0x43) {
    const first = text.charCodeAt(start);
    if (first === 0x55) return 'UDP';
    if (first === 0x54) return 'TCP';
  }
  return text.slice(start, end);
}

/**
 * The via-parm at the cursor when it has the usual shape and sound parameters: false when it
 * has not (the scanner reads it then); else the Via when `build`, true when only checked.
 */
function commonVia(scanner: ValueScanner, build: boolean): Via | boolean {
  const text = scanner.text;
  const from = scanner.pos;
  COMMON_VIA.lastIndex = from;
  if (!COMMON_VIA.test(text)) return false;
  const stop = COMMON_VIA.lastIndex;
  let k = stop;
  while (k < scanner.end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  if (stop > scanner.end || (k < scanner.end && text.charCodeAt(k) !== 44)) return false;
  // The expression matched, so: "SIP/2.0/" (8 characters), the transport up to
  // SP, the host up to ":" or ";" (neither occurs in IPv4 or a hostname), the
  // port's digits, then the parameters.
  const sp = text.indexOf(' ', from + 8);
  const semi = text.indexOf(';', sp + 1);
  const paramStart = semi < 0 || semi > stop ? stop : semi;
  // The spans are recorded for ParamList (the branch is read from nearly every
  // message); only the five parameters with a grammar of their own need a look.
  // Sized first: pushed onto an empty array, they would take a backing store of 17 numbers
  // and more (the usual Via has one or two parameters).
  let spans: number[] | undefined;
  if (build) {
    let count = 0;
    for (let p = paramStart; p >= 0 && p < stop; p = text.indexOf(';', p + 1)) count++;
    spans = new Array<number>(count * 4);
  }
  let s = 0;
  for (let p = paramStart; p < stop;) {
    // indexOf runs as a native search, faster than a loop of charCodeAt.
    const next = text.indexOf(';', p + 1);
    const end = next < 0 || next > stop ? stop : next;
    const eq = text.indexOf('=', p + 1);
    const nameEnd = eq < 0 || eq > end ? end : eq;
    if (spans !== undefined) {
      spans[s++] = p + 1;
      spans[s++] = nameEnd;
      spans[s++] = nameEnd === end ? -1 : nameEnd + 1;
      spans[s++] = end;
    }
    const name = specialName(text, p + 1, nameEnd);
    if (name === 'branch' || name === 'maddr') {
      if (nameEnd === end) return false;
    } else if (name !== undefined) {
      const value = nameEnd === end ? null : text.slice(nameEnd + 1, end);
      if (viaParamProblem(name, value) !== undefined) return false;
    }
    p = end;
  }
  scanner.pos = stop;
  if (spans === undefined) return true;
  const transport = transportAt(text, from + 8, sp);
  const colon = text.indexOf(':', sp + 1);
  const hostEnd = colon < 0 || colon > paramStart ? paramStart : colon;
  const host = text.slice(sp + 1, hostEnd);
  let port: number | undefined;
  if (hostEnd < paramStart) {
    port = 0;
    for (let i = hostEnd + 1; i < paramStart; i++) port = port * 10 + text.charCodeAt(i) - 48;
  }
  const params =
    paramStart === stop ? EMPTY_PARAMS : new ParamList(text, paramStart, stop, 'received', spans);
  const sentBy = { host, hostKind: isIpv4(host) ? 'ipv4' : 'domain', port } as const;
  return new ViaValue('SIP', '2.0', transport, sentBy, params);
}

/** Reads one via-parm at the cursor. */
export function scanVia(scanner: ValueScanner): Via {
  return readVia(scanner, true) as Via;
}

/** Reads one via-parm at the cursor; only checks it (undefined) unless `build`. */
function readVia(scanner: ValueScanner, build: boolean): Via | undefined {
  scanner.skipWs();
  const common = commonVia(scanner, build);
  if (common !== false) return common === true ? undefined : common;
  // RFC 3261 25.1: sent-protocol = protocol-name SLASH protocol-version SLASH transport
  let protocolName = 'SIP';
  let protocolVersion = '2.0';
  let transport: string;
  if (scanner.text.startsWith('SIP/2.0/', scanner.pos)) {
    // The usual spelling, read without slicing.
    scanner.pos += 8;
  } else {
    protocolName = scanner.token('bad-via', 'the protocol name');
    scanner.expectSeparator(47, 'bad-via', 'expected "/" after the protocol name');
    protocolVersion = scanner.token('bad-via', 'the protocol version');
    scanner.expectSeparator(47, 'bad-via', 'expected "/" after the protocol version');
  }
  if (scanner.text.startsWith('UDP ', scanner.pos)) {
    transport = 'UDP';
    scanner.pos += 3;
  } else if (scanner.text.startsWith('TCP ', scanner.pos)) {
    transport = 'TCP';
    scanner.pos += 3;
  } else {
    transport = scanner.token('bad-via', 'the transport').toUpperCase();
  }
  // RFC 3261 25.1: via-parm = sent-protocol LWS sent-by *( SEMI via-params )
  if (!scanner.skipWs()) scanner.fail('bad-via', 'expected white space before sent-by');
  const sentBy = scanHostPort(scanner.text, scanner.pos, scanner.end, scanner.header, true);
  scanner.pos = sentBy.end;
  // RFC 3261 25.1: via-received = "received" EQUAL (IPv4address / IPv6address)
  const params = scanParams(scanner, 'received');
  if (params instanceof ParamList) checkViaParams(scanner, params);
  return build ? new ViaValue(protocolName, protocolVersion, transport, sentBy, params) : undefined;
}

/** Parses a Via header value: one or more comma-separated via-parms. */
export function parseVias(value: string, header = 'Via'): Via[] {
  return scanList(value, header, 'bad-via', scanVia);
}

const checkVia = (scanner: ValueScanner): void => {
  readVia(scanner, false);
};

/**
 * Checks the Via value at `start`..`end` of `text` as {@link parseVias} parses it (the same
 * errors, located in `text`), building nothing in the usual case.
 */
export function checkVias(text: string, start: number, end: number, header = 'Via'): void {
  checkList(checkScanner(text, header, start, end), 'bad-via', checkVia);
}

/** What `formatVia` writes. */
export interface ViaParts {
  readonly transport: string;
  readonly host: string;
  readonly port?: number | undefined;
  readonly params?: Iterable<readonly [string, string | null]>;
}

/** Writes `SIP/2.0/TRANSPORT host[:port];params` (IPv6 hosts get brackets). */
export function formatVia(via: ViaParts): string {
  const host = via.host.includes(':') && !via.host.startsWith('[') ? `[${via.host}]` : via.host;
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `SIP/2.0/${via.transport.toUpperCase()} ${host}${port}${formatParams(via.params ?? [])}`;
}
