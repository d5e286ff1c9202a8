/** Misuse of a clock, such as advancing a fake clock backwards. */
export class ClockError extends Error {
  override readonly name = 'ClockError';
}
