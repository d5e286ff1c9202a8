/**
 * What both threads of `flowspec diff` (capture-worker.ts, engine-worker.ts) need of their ports:
 * messages awaited in order of arrival, and an error sent back as data the command's thread
 * rebuilds (diff-threads.ts).
 */
import type { MessagePort } from 'node:worker_threads';
import { UsageError } from './usage-error.js';

/** Messages in order of arrival, from one source. */
export class Inbox<T> {
  private readonly queue: T[] = [];
  private wake: (() => void) | undefined;

  constructor(source: MessagePort) {
    source.on('message', (m: T) => {
      this.queue.push(m);
      const w = this.wake;
      this.wake = undefined;
      w?.();
    });
  }

  /** The next message, waiting for it if none arrived yet. */
  async next(): Promise<T> {
    for (;;) {
      const m = this.queue.shift();
      if (m !== undefined) return m;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** A thread's failure as a message: what the command reports, and its stack when there is one. */
export function failureOf(e: unknown): {
  readonly type: 'failed';
  readonly message: string;
  readonly stack?: string;
} {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'failed', message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
}

/** Why a thread that checks what the command was given stopped: unusable input (exit 2), or a failure. */
export type ThreadStop =
  { readonly type: 'usage'; readonly message: string } | ReturnType<typeof failureOf>;

/** What a thread that can find the command's input unusable (a UsageError) sends when it stops. */
export function stopOf(e: unknown): ThreadStop {
  return e instanceof UsageError ? { type: 'usage', message: e.message } : failureOf(e);
}
