import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError, TransportTarget } from '../transport/index.js';
import { buildTrying } from './request-builders.js';
import type { TransactionContext } from './transaction-base.js';
import { Transaction } from './transaction-base.js';
import type { ServerTransactionUser } from './transaction-delegates.js';
import { TransactionTimeoutError } from './transaction-errors.js';
import { TransactionKind, TransactionState } from './transaction-state.js';

/** RFC 3261 17.2.1: a 100 Trying goes out unless the TU answers within 200 ms. */
export const TRYING_DELAY_MS = 200;

/**
 * Told when a request of the peer proves that the 2xx sent in Accepted reached
 * it: the ACK for the 2xx, or a BYE in the dialog the 2xx established
 * (RFC 3261 13.3.1.4).
 */
export type SuccessDeliveredListener = (evidence: SipRequest) => void;

/**
 * INVITE server transaction: RFC 3261 17.2.1 (figure 7) as amended by
 * RFC 6026 7.1 (Accepted state, Timer L).
 */
export class InviteServerTransaction extends Transaction {
  readonly kind = TransactionKind.InviteServer;
  private lastResponse: SipResponse | undefined;
  private retransmitInterval: number;
  private user: ServerTransactionUser = {};
  private readonly deliveredListeners = new Set<SuccessDeliveredListener>();

  constructor(
    id: string,
    request: SipRequest,
    source: TransportTarget,
    context: TransactionContext,
  ) {
    super(id, request, source, context, TransactionState.Proceeding);
    this.retransmitInterval = context.timers.timerG;
    // RFC 3261 17.2.1: send 100 Trying if the TU has not responded within 200 ms.
    this.startTimer('Trying', TRYING_DELAY_MS, () => {
      if (this.state === TransactionState.Proceeding && !this.lastResponse)
        this.respond(buildTrying(this.request));
    });
  }

  /** The last response sent, if any. */
  get response(): SipResponse | undefined {
    return this.lastResponse;
  }

  /** Sets the transaction user that hears about Timer H and transport errors. */
  setUser(user: ServerTransactionUser): void {
    this.user = user;
  }

  /**
   * Registers a listener told when the peer proves it has the 2xx (see
   * {@link SuccessDeliveredListener}); returns a function that removes it.
   */
  onSuccessDelivered(listener: SuccessDeliveredListener): () => void {
    this.deliveredListeners.add(listener);
    return () => this.deliveredListeners.delete(listener);
  }

  /**
   * The layer matched `evidence` (an ACK for the 2xx, or a BYE in its dialog)
   * to the 2xx this transaction sent. RFC 3261 13.3.1.4: the UAS core
   * retransmits the 2xx until the ACK arrives; a BYE of the dialog proves the
   * 2xx arrived as well, even when it overtook a lost ACK. Only Accepted
   * (RFC 6026 7.1) has a 2xx to confirm.
   */
  successDelivered(evidence: SipRequest): void {
    if (this.state !== TransactionState.Accepted) return;
    for (const listener of [...this.deliveredListeners]) listener(evidence);
  }

  /** The TU passes a response down (RFC 3261 17.2.1, RFC 6026 7.1). */
  respond(response: SipResponse): void {
    const status = response.status;
    if (this.state === TransactionState.Proceeding) {
      this.stopTimer('Trying');
      this.lastResponse = response;
      this.transmit(response);
      if (status < 200) return;
      if (status < 300) {
        // RFC 6026 7.1: a 2xx moves the transaction to Accepted and starts Timer L.
        this.transition(TransactionState.Accepted);
        this.startTimer('L', this.context.timers.timerL, () =>
          this.transition(TransactionState.Terminated),
        );
        return;
      }
      // RFC 3261 17.2.1: 300-699 moves to Completed; Timer G (unreliable only) and Timer H start.
      this.transition(TransactionState.Completed);
      if (!this.reliable) this.startTimer('G', this.retransmitInterval, () => this.onTimerG());
      this.startTimer('H', this.context.timers.timerH, () => this.onTimerH());
      return;
    }
    if (this.state === TransactionState.Accepted && status >= 200 && status < 300) {
      // RFC 6026 8.5: 2xx retransmissions from the TU are sent in the Accepted state.
      this.lastResponse = response;
      this.transmit(response);
      return;
    }
    throw this.stateError(`send a ${status} response`);
  }

  /** A retransmitted INVITE matched to this transaction (RFC 3261 17.2.3). */
  receiveRequest(_request: SipRequest): void {
    switch (this.state) {
      case TransactionState.Proceeding:
      case TransactionState.Completed:
        // RFC 3261 17.2.1: a retransmitted INVITE gets the most recent response again.
        if (this.lastResponse) this.transmit(this.lastResponse);
        return;
      default:
        // RFC 6026 7.1: retransmitted INVITEs are absorbed in Accepted; likewise in Confirmed.
        return;
    }
  }

  /**
   * An ACK matched to this transaction. Returns true when the transaction
   * absorbed it, false when it must go to the TU: RFC 6026 7.1 passes an ACK
   * received in Accepted (the ACK for the 2xx) to the TU.
   */
  receiveAck(_ack: SipRequest): boolean {
    if (this.state === TransactionState.Completed) {
      // RFC 3261 17.2.1: ACK in Completed moves to Confirmed; Timer G stops, Timer I starts.
      this.stopTimer('G');
      this.stopTimer('H');
      this.transition(TransactionState.Confirmed);
      if (this.context.timers.timerI === 0) this.transition(TransactionState.Terminated);
      else
        this.startTimer('I', this.context.timers.timerI, () =>
          this.transition(TransactionState.Terminated),
        );
      return true;
    }
    // RFC 6026 7.1: in Accepted the ACK belongs to the TU; RFC 3261 17.2.1: in Confirmed it is absorbed.
    return this.state !== TransactionState.Accepted;
  }

  private onTimerG(): void {
    if (this.state !== TransactionState.Completed || !this.lastResponse) return;
    // RFC 3261 17.2.1: retransmit the final response, interval doubling up to T2.
    this.transmit(this.lastResponse);
    this.retransmitInterval = Math.min(2 * this.retransmitInterval, this.context.timers.t2);
    this.startTimer('G', this.retransmitInterval, () => this.onTimerG());
  }

  private onTimerH(): void {
    if (this.state !== TransactionState.Completed) return;
    // RFC 3261 17.2.1: Timer H fires in Completed: the ACK never came; terminate and tell the TU.
    this.transition(TransactionState.Terminated);
    this.user.onTimeout?.(
      new TransactionTimeoutError(`no ACK for ${this.id} (Timer H)`, this.id, 'H'),
    );
  }

  protected onTransportError(error: TransportError): void {
    // RFC 3261 17.2.4 (RFC 6026 7.1 for Accepted): inform the TU and terminate.
    this.transition(TransactionState.Terminated);
    this.user.onTransportError?.(error);
  }
}
