/**
 * The user agent core (RFC 3261 8, 12, 13, 15) on the transaction layer:
 * dispatches incoming requests to handlers by method, matches in-dialog
 * requests to their dialogs (12.2.2), answers what no handler takes, and
 * sends requests in and out of dialogs. The proxy and B2BUA cores build on
 * the same layers; a B2BUA is a user agent core with two dialogs per session.
 */
import { DialogCSeqError, DialogStore, nextHopUri } from '../sip/dialog/index.js';
import type { Dialog, InDialogRequestOptions, SubscriptionUsage } from '../sip/dialog/index.js';
import {
  createRequest,
  createResponse,
  generateCallId,
  generateTag,
} from '../sip/message/index.js';
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import {
  InviteServerTransaction,
  TransactionLayer,
  TransactionState,
} from '../sip/transaction/index.js';
import type { ServerTransaction } from '../sip/transaction/index.js';
import { systemClock } from '../sip/timers/index.js';
import type { Clock, TimerBaseValues } from '../sip/timers/index.js';
import { SipTransport, targetOfUri } from '../sip/transport/index.js';
import type { MessageTransport, TransportTarget } from '../sip/transport/index.js';
import { SessionStore } from '../session/index.js';
import type { SessionSnapshot, SnapshotSource } from '../session/index.js';
import { CoreStateError } from './core-errors.js';
import { IncomingRequest } from './incoming-request.js';
import type { IncomingRequestHost } from './incoming-request.js';
import { answerNotify, answerUnhandled } from './default-answers.js';
import { Listeners } from './listeners.js';
import { InviteSuccessSender } from './success-sender.js';
import { OutgoingInvite } from './outgoing-invite.js';
import { sendRequest } from './send-request.js';

/** A handler for incoming requests of one method, in or out of a dialog. */
export type RequestHandler = (incoming: IncomingRequest) => void;

/** Construction options of a {@link UserAgentCore}. */
export interface UserAgentCoreOptions {
  readonly transport: MessageTransport;
  /** This UA's Contact value, e.g. `<sip:b2bua@127.0.0.1:5070>`. */
  readonly contact: string;
  /** The role name used by the session store ("uas", "b2bua" ...). */
  readonly role?: string;
  readonly clock?: Clock;
  /** T1, T2, T4 (RFC 3261 17.1.1.1). */
  readonly timers?: Partial<TimerBaseValues>;
  /** An outbound proxy URI put as a loose Route on out-of-dialog requests (RFC 3261 8.1.2). */
  readonly outboundProxy?: string;
}

/** Options of {@link UserAgentCore.listen}. */
export interface ListenOptions extends Omit<UserAgentCoreOptions, 'transport' | 'contact'> {
  /** Address to bind UDP on (127.0.0.1 or ::1 in tests). */
  readonly address: string;
  readonly port?: number;
  /** User part of the Contact URI. */
  readonly user?: string;
}

/** What a new out-of-dialog INVITE is made of (RFC 3261 8.1.1). */
export interface InviteOptions {
  readonly requestUri: string;
  /** From address without tag; the core adds one. */
  readonly from: string;
  readonly to: string;
  readonly callId?: string;
  readonly headers?: Iterable<readonly [string, string]>;
  readonly contentType?: string;
  readonly body?: Uint8Array | string;
  /** Where to send; defaults to the next hop of the request (RFC 3261 8.1.2). */
  readonly target?: TransportTarget;
}

/** Dialog and transaction counts of a core. */
export interface CoreCounts {
  readonly dialogs: number;
  readonly transactions: number;
}

/** A SIP user agent core on one transport. */
export class UserAgentCore implements IncomingRequestHost {
  /** Every dialog of this user agent, in or out of a role's sessions. */
  readonly dialogs = new DialogStore();
  /** The transaction layer this core is the transaction user of (RFC 3261 17). */
  readonly layer: TransactionLayer;
  /** The Contact value put in requests and dialog-creating responses. */
  readonly contact: string;
  /** This core's dialogs and transactions, to add to a role's session store. */
  readonly countSource: SnapshotSource;
  /** The sessions of a plain user agent role, with {@link countSource} as a source. */
  readonly sessions: SessionStore<unknown>;
  /** ACKs for 2xx matched to a dialog (RFC 3261 13.3.1.4). */
  readonly acks = new Listeners<[SipRequest, Dialog]>();
  /** NOTIFYs applied to a subscription usage by the default NOTIFY handling (RFC 6665 4.1.3). */
  readonly notifies = new Listeners<[SipRequest, Dialog, SubscriptionUsage]>();
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly pendingInvites = new Map<InviteServerTransaction, IncomingRequest>();
  private readonly successes: InviteSuccessSender;
  private readonly outboundProxy: string | undefined;
  private ownedTransport: SipTransport | undefined;

  constructor(options: UserAgentCoreOptions) {
    this.contact = options.contact;
    const clock = options.clock ?? systemClock;
    this.outboundProxy = options.outboundProxy;
    this.sessions = new SessionStore(options.role ?? 'ua');
    this.layer = new TransactionLayer({
      transport: options.transport,
      clock,
      ...(options.timers ? { timers: options.timers } : {}),
      delegate: {
        onRequest: (request, transaction, source) => this.receive(request, transaction, source),
        onAck: (ack) => this.receiveAck(ack),
        onCancel: (cancel, invite) => this.pendingInvites.get(invite)?.notifyCancelled(cancel),
      },
    });
    this.successes = new InviteSuccessSender(clock, this.layer.timerBase, (dialog) => {
      // RFC 3261 13.3.1.4: the 2xx was never acknowledged: end the session with BYE.
      this.bye(dialog).catch(() => undefined);
    });
    this.countSource = {
      dialogs: () => this.dialogs.counts().total,
      transactions: () => this.layer.counts().total,
    };
    this.sessions.addSource(this.countSource);
  }

  /** Binds a UDP transport on `address` and makes a core that owns it (closed by {@link close}). */
  static async listen(options: ListenOptions): Promise<UserAgentCore> {
    const transport = await SipTransport.listen({
      udp: [{ address: options.address, port: options.port ?? 0 }],
    });
    const local = transport.localEndpoint('udp');
    const host = local.address.includes(':') ? `[${local.address}]` : local.address;
    const core = new UserAgentCore({
      ...options,
      transport,
      contact: `<sip:${options.user ?? 'ua'}@${host}:${local.port}>`,
    });
    core.ownedTransport = transport;
    return core;
  }

  /** Where this core's transport can be reached over UDP, when it owns one. */
  get target(): TransportTarget {
    const endpoint = this.ownedTransport?.endpoints().find((e) => e.transport === 'udp');
    if (!endpoint) throw new CoreStateError('this core does not own a UDP transport');
    return endpoint;
  }

  /** The transport the core owns, when made by {@link listen}. */
  get transport(): SipTransport | undefined {
    return this.ownedTransport;
  }

  /** Sets the handler for a method; it must answer the request (or leave it to the layer's 100 Trying). */
  on(method: string, handler: RequestHandler): this {
    this.handlers.set(method, handler);
    return this;
  }

  /** Active dialogs and transactions. */
  counts(): CoreCounts {
    return { dialogs: this.dialogs.counts().total, transactions: this.layer.counts().total };
  }

  /** Dialogs, transactions and sessions of this core's role. */
  snapshot(): SessionSnapshot {
    return this.sessions.snapshot();
  }

  /** Sends an INVITE outside any dialog (RFC 3261 13.2.1). */
  invite(options: InviteOptions): OutgoingInvite {
    const request = createRequest({
      method: 'INVITE',
      requestUri: options.requestUri,
      from: `${options.from};tag=${generateTag()}`,
      to: options.to,
      callId: options.callId ?? generateCallId(),
      cseq: 1,
      contact: this.contact,
      // RFC 3261 8.1.2: an outbound proxy is used as a pre-existing loose route.
      ...(this.outboundProxy !== undefined ? { route: [`<${this.outboundProxy};lr>`] } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const target = options.target ?? targetOfUri(nextHopUri(request));
    return new OutgoingInvite(this, request, target, undefined);
  }

  /** RFC 3261 14.1: a re-INVITE in the dialog (a new offer); the core ACKs its 2xx. */
  reinvite(dialog: Dialog, options: InDialogRequestOptions): OutgoingInvite {
    const request = dialog.createRequest('INVITE', options);
    return new OutgoingInvite(this, request, targetOfUri(nextHopUri(request)), dialog);
  }

  /** Sends a request outside any dialog (to `target` or its next hop) and resolves with the final response. */
  sendOutOfDialog(request: SipRequest, target?: TransportTarget): Promise<SipResponse> {
    return sendRequest(this.layer, request, target ?? targetOfUri(nextHopUri(request)));
  }

  /** RFC 3261 12.2.1.1: a new request in the dialog; resolves with its final response. */
  request(
    dialog: Dialog,
    method: string,
    options: InDialogRequestOptions = {},
  ): Promise<SipResponse> {
    return this.sendInDialog(dialog, dialog.createRequest(method, options));
  }

  /** Sends a request already built in the dialog (a NOTIFY from createNotify) to its next hop. */
  async sendInDialog(dialog: Dialog, request: SipRequest): Promise<SipResponse> {
    const response = await sendRequest(this.layer, request, targetOfUri(nextHopUri(request)));
    dialog.receiveResponse(response);
    return response;
  }

  /**
   * RFC 3261 15.1.1: ends the session with BYE. The invite usage ends when
   * the BYE has a final response or times out, and with it the dialog unless
   * a subscription usage remains (RFC 5057).
   */
  async bye(dialog: Dialog, options: InDialogRequestOptions = {}): Promise<SipResponse> {
    this.successes.acknowledge(dialog);
    try {
      return await this.request(dialog, 'BYE', options);
    } finally {
      dialog.endInviteUsage();
    }
  }

  /**
   * RFC 6665 4.1.3: applies a NOTIFY to the subscription usage of its dialog and answers it
   * (200, or 481 when none matches), as the default handling does: for a handler of NOTIFY
   * that keeps the subscriber's state.
   */
  answerNotify(incoming: IncomingRequest): void {
    answerNotify(incoming, this.notifies);
  }

  /** Stops the transaction layer and closes the transport the core owns. */
  async close(): Promise<void> {
    this.successes.stopAll();
    this.layer.dispose();
    await this.ownedTransport?.close();
  }

  /** @internal RFC 3261 13.3.1.4: the 2xx to an INVITE, retransmitted until its ACK. */
  sendInviteSuccess(
    transaction: InviteServerTransaction,
    dialog: Dialog,
    response: SipResponse,
  ): void {
    this.successes.send(transaction, dialog, response);
  }

  private receive(
    request: SipRequest,
    transaction: ServerTransaction,
    source: TransportTarget,
  ): void {
    let dialog: Dialog | undefined;
    try {
      dialog = this.dialogs.findForRequest(request);
    } catch {
      // RFC 3261 8.2 / 12.2.2: From or To unusable for dialog matching (e.g. a To tag without a From tag).
      transaction.respond(createResponse(request, 400, 'Bad From or To tag'));
      return;
    }
    const incoming = new IncomingRequest(request, transaction, source, dialog, this);
    if (!dialog && !incoming.outOfDialog) {
      // RFC 3261 12.2.2: a request with a To tag that matches no dialog is answered 481.
      incoming.respond(481);
      return;
    }
    if (!dialog && request.method === 'INVITE' && request.headers.get('Contact') === undefined) {
      // RFC 3261 8.1.1.8, 12.1.1: a request that can create a dialog carries the Contact that
      // becomes the dialog's remote target; without one no dialog can be built (finding F7).
      incoming.respond(400, { reason: 'Missing Contact' });
      return;
    }
    if (dialog) {
      try {
        dialog.receiveRequest(request);
      } catch (error) {
        // RFC 3261 12.2.2: a CSeq lower than the remote sequence number is answered 500.
        if (error instanceof DialogCSeqError)
          incoming.respond(500, { reason: 'Server Internal Error' });
        else incoming.respond(481);
        return;
      }
    }
    if (transaction instanceof InviteServerTransaction) {
      const invite = transaction;
      this.pendingInvites.set(invite, incoming);
      // Kept until Terminated: the layer answers 487 (Completed) before it reports the CANCEL (RFC 3261 9.2).
      invite.onStateChange((state) => {
        if (state === TransactionState.Terminated) this.pendingInvites.delete(invite);
      });
    }
    const handler = this.handlers.get(request.method);
    if (handler) {
      try {
        handler(incoming);
      } catch (error) {
        if (incoming.pending) incoming.respond(500, { reason: 'Server Internal Error' });
        throw error;
      }
      return;
    }
    answerUnhandled(incoming, {
      allowed: this.allowed(),
      stopRetransmissions: (dialog) => this.successes.acknowledge(dialog),
      notifies: this.notifies,
    });
  }

  private allowed(): string {
    return [
      ...new Set(['ACK', 'BYE', 'CANCEL', 'NOTIFY', 'OPTIONS', ...this.handlers.keys()]),
    ].join(', ');
  }

  private receiveAck(ack: SipRequest): void {
    const dialog = this.dialogs.findForRequest(ack);
    // RFC 3261 12.2.2 / 17.2.3: an ACK that matches no dialog is discarded (an ACK is never answered).
    if (!dialog) return;
    try {
      dialog.receiveRequest(ack);
    } catch {
      return;
    }
    // RFC 3261 13.3.1.4: the ACK stops the 2xx retransmissions.
    this.successes.acknowledge(dialog);
    this.acks.emit(ack, dialog);
  }
}
