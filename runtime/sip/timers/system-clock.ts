import type { Clock, TimerHandle } from './clock.js';

/** The real clock: `performance.now()` and Node's timers. */
export class SystemClock implements Clock {
  /** Monotonic milliseconds. */
  now(): number {
    return performance.now();
  }

  /** Schedules `callback` with Node's `setTimeout`. */
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  }
}

/** One shared system clock; it holds no state of its own. */
export const systemClock: Clock = new SystemClock();
