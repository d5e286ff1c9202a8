/**
 * The UAC side of an INVITE (RFC 3261 13.2): provisional responses, the
 * dialog made by the 2xx with its ACK sent by the core (13.2.2.4, repeated
 * for each 2xx retransmission), and CANCEL (9.1). Also used for re-INVITEs
 * (14.1), where the dialog exists already.
 */
import { createUacDialog, nextHopUri } from '../sip/dialog/index.js';
import type { Dialog, DialogStore } from '../sip/dialog/index.js';
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import type { InviteClientTransaction, TransactionLayer } from '../sip/transaction/index.js';
import { targetOfUri } from '../sip/transport/index.js';
import type { TransportTarget } from '../sip/transport/index.js';
import { Listeners } from './listeners.js';

/** The final outcome of an INVITE. */
export interface InviteResult {
  /** The first final response. */
  readonly response: SipResponse;
  /** The confirmed dialog when the response is a 2xx; undefined otherwise. */
  readonly dialog: Dialog | undefined;
}

/** What an outgoing INVITE needs from its core. */
export interface OutgoingInviteHost {
  readonly layer: TransactionLayer;
  readonly dialogs: DialogStore;
}

/** An INVITE this core sent, with its client transaction. */
export class OutgoingInvite {
  /** Resolves with the first final response (2xx or not); rejects on timeout or transport error. */
  readonly result: Promise<InviteResult>;
  readonly transaction: InviteClientTransaction;
  private readonly provisional = new Listeners<[SipResponse]>();
  private ack: SipRequest | undefined;
  private ackTarget: TransportTarget | undefined;
  private settled = false;

  constructor(
    private readonly host: OutgoingInviteHost,
    /** The INVITE as sent (the layer added the Via). */
    readonly request: SipRequest,
    target: TransportTarget,
    /** The dialog of a re-INVITE; undefined for an initial INVITE. */
    private readonly dialog: Dialog | undefined,
  ) {
    let resolve!: (result: InviteResult) => void;
    let reject!: (error: Error) => void;
    this.result = new Promise<InviteResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.transaction = host.layer.sendRequest(request, target, {
      onResponse: (response) => this.receive(response, resolve),
      onTimeout: (error) => this.fail(error, reject),
      onTransportError: (error) => this.fail(error, reject),
    }) as InviteClientTransaction;
  }

  /** Registers a listener for 1xx responses; returns its remover. */
  onProvisional(listener: (response: SipResponse) => void): () => void {
    return this.provisional.add(listener);
  }

  /**
   * RFC 3261 9.1: cancels the INVITE once a provisional response has arrived.
   * Resolves with the CANCEL's final response, or undefined when a final
   * response to the INVITE came first and nothing was sent.
   */
  async cancel(): Promise<SipResponse | undefined> {
    let resolve!: (response: SipResponse | undefined) => void;
    const done = new Promise<SipResponse | undefined>((res) => (resolve = res));
    const sent = await this.host.layer.cancel(this.transaction, {
      onResponse: (response) => {
        if (response.status >= 200) resolve(response);
      },
      onTimeout: () => resolve(undefined),
      onTransportError: () => resolve(undefined),
    });
    if (!sent) return undefined;
    return done;
  }

  private receive(response: SipResponse, resolve: (result: InviteResult) => void): void {
    if (response.status < 200) {
      this.provisional.emit(response);
      return;
    }
    if (response.status >= 300) {
      // RFC 3261 17.1.1.3: the transaction has sent the ACK for a non-2xx itself.
      this.settle(() => resolve({ response, dialog: undefined }));
      return;
    }
    if (this.ack && this.ackTarget) {
      // RFC 3261 13.2.2.4: every retransmission of the 2xx gets the same ACK again.
      this.sendAck(this.ack, this.ackTarget);
      return;
    }
    let dialog = this.dialog;
    if (dialog) dialog.receiveResponse(response);
    // RFC 3261 12.1.2: the 2xx creates the dialog at the UAC.
    else dialog = this.host.dialogs.add(createUacDialog(this.request, response));
    // RFC 3261 13.2.2.4: the UAC core builds the ACK for a 2xx in the dialog and sends it outside the transaction.
    this.ack = dialog.createAck(this.request);
    this.ackTarget = targetOfUri(nextHopUri(this.ack));
    this.sendAck(this.ack, this.ackTarget);
    const created = dialog;
    this.settle(() => resolve({ response, dialog: created }));
  }

  private sendAck(ack: SipRequest, target: TransportTarget): void {
    // RFC 3261 13.3.1.4: a lost ACK is recovered by the UAS retransmitting its 2xx, so a send failure is not fatal here.
    this.host.layer.sendAck(ack, target).catch(() => undefined);
  }

  private fail(error: Error, reject: (error: Error) => void): void {
    this.settle(() => reject(error));
  }

  private settle(action: () => void): void {
    if (this.settled) return;
    this.settled = true;
    action();
  }
}
