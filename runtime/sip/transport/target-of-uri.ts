import { hostAddress } from '../message/index.js';
import type { Uri } from '../message/index.js';
import { TransportError } from './transport-errors.js';
import type { TransportProtocol, TransportTarget } from './transport-types.js';

/** A URI that names no address this stack can send to without DNS (RFC 3263 resolution is not done here). */
export class UnresolvableTargetError extends TransportError {
  override readonly name = 'UnresolvableTargetError';
}

/**
 * The transport target of a SIP URI whose host (or maddr) is an IP literal:
 * RFC 3263 4.1 takes the transport from the `transport` parameter, else the
 * given default; 4.2 uses the explicit port, else 5060.
 */
export function targetOfUri(
  uri: Uri,
  defaultTransport: TransportProtocol = 'udp',
): TransportTarget {
  if (uri.kind !== 'sip' || uri.scheme !== 'sip') {
    throw new UnresolvableTargetError(
      `cannot send to ${uri.raw}: only sip: URIs over UDP or TCP are supported`,
      defaultTransport,
    );
  }
  const param = uri.params.get('transport');
  const transport: TransportProtocol =
    param === undefined || param === null
      ? defaultTransport
      : (param.toLowerCase() as TransportProtocol);
  if (transport !== 'udp' && transport !== 'tcp') {
    throw new UnresolvableTargetError(
      `cannot send to ${uri.raw}: transport ${String(param)} is not supported`,
      defaultTransport,
    );
  }
  // RFC 3261 19.1.1: maddr overrides the host as the address to contact.
  const maddr = uri.params.get('maddr');
  const host = maddr ?? uri.host;
  const address = hostAddress(host);
  if (uri.hostKind === 'domain' && !maddr) {
    throw new UnresolvableTargetError(
      `cannot send to ${uri.raw}: ${host} is a domain name and DNS resolution is not done`,
      transport,
    );
  }
  return { transport, address, port: uri.port ?? 5060 };
}
