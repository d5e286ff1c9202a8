export type { Clock, TimerHandle } from './clock.js';
export { ClockError } from './clock-error.js';
export { FakeClock } from './fake-clock.js';
export { SystemClock, systemClock } from './system-clock.js';
export { DEFAULT_TIMER_BASE_VALUES, transactionTimers } from './timer-values.js';
export type { TimerBaseValues, TransactionTimerValues } from './timer-values.js';
