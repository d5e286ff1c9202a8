import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError, TransportTarget } from '../transport/index.js';
import type { TransactionContext } from './transaction-base.js';
import { Transaction } from './transaction-base.js';
import type { ClientTransactionUser } from './transaction-delegates.js';
import { TransactionTimeoutError } from './transaction-errors.js';
import { TransactionKind, TransactionState } from './transaction-state.js';

/** Non-INVITE client transaction: RFC 3261 17.1.2 (figure 6). */
export class NonInviteClientTransaction extends Transaction {
  readonly kind = TransactionKind.NonInviteClient;
  private retransmitInterval: number;

  constructor(
    id: string,
    request: SipRequest,
    target: TransportTarget,
    context: TransactionContext,
    private readonly user: ClientTransactionUser,
  ) {
    super(id, request, target, context, TransactionState.Trying);
    this.retransmitInterval = context.timers.timerE;
  }

  /** RFC 3261 17.1.2.2: enter Trying, send the request, start timers E (unreliable only) and F. */
  start(): void {
    this.transmit(this.request);
    if (!this.reliable) this.startTimer('E', this.retransmitInterval, () => this.onTimerE());
    this.startTimer('F', this.context.timers.timerF, () => this.onTimerF());
  }

  /** A response matched to this transaction by the layer (RFC 3261 17.1.3). */
  receiveResponse(response: SipResponse): void {
    if (this.state !== TransactionState.Trying && this.state !== TransactionState.Proceeding) {
      // RFC 3261 17.1.2.2: in Completed, retransmitted responses are absorbed.
      return;
    }
    if (response.status < 200) {
      // RFC 3261 17.1.2.2: a provisional response moves to Proceeding; retransmissions continue at T2.
      this.transition(TransactionState.Proceeding);
      this.user.onResponse?.(response);
      return;
    }
    // RFC 3261 17.1.2.2: a final response moves to Completed and starts Timer K.
    this.stopTimer('E');
    this.stopTimer('F');
    this.transition(TransactionState.Completed);
    this.user.onResponse?.(response);
    if (this.context.timers.timerK === 0) this.transition(TransactionState.Terminated);
    else
      this.startTimer('K', this.context.timers.timerK, () =>
        this.transition(TransactionState.Terminated),
      );
  }

  private onTimerE(): void {
    if (this.state === TransactionState.Trying) {
      // RFC 3261 17.1.2.2: in Trying, the interval doubles up to T2.
      this.transmit(this.request);
      this.retransmitInterval = Math.min(2 * this.retransmitInterval, this.context.timers.t2);
    } else if (this.state === TransactionState.Proceeding) {
      // RFC 3261 17.1.2.2: in Proceeding, retransmit every T2.
      this.transmit(this.request);
      this.retransmitInterval = this.context.timers.t2;
    } else return;
    this.startTimer('E', this.retransmitInterval, () => this.onTimerE());
  }

  private onTimerF(): void {
    if (this.state !== TransactionState.Trying && this.state !== TransactionState.Proceeding)
      return;
    // RFC 3261 17.1.2.2: Timer F in Trying or Proceeding: timeout reported to the TU.
    this.transition(TransactionState.Terminated);
    this.user.onTimeout?.(
      new TransactionTimeoutError(
        `${this.request.method} ${this.id} timed out (Timer F)`,
        this.id,
        'F',
      ),
    );
  }

  protected onTransportError(error: TransportError): void {
    // RFC 3261 17.1.4: inform the TU and terminate the transaction.
    this.transition(TransactionState.Terminated);
    this.user.onTransportError?.(error);
  }
}
