import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError, TransportTarget } from '../transport/index.js';
import type { TransactionContext } from './transaction-base.js';
import { Transaction } from './transaction-base.js';
import type { ServerTransactionUser } from './transaction-delegates.js';
import { TransactionKind, TransactionState } from './transaction-state.js';

/** Non-INVITE server transaction: RFC 3261 17.2.2 (figure 8). */
export class NonInviteServerTransaction extends Transaction {
  readonly kind = TransactionKind.NonInviteServer;
  private lastResponse: SipResponse | undefined;
  private user: ServerTransactionUser = {};

  constructor(
    id: string,
    request: SipRequest,
    source: TransportTarget,
    context: TransactionContext,
  ) {
    super(id, request, source, context, TransactionState.Trying);
  }

  /** The last response sent, if any. */
  get response(): SipResponse | undefined {
    return this.lastResponse;
  }

  /** Sets the transaction user that hears about transport errors. */
  setUser(user: ServerTransactionUser): void {
    this.user = user;
  }

  /** The TU passes a response down (RFC 3261 17.2.2). */
  respond(response: SipResponse): void {
    if (this.state !== TransactionState.Trying && this.state !== TransactionState.Proceeding) {
      throw this.stateError(`send a ${response.status} response`);
    }
    this.lastResponse = response;
    this.transmit(response);
    if (response.status < 200) {
      // RFC 3261 17.2.2: a provisional response moves Trying to Proceeding.
      this.transition(TransactionState.Proceeding);
      return;
    }
    // RFC 3261 17.2.2: a final response moves to Completed; Timer J (0 on reliable transports).
    this.transition(TransactionState.Completed);
    if (this.context.timers.timerJ === 0) this.transition(TransactionState.Terminated);
    else
      this.startTimer('J', this.context.timers.timerJ, () =>
        this.transition(TransactionState.Terminated),
      );
  }

  /** A retransmission of the request (RFC 3261 17.2.3 matched it here). */
  receiveRequest(_request: SipRequest): void {
    // RFC 3261 17.2.2: in Trying retransmissions are discarded; in Proceeding and Completed the last response is resent.
    if (this.state === TransactionState.Proceeding || this.state === TransactionState.Completed) {
      if (this.lastResponse) this.transmit(this.lastResponse);
    }
  }

  protected onTransportError(error: TransportError): void {
    // RFC 3261 17.2.4: inform the TU and terminate.
    this.transition(TransactionState.Terminated);
    this.user.onTransportError?.(error);
  }
}
