import { isDigit } from './char-classes.js';
import { formatParams, ParamList, scanParams } from './header-params.js';
import type { HeaderParams } from './header-params.js';
import { hostAddress, isIpv4, isIpv6, scanHostPort } from './host.js';
import type { HostKind, HostPort } from './host.js';
import { ValueScanner } from './value-scanner.js';

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

function digits(scanner: ValueScanner, name: string, value: string, max: number): number {
  let ok = value.length > 0 && value.length <= 10;
  for (let i = 0; ok && i < value.length; i++) ok = isDigit(value.charCodeAt(i));
  if (!ok || Number(value) > max)
    scanner.fail('bad-via', `bad ${name} parameter ${JSON.stringify(value)}`);
  return Number(value);
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

/** Checks the Via parameters with a grammar of their own (RFC 3261 25.1 via-params, RFC 3581). */
function checkViaParams(scanner: ValueScanner, params: ParamList): void {
  const received = params.indexOf('received');
  if (received >= 0) {
    const value = params.rawValueAt(received);
    // RFC 5118 4.5: received may carry an IPv6 address with or without brackets.
    const address = value === null ? '' : hostAddress(value);
    if (!isIpv4(address) && !isIpv6(address))
      scanner.fail('bad-via', `bad received address ${JSON.stringify(value)}`);
  }
  for (const name of ['branch', 'maddr'] as const) {
    const at = params.indexOf(name);
    if (at >= 0 && params.rawValueAt(at) === null)
      scanner.fail('bad-via', `the ${name} parameter needs a value`);
  }
  const ttl = params.indexOf('ttl');
  if (ttl >= 0) digits(scanner, 'ttl', params.rawValueAt(ttl) ?? '', 255);
  const rport = params.indexOf('rport');
  if (rport >= 0) {
    const value = params.rawValueAt(rport);
    if (value !== null) digits(scanner, 'rport', value, 65535);
  }
}

/** Reads one via-parm at the cursor. */
export function scanVia(scanner: ValueScanner): Via {
  scanner.skipWs();
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
  return new ViaValue(protocolName, protocolVersion, transport, sentBy, params);
}

/** Parses a Via header value: one or more comma-separated via-parms. */
export function parseVias(value: string, header = 'Via'): Via[] {
  const scanner: ValueScanner = new ValueScanner(value, header);
  const list: Via[] = [];
  for (;;) {
    list.push(scanVia(scanner));
    scanner.skipWs();
    if (scanner.done) return list;
    if (!scanner.separator(44))
      scanner.fail('bad-via', `unexpected ${JSON.stringify(value[scanner.pos])} in Via`);
  }
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
