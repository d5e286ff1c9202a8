/**
 * Which endpoints of a SIP message over a stream name its sender and its
 * receiver. Over TCP (and TLS) an element sends its requests from an
 * ephemeral port of a connection it opened, and receives the responses on
 * it (RFC 3261 18.1.1, 18.2.2); the port it listens on is in the sent-by of
 * its Via (RFC 3261 18.1.1: "the sent-by field ... the port on which it
 * receives"). So the sender of a request is the Via's sent-by, and the
 * receiver of a response is its top Via's (the request's sender), when the
 * sent-by's host is the address the packet shows: several participants on
 * one host (a Core and a server, or every role of a generated test on
 * 127.0.0.1) then stay apart by their ports, as over UDP. Otherwise (a host
 * name, NAT, a WebSocket's invented host) the packet's endpoints stand.
 */
import { getTopVia } from '../../runtime/sip/message/header-accessors.js';
import type { Via } from '../../runtime/sip/message/via.js';
import type { WireEndpoint } from './address-map.js';
import type { ObservedMessage } from './observed.js';

/** The top Via's sent-by port when its host is `ip` (the port implied by its transport when none). */
export function viaPortAt(o: ObservedMessage, ip: string): number | undefined {
  const sip = o.sip;
  if (sip === undefined || sip.headers.first('via') === undefined) return undefined;
  // The runtime's Via parser (RFC 3261 20.42); the message parsed before, so it parses.
  const via: Via = getTopVia(sip);
  if (via.host.replace(/^\[|\]$/g, '').toLowerCase() !== ip.toLowerCase()) return undefined;
  if (via.port !== undefined) return via.port;
  // RFC 3261 18.2.2 / 19.1.2: 5060 for UDP and TCP, 5061 for TLS.
  return via.transport === 'TLS' ? 5061 : 5060;
}

/** The last message asked about and its ends: each candidate step asks again. */
let lastOf: ObservedMessage | undefined;
let lastEnds: readonly [WireEndpoint, WireEndpoint] = [
  { ip: '', port: 0 },
  { ip: '', port: 0 },
];

/** The sender's and receiver's endpoints of `o` as participants are told apart (see above). */
export function participantEnds(o: ObservedMessage): readonly [WireEndpoint, WireEndpoint] {
  const sip = o.sip;
  if (sip === undefined || o.transport === 'udp') return [o.src, o.dst];
  if (lastOf === o) return lastEnds;
  let ends: readonly [WireEndpoint, WireEndpoint] = [o.src, o.dst];
  if (sip.kind === 'request') {
    const port = viaPortAt(o, o.src.ip);
    if (port !== undefined && port !== o.src.port) ends = [{ ip: o.src.ip, port }, o.dst];
  } else {
    const port = viaPortAt(o, o.dst.ip);
    if (port !== undefined && port !== o.dst.port) ends = [o.src, { ip: o.dst.ip, port }];
  }
  lastOf = o;
  lastEnds = ends;
  return ends;
}
