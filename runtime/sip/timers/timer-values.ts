/**
 * RFC 3261 17 timer values (table 4 of RFC 3261 Appendix A) and the RFC 6026
 * additions, derived from the configurable base values T1, T2 and T4.
 */

/** Base timer values in milliseconds. */
export interface TimerBaseValues {
  /** RTT estimate, default 500 ms. */
  readonly t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2: number;
  /** Maximum duration a message will remain in the network, default 5 s. */
  readonly t4: number;
  /**
   * Timer D over unreliable transports. RFC 3261 17.1.1.2 asks for at least 32 s (the
   * default, or 64*T1 when larger); a lower value suits only a network that cannot hold a
   * response back that long, such as loopback tests.
   */
  readonly timerD?: number;
}

/** RFC 3261 17.1.1.1: the recommended defaults. */
export const DEFAULT_TIMER_BASE_VALUES: TimerBaseValues = { t1: 500, t2: 4000, t4: 5000 };

/** Every transaction timer in milliseconds, for one transport reliability. */
export interface TransactionTimerValues {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  /** INVITE request retransmit interval (initial), UDP only. */
  readonly timerA: number;
  /** INVITE transaction timeout. */
  readonly timerB: number;
  /** Wait time for response retransmits in the INVITE client Completed state. */
  readonly timerD: number;
  /** Non-INVITE request retransmit interval (initial), UDP only. */
  readonly timerE: number;
  /** Non-INVITE transaction timeout. */
  readonly timerF: number;
  /** INVITE response retransmit interval (initial), UDP only. */
  readonly timerG: number;
  /** Wait time for ACK receipt. */
  readonly timerH: number;
  /** Wait time for ACK retransmits. */
  readonly timerI: number;
  /** Wait time for non-INVITE request retransmits. */
  readonly timerJ: number;
  /** Wait time for response retransmits in the non-INVITE client Completed state. */
  readonly timerK: number;
  /** RFC 6026: wait time for accepted INVITE request retransmits (server Accepted). */
  readonly timerL: number;
  /** RFC 6026: wait time for retransmission of 2xx to INVITE (client Accepted). */
  readonly timerM: number;
}

/**
 * Derives all timers from the base values. `reliable` is true for TCP, where
 * the wait-for-retransmission timers D, I, J and K are zero (RFC 3261 17).
 */
export function transactionTimers(
  base: TimerBaseValues = DEFAULT_TIMER_BASE_VALUES,
  reliable = false,
): TransactionTimerValues {
  const { t1, t2, t4 } = base;
  return {
    t1,
    t2,
    t4,
    timerA: t1,
    timerB: 64 * t1,
    // RFC 3261 17.1.1.2: Timer D is at least 32 s for unreliable transports, 0 s for reliable ones.
    timerD: reliable ? 0 : (base.timerD ?? Math.max(32_000, 64 * t1)),
    timerE: t1,
    timerF: 64 * t1,
    timerG: t1,
    timerH: 64 * t1,
    timerI: reliable ? 0 : t4,
    timerJ: reliable ? 0 : 64 * t1,
    timerK: reliable ? 0 : t4,
    timerL: 64 * t1,
    timerM: 64 * t1,
  };
}
