/**
 * A request received by a user agent core, with its server transaction and
 * the dialog it belongs to, and the one way to answer it: responding applies
 * the dialog effects of RFC 3261 12 and 15 (a dialog created by a 1xx/2xx to
 * an INVITE, REFER or SUBSCRIBE; the invite usage ended by a 2xx to BYE).
 */
import { createUasDialog } from '../sip/dialog/index.js';
import type { Dialog, DialogStore } from '../sip/dialog/index.js';
import { createResponse, generateTag, getTag, getTo } from '../sip/message/index.js';
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import { InviteServerTransaction, TransactionState } from '../sip/transaction/index.js';
import type { ServerTransaction } from '../sip/transaction/index.js';
import type { TransportTarget } from '../sip/transport/index.js';
import { CoreStateError } from './core-errors.js';
import { Listeners } from './listeners.js';

/** Methods whose 1xx (with tag) or 2xx creates a dialog at the UAS (RFC 3261 12.1, RFC 6665 4.2.1, RFC 3515 2.4.4). */
const DIALOG_CREATING = new Set(['INVITE', 'REFER', 'SUBSCRIBE']);

/** What a response carries besides its status. */
export interface ReplyOptions {
  readonly reason?: string;
  readonly headers?: Iterable<readonly [string, string]>;
  readonly contentType?: string;
  readonly body?: Uint8Array | string;
}

/** What the core does for an incoming request's responses. */
export interface IncomingRequestHost {
  /** This UA's Contact value. */
  readonly contact: string;
  readonly dialogs: DialogStore;
  /** RFC 3261 13.3.1.4: sends a 2xx to an INVITE and retransmits it until the ACK. */
  sendInviteSuccess(
    transaction: InviteServerTransaction,
    dialog: Dialog,
    response: SipResponse,
  ): void;
}

/** One received request and its server transaction. */
export class IncomingRequest {
  /** The dialog the request arrived in, or the one its response created. */
  dialog: Dialog | undefined;
  private readonly toTag: string;
  private readonly cancelled = new Listeners<[SipRequest]>();
  private wasCancelled = false;

  constructor(
    readonly request: SipRequest,
    readonly transaction: ServerTransaction,
    readonly source: TransportTarget,
    dialog: Dialog | undefined,
    private readonly host: IncomingRequestHost,
  ) {
    this.dialog = dialog;
    // RFC 3261 8.2.6.2: one To tag for every response of this request, unless it already has one.
    this.toTag = getTag(getTo(request)) ?? generateTag();
  }

  /** The request's method. */
  get method(): string {
    return this.request.method;
  }

  /** Whether the request arrived outside any dialog (its To has no tag, RFC 3261 12.2.2). */
  get outOfDialog(): boolean {
    return this.isDialogCreator();
  }

  /** Whether a final response can still be sent. */
  get pending(): boolean {
    const state = this.transaction.state;
    return state === TransactionState.Proceeding || state === TransactionState.Trying;
  }

  /** Whether a CANCEL arrived for this INVITE (RFC 3261 9.2). */
  get isCancelled(): boolean {
    return this.wasCancelled;
  }

  /** Registers a listener for a CANCEL of this INVITE; returns its remover. */
  onCancel(listener: (cancel: SipRequest) => void): () => void {
    return this.cancelled.add(listener);
  }

  /** @internal The core reports the CANCEL the transaction layer matched. */
  notifyCancelled(cancel: SipRequest): void {
    // RFC 3261 9.2, RFC 6026 7.1: a CANCEL that finds the 2xx already sent (Accepted) is answered
    // 200 and has no effect: the session it crossed goes on.
    if (this.transaction.state === TransactionState.Accepted) return;
    this.wasCancelled = true;
    // RFC 3261 12.1: the 487 ended the early dialog a 1xx may have created.
    if (this.dialog && this.request.method === 'INVITE') this.dialog.terminate();
    this.cancelled.emit(cancel);
  }

  /**
   * Sends a response through the server transaction and applies its dialog
   * effects. Throws {@link CoreStateError} when a final response was already sent.
   */
  respond(status: number, options: ReplyOptions = {}): SipResponse {
    if (!this.canSend(status))
      throw new CoreStateError(
        `cannot send ${status} to ${this.method}: the transaction is ${this.transaction.state}`,
        { method: this.method, status },
      );
    // The INVITE, REFER or SUBSCRIBE that creates the dialog (its 1xx may have made it early already).
    const creating = DIALOG_CREATING.has(this.method) && this.isDialogCreator();
    const response = createResponse(this.request, status, options.reason, {
      toTag: this.toTag,
      // RFC 3261 12.1.1: a response that creates a dialog carries a Contact; so does a 2xx to a target refresh (12.2.2).
      ...((creating || this.method === 'INVITE') && status > 100 && status < 300
        ? { contact: this.host.contact }
        : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    if (creating && status > 100 && status < 300) {
      // RFC 3261 12.1.1: the UAS copies Record-Route into responses that create a dialog.
      for (const rr of this.request.headers.getAll('Record-Route'))
        response.headers.append('Record-Route', rr);
    }
    this.applyDialogEffects(status, response, creating);
    if (
      this.method === 'INVITE' &&
      status >= 200 &&
      status < 300 &&
      this.transaction instanceof InviteServerTransaction &&
      this.dialog
    ) {
      this.host.sendInviteSuccess(this.transaction, this.dialog, response);
    } else this.transaction.respond(response);
    return response;
  }

  private canSend(status: number): boolean {
    if (this.pending) return true;
    // RFC 6026 7.1: further 2xx may be passed down in Accepted (not used by this core itself).
    return this.transaction.state === TransactionState.Accepted && status >= 200 && status < 300;
  }

  private applyDialogEffects(status: number, response: SipResponse, creating: boolean): void {
    if (creating && this.dialog === undefined && status > 100 && status < 300) {
      // RFC 3261 12.1.1: a 1xx with a To tag creates an early dialog, a 2xx a confirmed one.
      this.dialog = this.host.dialogs.add(createUasDialog(this.request, response));
      return;
    }
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.method === 'INVITE' && status >= 200 && status < 300) dialog.confirm();
    // RFC 3261 12.1: a non-2xx final response to the INVITE ends the early dialog it made.
    else if (this.method === 'INVITE' && status >= 300 && this.isDialogCreator())
      dialog.terminate();
    // RFC 3261 15.1.2: the UAS ends the session (the invite usage, RFC 5057) when it accepts a BYE.
    else if (this.method === 'BYE' && status >= 200 && status < 300) dialog.endInviteUsage();
  }

  private isDialogCreator(): boolean {
    return getTag(getTo(this.request)) === undefined;
  }
}
