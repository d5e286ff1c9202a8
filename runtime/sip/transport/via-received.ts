/**
 * RFC 3261 18.2.1 and RFC 3581 4: the server transport records where a
 * request really came from in its top Via, so that responses (and every
 * proxy on the way back) can be routed to the source.
 */
import { formatVia, getTopVia, hostAddress, SipRequest } from '../message/index.js';
import type { Endpoint } from './transport-types.js';

/**
 * The request as the transaction layer should see it: when the top Via's
 * sent-by host is a name or an address other than the packet's source, a
 * `received` parameter with the source address is added (RFC 3261 18.2.1);
 * a valueless `rport` gets the source port (RFC 3581 4). Returns the same
 * request when nothing needs adding, else a copy: the parsed message in the
 * trace stays what was on the wire.
 */
export function stampReceived(request: SipRequest, source: Endpoint): SipRequest {
  // Without a Via there is nothing to stamp; the transaction layer reports the request as unmatchable.
  if (!request.headers.has('Via')) return request;
  const via = getTopVia(request);
  const sentByAddress = hostAddress(via.host);
  const needsReceived = sentByAddress !== source.address;
  const needsRport = via.rport === true;
  if (!needsReceived && !needsRport) return request;
  const params: [string, string | null][] = [];
  for (const [name, value] of via.params) {
    if (name === 'received') continue;
    // RFC 3581 4: rport gets the source port as its value.
    params.push(
      name === 'rport' && value === null ? ['rport', String(source.port)] : [name, value],
    );
  }
  // RFC 3261 18.2.1: received carries the source address (RFC 5118 4.5: IPv6 without brackets is fine).
  if (needsReceived || needsRport) params.push(['received', source.address]);
  const headers = request.headers.clone();
  headers.removeFirstValue('Via');
  headers.prepend(
    'Via',
    formatVia({ transport: via.transport, host: via.host, port: via.port, params }),
  );
  return new SipRequest(request.method, request.uri, headers, request.body, request.version);
}
