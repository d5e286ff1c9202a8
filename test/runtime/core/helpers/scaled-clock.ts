import type { Clock, TimerHandle } from '../../../../runtime/sip/timers/index.js';

/**
 * A real clock that runs `factor` times faster: every RFC 3261 17 timer keeps
 * its ratio to T1, including Timer D's 32 s floor (which a smaller T1 alone
 * would not shorten), so leak checks end within a second or two. Timers fire
 * on Node's event loop like the system clock's.
 */
export class ScaledClock implements Clock {
  constructor(readonly factor: number) {}

  now(): number {
    return performance.now() * this.factor;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const handle = setTimeout(callback, Math.max(0, delayMs / this.factor));
    return { cancel: () => clearTimeout(handle) };
  }
}

/** Default timers (T1 500 ms, T2 4 s, T4 5 s) 40 times faster: 64*T1 and Timer D take 0.8 s. */
export const FAST_CLOCK = new ScaledClock(40);
