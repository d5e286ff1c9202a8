import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransportError, TransportTarget } from '../transport/index.js';
import { buildNonSuccessAck } from './request-builders.js';
import type { TransactionContext } from './transaction-base.js';
import { Transaction } from './transaction-base.js';
import type { ClientTransactionUser } from './transaction-delegates.js';
import { TransactionTimeoutError } from './transaction-errors.js';
import { TransactionKind, TransactionState } from './transaction-state.js';

/**
 * INVITE client transaction: RFC 3261 17.1.1 (figure 5) as amended by
 * RFC 6026 7.2 (Accepted state, Timer M).
 */
export class InviteClientTransaction extends Transaction {
  readonly kind = TransactionKind.InviteClient;
  private retransmitInterval: number;
  private ack: SipRequest | undefined;

  constructor(
    id: string,
    request: SipRequest,
    target: TransportTarget,
    context: TransactionContext,
    private readonly user: ClientTransactionUser,
  ) {
    super(id, request, target, context, TransactionState.Calling);
    this.retransmitInterval = context.timers.timerA;
  }

  /** The ACK generated for a non-2xx final response, once there is one (RFC 3261 17.1.1.3). */
  get generatedAck(): SipRequest | undefined {
    return this.ack;
  }

  /** RFC 3261 17.1.1.2: enter Calling, pass the INVITE to the transport, start timers A and B. */
  start(): void {
    this.transmit(this.request);
    // RFC 3261 17.1.1.2: Timer A only for unreliable transports.
    if (!this.reliable) this.startTimer('A', this.retransmitInterval, () => this.onTimerA());
    this.startTimer('B', this.context.timers.timerB, () => this.onTimerB());
  }

  /** A response matched to this transaction by the layer (RFC 3261 17.1.3). */
  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case TransactionState.Calling:
      case TransactionState.Proceeding:
        if (status < 200) {
          // RFC 3261 17.1.1.2: a provisional response moves Calling to Proceeding and stops retransmissions.
          this.stopTimer('A');
          this.stopTimer('B');
          this.transition(TransactionState.Proceeding);
          this.user.onResponse?.(response);
        } else if (status < 300) {
          // RFC 6026 7.2: a 2xx moves the transaction to Accepted; Timer M absorbs 2xx retransmissions.
          this.stopTimer('A');
          this.stopTimer('B');
          this.transition(TransactionState.Accepted);
          this.startTimer('M', this.context.timers.timerM, () =>
            this.transition(TransactionState.Terminated),
          );
          this.user.onResponse?.(response);
        } else {
          // RFC 3261 17.1.1.2: 300-699 moves to Completed, the ACK is sent and Timer D started.
          this.stopTimer('A');
          this.stopTimer('B');
          this.ack = buildNonSuccessAck(this.request, response);
          this.transmit(this.ack);
          this.transition(TransactionState.Completed);
          this.user.onResponse?.(response);
          // RFC 3261 17.1.1.2: Timer D is zero on reliable transports, so Completed ends at once.
          if (this.context.timers.timerD === 0) this.transition(TransactionState.Terminated);
          else
            this.startTimer('D', this.context.timers.timerD, () =>
              this.transition(TransactionState.Terminated),
            );
        }
        return;
      case TransactionState.Accepted:
        // RFC 6026 7.2: retransmitted 2xx responses are passed to the TU, which sends the ACK itself.
        if (status >= 200 && status < 300) this.user.onResponse?.(response);
        return;
      case TransactionState.Completed:
        // RFC 3261 17.1.1.2: a retransmitted final response in Completed triggers the ACK again, not the TU.
        if (status >= 300 && this.ack) this.transmit(this.ack);
        return;
      default:
        return;
    }
  }

  private onTimerA(): void {
    if (this.state !== TransactionState.Calling) return;
    // RFC 3261 17.1.1.2: retransmit and double the interval (no T2 cap for INVITE).
    this.transmit(this.request);
    this.retransmitInterval *= 2;
    this.startTimer('A', this.retransmitInterval, () => this.onTimerA());
  }

  private onTimerB(): void {
    if (this.state !== TransactionState.Calling) return;
    // RFC 3261 17.1.1.2: Timer B fires in Calling: inform the TU of the timeout and terminate.
    this.transition(TransactionState.Terminated);
    this.user.onTimeout?.(
      new TransactionTimeoutError(`INVITE ${this.id} timed out (Timer B)`, this.id, 'B'),
    );
  }

  protected onTransportError(error: TransportError): void {
    // RFC 3261 17.1.4: inform the TU and terminate the transaction.
    this.transition(TransactionState.Terminated);
    this.user.onTransportError?.(error);
  }
}
