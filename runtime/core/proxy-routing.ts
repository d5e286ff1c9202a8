/**
 * The request rewriting of a proxy (RFC 3261 16.4 - 16.6), as pure
 * functions on a request: recognising this proxy's own URIs, route
 * information preprocessing, and preparing the copy that is forwarded.
 */
import {
  prependVia,
  getMaxForwards,
  getRoutes,
  hostAddress,
  SipRequest,
} from '../sip/message/index.js';
import type { Uri } from '../sip/message/index.js';
import { targetOfUri } from '../sip/transport/index.js';
import type { Endpoint, TransportProtocol, TransportTarget } from '../sip/transport/index.js';
import { isLooseRoute } from '../sip/dialog/index.js';

/** Methods whose out-of-dialog requests get a Record-Route (RFC 3261 16.6 step 4: dialog-creating requests). */
const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

/** Whether a URI names this proxy (its address and port; 5060 when the URI has none). */
export function isOwnUri(uri: Uri, self: Endpoint): boolean {
  if (uri.kind !== 'sip') return false;
  return (
    hostAddress(uri.host).toLowerCase() === self.address.toLowerCase() &&
    (uri.port ?? 5060) === self.port
  );
}

/**
 * The URI this proxy puts in Record-Route (RFC 3261 16.6 step 4: with lr, RFC 3261 19.1.1);
 * a proxy reached over TCP says so with `transport=tcp`, so that the requests of the dialog
 * come back over TCP (RFC 3263 4.1: without the parameter a `sip:` URI with an IP and port is
 * reached over UDP).
 */
export function ownRouteUri(self: Endpoint, transport: TransportProtocol = 'udp'): string {
  return `${ownUri(self, transport)};lr`;
}

/** This element's `sip:` URI on its address and port, with `transport=tcp` when it is reached over TCP. */
export function ownUri(self: Endpoint, transport: TransportProtocol = 'udp'): string {
  const host = self.address.includes(':') ? `[${self.address}]` : self.address;
  return `sip:${host}:${self.port}${transport === 'tcp' ? ';transport=tcp' : ''}`;
}

function rewriteRoutes(request: SipRequest, routes: readonly string[]): void {
  request.headers.delete('Route');
  for (const route of routes) request.headers.append('Route', route);
}

/**
 * RFC 3261 16.4: route information preprocessing. A Request-URI that is this
 * proxy's own Record-Route value (a strict-routing previous hop) is replaced
 * by the last Route value; a top Route naming this proxy is removed.
 */
export function preprocessRoute(request: SipRequest, self: Endpoint): void {
  const routes = request.headers.getAll('Route');
  const last = routes.at(-1);
  if (last !== undefined && isOwnUri(request.uri, self)) {
    // RFC 3261 16.4: the previous hop was a strict router: restore the Request-URI from the last Route.
    request.requestUri = getRoutes(request).at(-1)?.uri.raw ?? request.requestUri;
    rewriteRoutes(request, routes.slice(0, -1));
  }
  const top = getRoutes(request)[0];
  // RFC 3261 16.4: a top Route that is this proxy has done its job and is removed.
  if (top && isOwnUri(top.uri, self)) request.headers.removeFirstValue('Route');
}

/** How to forward one request. */
export interface ForwardOptions {
  /** Record-Route dialog-creating requests (RFC 3261 16.6 step 4). */
  readonly recordRoute: boolean;
  /** A loose route pushed when the request has no Route (RFC 3261 16.6 step 7, local policy). */
  readonly outboundProxy?: string;
  /** The transport this proxy is reached over, named in its Record-Route (default UDP). */
  readonly transport?: TransportProtocol;
}

/** A request ready to forward and its next hop. */
export interface PreparedForward {
  readonly request: SipRequest;
  readonly target: TransportTarget;
}

/**
 * RFC 3261 16.6: the copy of the request that is forwarded to `requestUri`
 * with Max-Forwards decremented, Record-Route and Route set, and the next hop
 * chosen. The Via is added by {@link addProxyVia} once the next hop is known.
 */
export function prepareForward(
  request: SipRequest,
  self: Endpoint,
  requestUri: string,
  options: ForwardOptions,
): PreparedForward {
  // RFC 3261 16.6 steps 1-2: copy the request and set the Request-URI to the target.
  const copy = new SipRequest(request.method, requestUri, request.headers.clone(), request.body);
  // RFC 3261 16.6 step 3: decrement Max-Forwards, or add it with 70.
  const maxForwards = getMaxForwards(request);
  copy.headers.set('Max-Forwards', maxForwards === undefined ? 70 : maxForwards - 1);
  const outOfDialog = !/;\s*tag\s*=/i.test(copy.headers.get('To') ?? '');
  // RFC 3261 16.6 step 4: a proxy that wants to stay on the dialog's path inserts Record-Route.
  if (options.recordRoute && outOfDialog && DIALOG_CREATING.has(copy.method))
    copy.headers.prepend('Record-Route', `<${ownRouteUri(self, options.transport)}>`);
  // RFC 3261 16.6 step 7 (local policy): send via a configured outbound proxy by pushing a loose Route.
  if (options.outboundProxy !== undefined && !copy.headers.has('Route'))
    copy.headers.prepend('Route', `<${options.outboundProxy};lr>`);
  const routes = copy.headers.getAll('Route');
  const first = routes[0];
  if (first !== undefined && !isLooseRoute(first)) {
    // RFC 3261 16.6 step 6: a strict next hop gets the Request-URI as last Route and becomes the Request-URI.
    const strict = getRoutes(copy)[0]?.uri.raw ?? copy.requestUri;
    rewriteRoutes(copy, [...routes.slice(1), `<${copy.requestUri}>`]);
    copy.requestUri = strict;
    return { request: copy, target: targetOfUri(copy.uri) };
  }
  // RFC 3261 16.6 step 7: the next hop is the top Route, else the Request-URI.
  const top = getRoutes(copy)[0];
  return { request: copy, target: targetOfUri(top ? top.uri : copy.uri) };
}

/** RFC 3261 16.6 step 8: the proxy's own Via on top, with a fresh branch and rport (RFC 3581). */
export function addProxyVia(request: SipRequest, local: Endpoint, target: TransportTarget): void {
  prependVia(request, local, target.transport);
}
