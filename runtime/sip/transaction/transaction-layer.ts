import { createResponse, prependVia } from '../message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';
import { DEFAULT_TIMER_BASE_VALUES, systemClock, transactionTimers } from '../timers/index.js';
import type { Clock, TimerBaseValues } from '../timers/index.js';
import type {
  MessageTransport,
  ReceivedMessage,
  TransportDelegate,
  TransportTarget,
} from '../transport/index.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { callIdOf, cseqOf, tagOf, topVia } from './message-fields.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { buildCancel } from './request-builders.js';
import type { Transaction, TransactionContext } from './transaction-base.js';
import type { ClientTransactionUser } from './transaction-delegates.js';
import {
  TransactionMatchError,
  TransactionRequestError,
  TransactionStateError,
} from './transaction-errors.js';
import {
  clientKeyOfRequest,
  clientKeyOfResponse,
  hasRfc3261Branch,
  serverKeyOfRequest,
} from './transaction-key.js';
import { TransactionState } from './transaction-state.js';

/** Either client transaction. */
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
/** Either server transaction. */
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** The transaction user above the layer (a user-agent core, proxy core or B2BUA core). */
export interface TransactionLayerDelegate {
  /** A new request, not a retransmission, with the server transaction created for it (RFC 3261 17.2). */
  onRequest(request: SipRequest, transaction: ServerTransaction, source: TransportTarget): void;
  /**
   * An ACK for a 2xx: one that matched no server transaction, or matched an
   * INVITE server transaction in Accepted (RFC 6026 7.1, RFC 3261 13.3.1.4).
   */
  onAck?(ack: SipRequest, source: TransportTarget): void;
  /**
   * A CANCEL matched an INVITE server transaction (RFC 3261 9.2). The layer
   * has answered the CANCEL with 200 and, if no final response was sent yet,
   * the INVITE with 487.
   */
  onCancel?(cancel: SipRequest, invite: InviteServerTransaction): void;
  /** A response that matched no client transaction (e.g. a 2xx retransmission after Accepted ended). */
  onStrayResponse?(response: SipResponse, source: TransportTarget): void;
  /** A message that could not be matched or handled (no Via branch, bad CSeq ...). */
  onError?(error: Error, message: SipMessage): void;
}

/** Construction options of a {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  readonly transport: MessageTransport;
  readonly delegate: TransactionLayerDelegate;
  /** Clock for every timer; a FakeClock in tests. Defaults to the system clock. */
  readonly clock?: Clock;
  /** T1, T2, T4 (RFC 3261 17.1.1.1); defaults 500 ms, 4 s, 5 s. */
  readonly timers?: Partial<TimerBaseValues>;
  /**
   * RFC 3261 9.2: answer the INVITE a CANCEL matches with 487 (default true, a UAS). A proxy
   * passes false: it cancels its client transactions and forwards their 487 (16.10, 16.7).
   */
  readonly answerCancelledInvite?: boolean;
}

/** Active transactions by side. */
export interface TransactionCounts {
  readonly client: number;
  readonly server: number;
  readonly total: number;
}

/**
 * The transaction layer (RFC 3261 17): creates client transactions for
 * outgoing requests, matches incoming messages to transactions, creates
 * server transactions for new requests and hands them to the delegate,
 * handles CANCEL (9.2) and keeps count of what is active.
 */
export class TransactionLayer implements TransportDelegate {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  /** INVITE server transactions in Accepted (RFC 6026 7.1), by Call-ID: their 2xx may be confirmed. */
  private readonly accepted = new Map<string, Set<InviteServerTransaction>>();
  private readonly transport: MessageTransport;
  private readonly delegate: TransactionLayerDelegate;
  private readonly clock: Clock;
  private readonly base: TimerBaseValues;
  private readonly answerCancelledInvite: boolean;

  constructor(options: TransactionLayerOptions) {
    this.transport = options.transport;
    this.delegate = options.delegate;
    this.clock = options.clock ?? systemClock;
    this.base = { ...DEFAULT_TIMER_BASE_VALUES, ...options.timers };
    this.answerCancelledInvite = options.answerCancelledInvite ?? true;
    this.transport.setDelegate(this);
  }

  /** The base timer values in use. */
  get timerBase(): TimerBaseValues {
    return this.base;
  }

  /** Counts of transactions not yet Terminated. */
  counts(): TransactionCounts {
    return {
      client: this.clients.size,
      server: this.servers.size,
      total: this.clients.size + this.servers.size,
    };
  }

  /**
   * Sends a request in a new client transaction. The layer adds the top Via
   * (RFC 3261 8.1.1.7, 18.1.1) with a fresh branch unless the request already
   * has one with a branch.
   */
  sendRequest(
    request: SipRequest,
    target: TransportTarget,
    user: ClientTransactionUser = {},
  ): ClientTransaction {
    if (request.method === 'ACK') {
      // RFC 3261 17.1.1.3 / 13.2.2.4: an ACK never has a client transaction of its own.
      throw new TransactionRequestError(
        'an ACK is not sent in a client transaction; use sendAck',
        'ACK',
      );
    }
    this.ensureVia(request, target);
    const id = clientKeyOfRequest(request);
    if (this.clients.has(id)) {
      // RFC 3261 17.1.3: the branch identifies the transaction, so it cannot be shared by two.
      throw new TransactionRequestError(
        `a ${request.method} transaction with this branch is active`,
        request.method,
      );
    }
    const context = this.contextFor(target);
    const transaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(id, request, target, context, user)
        : new NonInviteClientTransaction(id, request, target, context, user);
    this.register(this.clients, transaction);
    transaction.start();
    return transaction;
  }

  /** RFC 3261 13.2.2.4: the ACK for a 2xx is sent by the TU directly, outside any transaction. */
  async sendAck(ack: SipRequest, target: TransportTarget): Promise<void> {
    this.ensureVia(ack, target);
    await this.transport.send(ack, target);
  }

  /**
   * RFC 3261 9.1: cancels a pending INVITE. The CANCEL goes out only once a
   * provisional response has arrived; if a final response arrives first, no
   * CANCEL is sent and the returned promise resolves to undefined.
   */
  cancel(
    invite: InviteClientTransaction,
    user: ClientTransactionUser = {},
  ): Promise<NonInviteClientTransaction | undefined> {
    const send = (): NonInviteClientTransaction => {
      const cancel = buildCancel(invite.request);
      return this.sendRequest(cancel, invite.target, user) as NonInviteClientTransaction;
    };
    // RFC 3261 9.1: only a transaction that has seen a provisional response (Proceeding) may be cancelled now.
    if (invite.state === TransactionState.Proceeding) return Promise.resolve(send());
    if (invite.state !== TransactionState.Calling) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const stop = invite.onStateChange((state) => {
        stop();
        resolve(state === TransactionState.Proceeding ? send() : undefined);
      });
    });
  }

  /** Terminates every transaction and cancels its timers (shutdown). */
  dispose(): void {
    for (const t of [...this.clients.values(), ...this.servers.values()]) t.dispose();
    this.clients.clear();
    this.servers.clear();
    this.accepted.clear();
  }

  /** Transport delegate: a parsed message arrived. */
  onMessage(received: ReceivedMessage): void {
    const { message, source } = received;
    try {
      if (message.kind === 'response') this.receiveResponse(message, source);
      else this.receiveRequest(message, source);
    } catch (error) {
      if (error instanceof TransactionMatchError || error instanceof TransactionStateError)
        this.delegate.onError?.(error, message);
      else throw error;
    }
  }

  private receiveResponse(response: SipResponse, source: TransportTarget): void {
    // RFC 3261 17.1.3: match on branch and CSeq method.
    const transaction = this.clients.get(clientKeyOfResponse(response));
    if (transaction) transaction.receiveResponse(response);
    else this.delegate.onStrayResponse?.(response, source);
  }

  private receiveRequest(request: SipRequest, source: TransportTarget): void {
    const key = serverKeyOfRequest(request);
    const existing = this.servers.get(key);
    if (request.method === 'ACK') {
      if (existing instanceof InviteServerTransaction && this.ackMatches(request, existing)) {
        if (existing.receiveAck(request)) return;
      }
      this.confirmSuccess(request);
      // RFC 3261 17.2.3 / RFC 6026 7.1: an ACK for a 2xx goes to the TU.
      this.delegate.onAck?.(request, source);
      return;
    }
    if (existing) {
      // RFC 3261 17.2.3: a retransmission is handled by its transaction, not the TU.
      existing.receiveRequest(request);
      return;
    }
    const context = this.contextFor(source);
    if (request.method === 'INVITE') {
      const transaction = new InviteServerTransaction(key, request, source, context);
      this.register(this.servers, transaction);
      this.trackAccepted(transaction);
      this.delegate.onRequest(request, transaction, source);
      return;
    }
    // RFC 3261 13.3.1.4: a BYE that overtook the lost ACK of a 2xx shows the 2xx arrived.
    if (request.method === 'BYE') this.confirmSuccess(request);
    const transaction = new NonInviteServerTransaction(key, request, source, context);
    this.register(this.servers, transaction);
    if (request.method === 'CANCEL') {
      this.receiveCancel(request, transaction);
      return;
    }
    this.delegate.onRequest(request, transaction, source);
  }

  private receiveCancel(cancel: SipRequest, transaction: NonInviteServerTransaction): void {
    // RFC 3261 9.2: the CANCEL matches the INVITE server transaction with the same key but method INVITE.
    const invite = this.servers.get(serverKeyOfRequest(cancel, 'INVITE'));
    if (!(invite instanceof InviteServerTransaction)) {
      // RFC 3261 9.2: no matching transaction: 481.
      transaction.respond(createResponse(cancel, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    transaction.respond(createResponse(cancel, 200, 'OK'));
    // RFC 3261 9.2: the INVITE that has not had a final response is answered 487.
    if (this.answerCancelledInvite && invite.state === TransactionState.Proceeding) {
      invite.respond(createResponse(invite.request, 487, 'Request Terminated'));
    }
    this.delegate.onCancel?.(cancel, invite);
  }

  /** Keeps `invite` in {@link accepted} while it is in Accepted (RFC 6026 7.1). */
  private trackAccepted(invite: InviteServerTransaction): void {
    let callId: string;
    try {
      callId = callIdOf(invite.request);
    } catch {
      return;
    }
    invite.onStateChange((state, previous) => {
      if (state === TransactionState.Accepted) {
        const set = this.accepted.get(callId) ?? new Set<InviteServerTransaction>();
        set.add(invite);
        this.accepted.set(callId, set);
      } else if (previous === TransactionState.Accepted) {
        const set = this.accepted.get(callId);
        set?.delete(invite);
        if (set?.size === 0) this.accepted.delete(callId);
      }
    });
  }

  /**
   * RFC 3261 13.3.1.4: tells each INVITE server transaction in Accepted whose
   * 2xx `request` proves delivered: the ACK for that 2xx (same Call-ID, From
   * and To tags, CSeq number), or a BYE in the dialog the 2xx established
   * (same Call-ID, From and To tags). The 2xx retransmitter of the core stops
   * on it even when the dialog has already ended (the BYE overtook the ACK).
   */
  private confirmSuccess(request: SipRequest): void {
    let callId: string;
    try {
      callId = callIdOf(request);
    } catch {
      return;
    }
    const candidates = this.accepted.get(callId);
    if (!candidates) return;
    for (const invite of [...candidates]) {
      if (this.provesSuccess(request, invite)) invite.successDelivered(request);
    }
  }

  private provesSuccess(request: SipRequest, invite: InviteServerTransaction): boolean {
    const response = invite.response;
    if (!response || response.status < 200 || response.status >= 300) return false;
    try {
      const toTag = tagOf(request, 'To');
      if (toTag === undefined || toTag !== tagOf(response, 'To')) return false;
      if (tagOf(request, 'From') !== tagOf(response, 'From')) return false;
      return request.method !== 'ACK' || cseqOf(request).seq === cseqOf(invite.request).seq;
    } catch (error) {
      if (error instanceof TransactionMatchError) return false;
      throw error;
    }
  }

  /** RFC 3261 17.2.3: in the RFC 2543 fallback the ACK's To tag must equal the response's. */
  private ackMatches(ack: SipRequest, invite: InviteServerTransaction): boolean {
    if (hasRfc3261Branch(ack)) return true;
    const response = invite.response;
    return response !== undefined && tagOf(response, 'To') === tagOf(ack, 'To');
  }

  private ensureVia(request: SipRequest, target: TransportTarget): void {
    const vias = request.headers.getAll('Via');
    if (vias.length > 0 && topVia(request).branch !== undefined) return;
    if (vias.length > 0) request.headers.removeFirstValue('Via');
    const local = this.transport.localEndpointFor(target);
    // RFC 3261 18.1.1: sent-by is the address and port the transport sends from; RFC 3581 asks for rport.
    prependVia(request, local, target.transport);
  }

  private contextFor(target: TransportTarget): TransactionContext {
    return {
      transport: this.transport,
      clock: this.clock,
      timers: transactionTimers(this.base, this.transport.isReliable(target.transport)),
    };
  }

  private register<T extends Transaction>(table: Map<string, T>, transaction: T): void {
    table.set(transaction.id, transaction);
    transaction.onStateChange((state) => {
      if (state === TransactionState.Terminated && table.get(transaction.id) === transaction)
        table.delete(transaction.id);
    });
  }
}
