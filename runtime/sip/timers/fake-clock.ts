import type { Clock, TimerHandle } from './clock.js';
import { ClockError } from './clock-error.js';

interface PendingTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A controllable clock for tests: time moves only when {@link FakeClock.advance}
 * is called, and due timers fire in order of due time (then of scheduling).
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  /** @param start the initial value of {@link FakeClock.now}. */
  constructor(start = 0) {
    this.current = start;
  }

  /** The current fake time in milliseconds. */
  now(): number {
    return this.current;
  }

  /** Schedules `callback` at `now() + delayMs`. */
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    if (!Number.isFinite(delayMs))
      throw new ClockError(`timer delay must be finite, got ${delayMs}`);
    const timer: PendingTimer = {
      id: this.nextId++,
      due: this.current + Math.max(0, delayMs),
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way,
   * including timers scheduled by the callbacks themselves.
   */
  advance(ms: number): void {
    if (ms < 0 || !Number.isFinite(ms)) throw new ClockError(`cannot advance by ${ms} ms`);
    const target = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.due;
      next.callback();
    }
    this.current = target;
  }

  /** Advances exactly to the next due timer and fires it (and any due at the same instant). */
  advanceToNext(): number | undefined {
    const next = this.earliest();
    if (!next) return undefined;
    this.advance(next.due - this.current);
    return this.current;
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pendingCount(): number {
    return this.timers.length;
  }

  /** Milliseconds until the next timer is due, or undefined when none is pending. */
  nextDueIn(): number | undefined {
    const next = this.earliest();
    return next ? next.due - this.current : undefined;
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.cancelled) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }
}
