/**
 * Routing helpers for in-dialog requests (RFC 3261 12.2.1.1, 8.1.2) and the
 * list of target refresh methods.
 */
import { getRoutes, parseNameAddr } from '../message/index.js';
import type { SipRequest, Uri } from '../message/index.js';

/**
 * Target refresh methods: their requests and 2xx responses replace the remote
 * target (RFC 3261 12.2 for INVITE, RFC 3311 for UPDATE, RFC 6665 for SUBSCRIBE
 * and NOTIFY, RFC 7647 for REFER).
 */
export const TARGET_REFRESH: ReadonlySet<string> = new Set([
  'INVITE',
  'UPDATE',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
]);

/** Whether `method` is a target refresh request (see {@link TARGET_REFRESH}). */
export function isTargetRefresh(method: string): boolean {
  return TARGET_REFRESH.has(method);
}

/** RFC 3261 16.12.1.1: a route with the lr parameter is a loose router. */
export function isLooseRoute(route: string): boolean {
  const uri = parseNameAddr(route, 'Route').uri;
  return uri.kind === 'sip' && uri.params.has('lr');
}

/**
 * RFC 3261 8.1.2: where a request goes first: the URI of its topmost Route,
 * or its Request-URI when it has no Route. Turn it into an address with
 * `targetOfUri` from the transport layer.
 */
export function nextHopUri(request: SipRequest): Uri {
  const top = getRoutes(request)[0];
  return top ? top.uri : request.uri;
}
