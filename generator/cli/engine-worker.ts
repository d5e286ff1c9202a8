/**
 * The engine's thread of `flowspec diff` (see diff-threads.ts): loads the
 * engine while the request's thread checks the request (request-worker.ts)
 * and the reading thread starts, expands the flow it is given, checks the
 * batches the reading thread hands over, and once the command has reported
 * what the reading found, hands the report's pieces to the command's thread
 * a megabyte at a time, each group once the previous one was written.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { WireBatchReader } from '../conformance/wire-batch.js';
import type { CaptureToEngine, ToCaptureWorker } from './capture-worker.js';
import { DiffCheck, expandRequest } from './diff-check.js';
import type { RequestToEngine } from './request-worker.js';
import { Inbox, stopOf, type ThreadStop } from './worker-port.js';

/** What the command's thread gives the engine's thread when it starts. */
export interface EngineWorkerData {
  /** The reading thread. */
  readonly reader: MessagePort;
  /** The request's thread: the request comes from there. */
  readonly request: MessagePort;
}

/**
 * Messages from the command's thread to the engine's thread: the report asked for, then each
 * further group of it once the last was written.
 */
export type ToEngineWorker = { readonly type: 'report' } | { readonly type: 'more' };

/** Messages from the engine's thread to the command's thread. */
export type FromEngineWorker =
  | { readonly type: 'prepared' }
  | { readonly type: 'chunk'; readonly chunk: Uint8Array }
  | { readonly type: 'done'; readonly verdict: 'pass' | 'fail' }
  | ThreadStop;

/** Bytes of report handed over at a time. */
const CHUNK_GROUP = 1 << 20;

if (parentPort === null) throw new Error('engine-worker runs as a worker thread');
const port = parentPort;
const data = workerData as EngineWorkerData;

const fromCommand = new Inbox<ToEngineWorker>(port);
const fromReader = new Inbox<CaptureToEngine>(data.reader);

async function run(): Promise<void> {
  const { request } = await new Inbox<RequestToEngine>(data.request).next();
  data.request.close();
  const check = new DiffCheck(expandRequest(request), request.options);
  port.postMessage({ type: 'prepared' } satisfies FromEngineWorker);
  try {
    const reader = new WireBatchReader();
    for (let m = await fromReader.next(); m.type === 'batch'; m = await fromReader.next()) {
      for (const o of reader.messages(m.batch)) check.push(o);
      data.reader.postMessage({ type: 'taken' } satisfies ToCaptureWorker);
    }
    // The command reports what the reading found first, then asks for the report.
    while ((await fromCommand.next()).type !== 'report');
    const outcome = check.finish();
    let group: Uint8Array[] = [];
    let size = 0;
    // One buffer per group, handed over: a piece that is a view of a larger buffer would
    // otherwise be copied with the whole of it.
    const hand = (): void => {
      const joined = Buffer.concat(group, size);
      const chunk = new Uint8Array(joined.buffer, joined.byteOffset, joined.length);
      const own = joined.byteOffset === 0 && joined.length === joined.buffer.byteLength;
      port.postMessage(
        { type: 'chunk', chunk } satisfies FromEngineWorker,
        own ? [joined.buffer] : [],
      );
      group = [];
      size = 0;
    };
    for (const piece of outcome.chunks) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
      group.push(bytes);
      size += bytes.length;
      if (size < CHUNK_GROUP) continue;
      hand();
      // The next group once this one is written: the report never piles up in memory.
      while ((await fromCommand.next()).type !== 'more');
    }
    if (size > 0) hand();
    port.postMessage({ type: 'done', verdict: outcome.verdict } satisfies FromEngineWorker);
  } finally {
    check.dispose();
  }
}

run().catch((e: unknown) => port.postMessage(stopOf(e) satisfies FromEngineWorker));
