/**
 * Bounded polling: the readiness probes of the harness ask a question until
 * it is answered or a deadline passes, never sleep blindly and never loop
 * without a limit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { InteropError } from './interop-error.js';

/** How long to poll and what for. */
export interface PollOptions {
  /** What is awaited, for the error: "kamailio answers OPTIONS". */
  readonly what: string;
  readonly peer: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Output of the peer, attached to the timeout error. */
  readonly log?: () => string;
}

/**
 * Calls `probe` until it returns a value other than undefined; throws a
 * timeout InteropError when `timeoutMs` has passed (at most
 * timeoutMs / intervalMs + 1 attempts).
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: PollOptions,
): Promise<T> {
  const interval = options.intervalMs ?? 50;
  const attempts = Math.ceil(options.timeoutMs / interval) + 1;
  const deadline = Date.now() + options.timeoutMs;
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) break;
    await sleep(interval);
  }
  throw new InteropError(
    'timeout',
    options.peer,
    `not ${options.what} within ${options.timeoutMs} ms`,
    options.log?.() ?? '',
  );
}
