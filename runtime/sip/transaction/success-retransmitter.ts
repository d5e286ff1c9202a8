import type { SipResponse } from '../message/index.js';
import type { Clock, TimerHandle, TimerBaseValues } from '../timers/index.js';
import type { InviteServerTransaction } from './invite-server-transaction.js';
import { TransactionStateError } from './transaction-errors.js';
import { TransactionState } from './transaction-state.js';

/** What became of a retransmitted 2xx. */
export type SuccessOutcome = 'acknowledged' | 'timed-out' | 'transaction-ended';

/**
 * RFC 3261 13.3.1.4: the UAS core, not the transaction, makes a 2xx to
 * INVITE reliable. It passes the 2xx to the INVITE server transaction (in
 * Accepted, RFC 6026 7.1) at intervals starting at T1 and doubling up to T2
 * until the ACK arrives; after 64*T1 without ACK it gives up, and the
 * session SHOULD then be ended with BYE (reported as 'timed-out'). Besides
 * {@link SuccessRetransmitter.acknowledge} by the core, the transaction's
 * own evidence stops it: the layer matching the ACK, or a BYE of the dialog
 * that overtook a lost ACK (the BYE proves the 2xx arrived), to the 2xx
 * ({@link InviteServerTransaction.onSuccessDelivered}), even once the core
 * has ended the dialog.
 */
export class SuccessRetransmitter {
  private handle: TimerHandle | undefined;
  private giveUp: TimerHandle | undefined;
  private interval: number;
  private finished: SuccessOutcome | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly transaction: InviteServerTransaction,
    private readonly response: SipResponse,
    private readonly clock: Clock,
    private readonly base: TimerBaseValues,
    private readonly onDone: (outcome: SuccessOutcome) => void = () => undefined,
  ) {
    if (response.status < 200 || response.status >= 300) {
      throw new TransactionStateError(
        `a ${response.status} is not a 2xx`,
        transaction.id,
        transaction.state,
      );
    }
    this.interval = base.t1;
  }

  /** The outcome, once there is one. */
  get outcome(): SuccessOutcome | undefined {
    return this.finished;
  }

  /** Sends the 2xx through the transaction and starts the retransmission timer. */
  start(): void {
    this.transaction.respond(this.response);
    // RFC 3261 13.3.1.4: the ACK, or a BYE in the dialog, shows the 2xx arrived.
    this.stopListening = this.transaction.onSuccessDelivered(() => this.finish('acknowledged'));
    // RFC 3261 13.3.1.4: without an ACK for 64*T1, the UAS gives up (and should send BYE).
    this.giveUp = this.clock.setTimer(64 * this.base.t1, () => this.finish('timed-out'));
    this.schedule();
  }

  /** RFC 3261 13.3.1.4: the ACK for the 2xx arrived: retransmissions cease. */
  acknowledge(): void {
    this.finish('acknowledged');
  }

  private schedule(): void {
    this.handle = this.clock.setTimer(this.interval, () => {
      if (this.finished) return;
      if (this.transaction.state !== TransactionState.Accepted) {
        this.finish('transaction-ended');
        return;
      }
      this.transaction.respond(this.response);
      this.interval = Math.min(2 * this.interval, this.base.t2);
      this.schedule();
    });
  }

  private finish(outcome: SuccessOutcome): void {
    if (this.finished) return;
    this.finished = outcome;
    this.handle?.cancel();
    this.giveUp?.cancel();
    this.stopListening?.();
    this.onDone(outcome);
  }
}
