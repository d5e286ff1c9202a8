/**
 * RFC 3261 13.3.1.4: the UAS core, not the transaction, makes a 2xx to an
 * INVITE reliable. One retransmitter per dialog, stopped by the ACK, by a
 * BYE, or by a newer 2xx in the same dialog (a re-INVITE).
 */
import type { Dialog } from '../sip/dialog/index.js';
import type { SipResponse } from '../sip/message/index.js';
import { SuccessRetransmitter } from '../sip/transaction/index.js';
import type { InviteServerTransaction } from '../sip/transaction/index.js';
import type { Clock, TimerBaseValues } from '../sip/timers/index.js';

/** Sends 2xx responses to INVITEs and retransmits them until their ACK. */
export class InviteSuccessSender {
  private readonly retransmitters = new Map<string, SuccessRetransmitter>();

  constructor(
    private readonly clock: Clock,
    private readonly base: TimerBaseValues,
    /** RFC 3261 13.3.1.4: no ACK within 64*T1; the UAS SHOULD then end the session with BYE. */
    private readonly onNoAck: (dialog: Dialog) => void,
  ) {}

  /** Passes the 2xx to the transaction and starts its retransmissions. */
  send(transaction: InviteServerTransaction, dialog: Dialog, response: SipResponse): void {
    const key = dialog.key;
    this.retransmitters.get(key)?.acknowledge();
    const retransmitter = new SuccessRetransmitter(
      transaction,
      response,
      this.clock,
      this.base,
      (outcome) => {
        if (this.retransmitters.get(key) === retransmitter) this.retransmitters.delete(key);
        if (outcome === 'timed-out' && dialog.hasInviteUsage) this.onNoAck(dialog);
      },
    );
    this.retransmitters.set(key, retransmitter);
    retransmitter.start();
  }

  /** RFC 3261 13.3.1.4: the ACK (or the end of the session) stops the retransmissions. */
  acknowledge(dialog: Dialog): void {
    this.retransmitters.get(dialog.key)?.acknowledge();
  }

  /** Stops every retransmitter (shutdown). */
  stopAll(): void {
    for (const retransmitter of [...this.retransmitters.values()]) retransmitter.acknowledge();
  }
}
