import { describe, expect, it } from 'vitest';
import {
  ClockError,
  FakeClock,
  SystemClock,
  transactionTimers,
} from '../../../../runtime/sip/timers/index.js';

describe('FakeClock', () => {
  it('fires timers in due order, including ones scheduled by callbacks', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(100, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(100, () => fired.push(`b@${clock.now()}`));
    });
    clock.advance(250);
    expect(fired).toEqual(['a@100', 'b@200']);
    expect(clock.now()).toBe(250);
    expect(clock.nextDueIn()).toBe(50);
    clock.advance(50);
    expect(fired).toEqual(['a@100', 'b@200', 'c@300']);
    expect(clock.pendingCount()).toBe(0);
  });

  it('does not fire a cancelled timer and refuses to go backwards', () => {
    const clock = new FakeClock(1000);
    let fired = false;
    const handle = clock.setTimer(10, () => (fired = true));
    handle.cancel();
    clock.advance(20);
    expect(fired).toBe(false);
    expect(() => clock.advance(-1)).toThrow(ClockError);
  });

  it('advanceToNext jumps exactly to the next due timer', () => {
    const clock = new FakeClock();
    clock.setTimer(70, () => undefined);
    expect(clock.advanceToNext()).toBe(70);
    expect(clock.advanceToNext()).toBeUndefined();
  });
});

describe('SystemClock', () => {
  it('runs a real timer', async () => {
    const clock = new SystemClock();
    const start = clock.now();
    await new Promise<void>((resolve) => clock.setTimer(5, resolve));
    expect(clock.now()).toBeGreaterThan(start);
  });
});

describe('transactionTimers', () => {
  it('derives RFC 3261 table 4 values from T1, T2, T4', () => {
    const udp = transactionTimers({ t1: 500, t2: 4000, t4: 5000 }, false);
    expect(udp).toMatchObject({
      timerA: 500,
      timerB: 32_000,
      timerD: 32_000,
      timerE: 500,
      timerF: 32_000,
    });
    expect(udp).toMatchObject({
      timerG: 500,
      timerH: 32_000,
      timerI: 5000,
      timerJ: 32_000,
      timerK: 5000,
    });
    expect(udp).toMatchObject({ timerL: 32_000, timerM: 32_000 });
    const tcp = transactionTimers({ t1: 100, t2: 400, t4: 1000 }, true);
    expect(tcp).toMatchObject({
      timerB: 6400,
      timerD: 0,
      timerI: 0,
      timerJ: 0,
      timerK: 0,
      timerL: 6400,
    });
  });
});
