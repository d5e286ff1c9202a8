/**
 * A transaction-stateful proxy core (RFC 3261 16): every request gets a
 * server transaction and one client transaction towards its next hop; the
 * pair is a response context kept in the role's session store until both
 * transactions have ended. Responses go upstream with the proxy's Via
 * removed (16.7), CANCEL cancels the pending client transaction (16.10),
 * ACKs for 2xx and stray 2xx retransmissions are forwarded statelessly (16.11).
 */
import { createHash } from 'node:crypto';
import {
  BRANCH_COOKIE,
  createResponse,
  getMaxForwards,
  getVias,
  hostAddress,
  SipResponse,
} from '../sip/message/index.js';
import type { SipRequest } from '../sip/message/index.js';
import {
  InviteClientTransaction,
  InviteServerTransaction,
  TransactionLayer,
  TransactionState,
} from '../sip/transaction/index.js';
import type { ClientTransaction, ServerTransaction } from '../sip/transaction/index.js';
import type { Clock, TimerBaseValues } from '../sip/timers/index.js';
import { SipTransport, TransportError } from '../sip/transport/index.js';
import type {
  Endpoint,
  MessageTransport,
  TransportProtocol,
  TransportTarget,
} from '../sip/transport/index.js';
import { SessionStore } from '../session/index.js';
import type { SessionSnapshot } from '../session/index.js';
import { RoutingError } from './core-errors.js';
import { addProxyVia, isOwnUri, ownUri, prepareForward, preprocessRoute } from './proxy-routing.js';

/** A server transaction and the client transaction forwarding its request (RFC 3261 16.2). */
export interface ResponseContext {
  readonly id: string;
  readonly server: ServerTransaction;
  readonly client: ClientTransaction;
}

/** Construction options of a {@link ProxyCore}. */
export interface ProxyCoreOptions {
  readonly transport: MessageTransport;
  /** The address and port this proxy is reached at: in Record-Route and recognised in Route. */
  readonly address: Endpoint;
  /**
   * The transport other elements reach this proxy over: named in its URI and Record-Route
   * (`transport=tcp`, RFC 3263 4.1); default UDP. The proxy receives on every transport its
   * transport layer listens on and forwards over the one each next hop asks for.
   */
  readonly advertisedTransport?: TransportProtocol;
  /** Record-Route dialog-creating requests (default true). */
  readonly recordRoute?: boolean;
  /** A next hop for requests without Route (pushed as a loose Route, RFC 3261 16.6 step 7). */
  readonly outboundProxy?: string;
  /** RFC 3261 16.5: a location service giving a new Request-URI; undefined keeps the Request-URI. */
  readonly locate?: (request: SipRequest) => string | undefined;
  readonly clock?: Clock;
  readonly timers?: Partial<TimerBaseValues>;
}

/** Options of {@link ProxyCore.listen}. */
export interface ProxyListenOptions extends Omit<ProxyCoreOptions, 'transport' | 'address'> {
  readonly address: string;
  readonly port?: number;
}

function copyResponse(response: SipResponse): SipResponse {
  const copy = new SipResponse(
    response.status,
    response.reason,
    response.headers.clone(),
    response.body,
  );
  // RFC 3261 16.7 step 3: the proxy removes its own (topmost) Via before forwarding.
  copy.headers.removeFirstValue('Via');
  return copy;
}

/** A stateful proxy on one transport. */
export class ProxyCore {
  /** The transaction layer the proxy is the transaction user of. */
  readonly layer: TransactionLayer;
  /** Response contexts, with the layer's transactions (the proxy holds no dialogs). */
  readonly sessions = new SessionStore<ResponseContext>('proxy');
  /** Where the proxy is reached: its Record-Route and Route URIs name this address. */
  readonly address: Endpoint;
  private readonly transport: MessageTransport;
  private readonly options: ProxyCoreOptions;
  private ownedTransport: SipTransport | undefined;

  constructor(options: ProxyCoreOptions) {
    this.options = options;
    this.transport = options.transport;
    this.address = options.address;
    this.layer = new TransactionLayer({
      transport: options.transport,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
      // RFC 3261 16.10: the 487 to a cancelled INVITE comes from downstream and is forwarded (16.7).
      answerCancelledInvite: false,
      delegate: {
        onRequest: (request, server) => this.receive(request, server),
        onAck: (ack) => this.forwardAck(ack),
        onCancel: (_cancel, invite) => this.cancel(invite),
        onStrayResponse: (response) => this.forwardStateless(response),
      },
    });
    this.sessions.addSource({ dialogs: () => 0, transactions: () => this.layer.counts().total });
  }

  /** Binds UDP on `address` and makes a proxy that owns the transport. */
  static async listen(options: ProxyListenOptions): Promise<ProxyCore> {
    const transport = await SipTransport.listen({
      udp: [{ address: options.address, port: options.port ?? 0 }],
    });
    const proxy = new ProxyCore({ ...options, transport, address: transport.localEndpoint('udp') });
    proxy.ownedTransport = transport;
    return proxy;
  }

  /** Where the proxy is reached (over its advertised transport, UDP by default). */
  get target(): TransportTarget {
    return { transport: this.options.advertisedTransport ?? 'udp', ...this.address };
  }

  /** The proxy's own URI (add `;lr` for a Route header of a UA using it as outbound proxy). */
  get uri(): string {
    return ownUri(this.address, this.options.advertisedTransport);
  }

  /** Transactions and response contexts (for leak checks). */
  snapshot(): SessionSnapshot {
    return this.sessions.snapshot();
  }

  /** Stops the layer and closes the transport the proxy owns. */
  async close(): Promise<void> {
    this.layer.dispose();
    await this.ownedTransport?.close();
  }

  private receive(request: SipRequest, server: ServerTransaction): void {
    // RFC 3261 16.3 step 3: Max-Forwards 0 is answered 483.
    if (getMaxForwards(request) === 0) {
      server.respond(createResponse(request, 483));
      return;
    }
    // RFC 3261 17.2.1, 16.2: the INVITE's next hop may take longer than 200 ms to answer, so the
    // proxy sends 100 Trying at once (hop by hop, 16.7 step 5) to quench retransmissions.
    if (server instanceof InviteServerTransaction) server.respond(createResponse(request, 100));
    let forward;
    try {
      preprocessRoute(request, this.address);
      forward = this.prepare(request);
    } catch (error) {
      // RFC 3261 16.5: no target can be determined: 404; an address this proxy cannot reach: 502.
      const status = error instanceof TransportError ? 502 : 404;
      server.respond(createResponse(request, status));
      return;
    }
    const client = this.layer.sendRequest(forward.request, forward.target, {
      onResponse: (response) => this.forwardResponse(server, response),
      // RFC 3261 16.8: a client transaction timeout is treated as a 408 in the response context.
      onTimeout: () => this.answer(server, 408),
      // RFC 3261 16.9: a transport error is treated as a 503.
      onTransportError: () => this.answer(server, 503),
    });
    const context: ResponseContext = { id: server.id, server, client };
    this.sessions.add(context.id, context);
    const drop = (): void => {
      const ended =
        server.state === TransactionState.Terminated &&
        client.state === TransactionState.Terminated;
      if (ended && this.sessions.get(context.id) === context) this.sessions.delete(context.id);
    };
    server.onStateChange(drop);
    client.onStateChange(drop);
  }

  private prepare(request: SipRequest): { request: SipRequest; target: TransportTarget } {
    const hasRoute = request.headers.has('Route');
    // RFC 3261 16.5: without Route the Request-URI is the target unless the location service gives another.
    const requestUri =
      (!hasRoute ? this.options.locate?.(request) : undefined) ?? request.requestUri;
    if (!hasRoute && isOwnUri(request.uri, this.address) && requestUri === request.requestUri)
      throw new RoutingError(`no target for ${request.requestUri}`, { method: request.method });
    const prepared = prepareForward(request, this.address, requestUri, {
      recordRoute: this.options.recordRoute ?? true,
      ...(this.options.advertisedTransport !== undefined
        ? { transport: this.options.advertisedTransport }
        : {}),
      ...(this.options.outboundProxy !== undefined
        ? { outboundProxy: this.options.outboundProxy }
        : {}),
    });
    addProxyVia(
      prepared.request,
      this.transport.localEndpointFor(prepared.target),
      prepared.target,
    );
    return prepared;
  }

  private forwardResponse(server: ServerTransaction, response: SipResponse): void {
    // RFC 3261 16.7 step 5: 100 Trying is hop by hop and is not forwarded.
    if (response.status === 100) return;
    const state = server.state;
    const success = response.status >= 200 && response.status < 300;
    // RFC 3261 16.7 steps 5-10: provisional and final responses go upstream; 2xx also once Accepted (RFC 6026 8.5).
    if (
      state === TransactionState.Proceeding ||
      state === TransactionState.Trying ||
      (state === TransactionState.Accepted && success)
    )
      server.respond(copyResponse(response));
  }

  private answer(server: ServerTransaction, status: number): void {
    const state = server.state;
    if (state === TransactionState.Proceeding || state === TransactionState.Trying)
      server.respond(createResponse(server.request, status));
  }

  private cancel(invite: InviteServerTransaction): void {
    const context = this.sessions.get(invite.id);
    // RFC 3261 16.10: the CANCEL is answered 200 (by the layer) and every pending client transaction is cancelled.
    if (context && context.client instanceof InviteClientTransaction)
      void this.layer.cancel(context.client);
  }

  private forwardAck(ack: SipRequest): void {
    try {
      const received = ack.headers.getAll('Via')[0] ?? '';
      // RFC 3261 16.4, 16.6: an ACK for a 2xx is routed like any request, without a transaction.
      preprocessRoute(ack, this.address);
      const prepared = this.prepare(ack);
      // RFC 3261 16.11: forwarded without a transaction, the ACK takes a branch derived from the
      // Via it came with, so each retransmission of it (13.2.2.4) keeps one branch at every hop.
      const own = prepared.request.headers.getAll('Via')[0];
      if (own !== undefined) {
        const digest = createHash('sha1')
          .update(`${received}|${prepared.request.requestUri}`)
          .digest('hex');
        prepared.request.headers.removeFirstValue('Via');
        prepared.request.headers.prepend(
          'Via',
          own.replace(/;branch=[^;,\s]+/i, `;branch=${BRANCH_COOKIE}${digest.slice(0, 24)}`),
        );
      }
      this.layer.sendAck(prepared.request, prepared.target).catch(() => undefined);
    } catch {
      // RFC 3261 16.4: an ACK that routes nowhere is discarded (an ACK is never answered).
    }
  }

  private forwardStateless(response: SipResponse): void {
    const vias = getVias(response);
    const own = vias[0];
    const next = vias[1];
    // RFC 3261 16.7 / 16.11: a response matching no transaction, whose top Via is this proxy's, is forwarded statelessly.
    if (
      !own ||
      !next ||
      hostAddress(own.host) !== this.address.address ||
      (own.port ?? 5060) !== this.address.port
    )
      return;
    const transport = next.transport.toLowerCase();
    if (transport !== 'udp' && transport !== 'tcp') return;
    const rport = typeof next.rport === 'number' ? next.rport : undefined;
    // RFC 3261 18.2.2 and RFC 3581 4: the response goes to received (or sent-by) and rport (or the sent-by port).
    const target: TransportTarget = {
      transport,
      address: next.received ?? hostAddress(next.host),
      port: rport ?? next.port ?? 5060,
    };
    this.transport.send(copyResponse(response), target).catch(() => undefined);
  }
}
