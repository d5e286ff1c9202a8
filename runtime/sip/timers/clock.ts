/**
 * The clock abstraction every SIP timer runs on. Transactions never call the
 * global `setTimeout` directly, so tests can drive RFC 3261 17 timers with a
 * {@link FakeClock} and production code with the {@link SystemClock}.
 */

/** A scheduled callback that can be cancelled. */
export interface TimerHandle {
  /** Cancels the timer; calling it after the timer fired is harmless. */
  cancel(): void;
}

/** Source of time and one-shot timers, in milliseconds. */
export interface Clock {
  /** Milliseconds since an arbitrary epoch (monotonic for the system clock). */
  now(): number;
  /** Schedules `callback` once, `delayMs` from now. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}
