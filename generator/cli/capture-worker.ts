/**
 * The reading thread of `flowspec diff` (see diff-threads.ts): reads the
 * capture, parses its messages with the runtime's strict parser (a message
 * that does not parse becomes a finding and goes no further), and hands
 * what parsed to the engine's thread in batches, at most a few ahead of it;
 * what it found besides messages goes to the command's thread at the end.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ingestCapture, type IngestFinding } from '../capture/index.js';
import type { CaptureStats } from '../capture/index.js';
import { WireBatchWriter, transferables, type WireBatch } from '../conformance/wire-batch.js';
import { failureOf, Inbox } from './worker-port.js';

/** What the command's thread gives the reading thread. */
export interface CaptureWorkerData {
  readonly capture: string;
  /** Send `progress` messages (the command shows them on a terminal). */
  readonly progress: boolean;
  /** The engine's thread: batches go there, and it says when it took one. */
  readonly engine: MessagePort;
}

/** Messages from the engine's thread to the reading thread: a batch was checked. */
export type ToCaptureWorker = { readonly type: 'taken' };

/** Messages from the reading thread to the engine's thread. */
export type CaptureToEngine =
  { readonly type: 'batch'; readonly batch: WireBatch } | { readonly type: 'end' };

/** What the reading thread found besides messages, for the report and the exit code. */
export interface CaptureSummary {
  readonly stats: CaptureStats;
  readonly findings: readonly IngestFinding[];
  readonly counts: { parseErrors: number; mbcpErrors: number; captureErrors: number };
}

/** Messages from the reading thread to the command's thread. */
export type FromCaptureWorker =
  | { readonly type: 'progress'; readonly read: number; readonly total: number }
  | { readonly type: 'end'; readonly summary: CaptureSummary }
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string };

/** Batches handed over and not yet checked, at most. */
const IN_FLIGHT = 4;

if (parentPort === null) throw new Error('capture-worker runs as a worker thread');
const port = parentPort;

const data = workerData as CaptureWorkerData;
const engine = data.engine;

/** Batches handed over and not yet counted back as taken (some may be taken already). */
let inFlight = 0;
const taken = new Inbox<ToCaptureWorker>(engine);

async function room(): Promise<void> {
  while (inFlight >= IN_FLIGHT) if ((await taken.next()).type === 'taken') inFlight--;
}

async function run(): Promise<void> {
  const writer = new WireBatchWriter(2048, 1 << 20);
  /** Batches filled while a group of records was decoded, to hand over after it. */
  const filled: WireBatch[] = [];
  const hand = async (batch: WireBatch): Promise<void> => {
    await room();
    inFlight++;
    engine.postMessage({ type: 'batch', batch } satisfies CaptureToEngine, transferables(batch));
  };
  const ingest = ingestCapture(data.capture, {
    // Each message is checked, not built, and written into the batch as it is decoded (no event
    // made): where its parts lie is what the batch carries, and the engine's thread builds the
    // message from that. One that did not parse has its finding, and goes no further.
    layout: writer.layout,
    onMessage: (m) => {
      writer.addFound(m);
      if (writer.full) filled.push(writer.take());
    },
    ...(data.progress
      ? {
          onProgress: (read: number, total: number) =>
            port.postMessage({ type: 'progress', read, total } satisfies FromCaptureWorker),
        }
      : {}),
  });
  // Each group of records decoded yields (no events): the batches it filled are handed over,
  // waiting for room, before the next group is decoded.
  for await (const _ of ingest.batches()) {
    for (const batch of filled.splice(0)) await hand(batch);
  }
  for (const batch of filled.splice(0)) await hand(batch);
  if (writer.size > 0) await hand(writer.take());
  engine.postMessage({ type: 'end' } satisfies CaptureToEngine);
  const summary: CaptureSummary = {
    stats: ingest.stats,
    findings: ingest.findings,
    counts: ingest.counts,
  };
  port.postMessage({ type: 'end', summary } satisfies FromCaptureWorker);
}

run().catch((e: unknown) => port.postMessage(failureOf(e) satisfies FromCaptureWorker));
