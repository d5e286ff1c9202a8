/**
 * The thread of `flowspec diff` that checks the request (diff-request.ts):
 * it loads and validates the flow, checks the capture file, the map and the
 * options while the reading thread starts reading and the engine's thread
 * loads the engine, hands a usable request straight to the engine's thread,
 * and ends. What it loaded (the YAML parser, the schema's validator, the
 * lint) and the documents it read go with it instead of staying resident in
 * the command's thread for the rest of the run.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { DiffOptions } from './diff-check.js';
import { prepareRequest, type DiffRequest } from './diff-request.js';
import type { FlowCache } from './flow-cache.js';
import { stopOf, type ThreadStop } from './worker-port.js';

/** What the command's thread gives the request's thread. */
export interface RequestWorkerData {
  readonly flowPath: string;
  readonly capture: string;
  readonly options: DiffOptions;
  /** Standard output is a terminal. */
  readonly tty: boolean;
  /** The engine's thread: a usable request goes there. */
  readonly engine: MessagePort;
  /** Where a flow that validated is stored for the next diff (flow-cache.ts); none when off. */
  readonly cache?: FlowCache;
}

/** The request, from the request's thread to the engine's thread. */
export type RequestToEngine = { readonly type: 'request'; readonly request: DiffRequest };

/** Messages from the request's thread to the command's thread. */
export type FromRequestWorker =
  { readonly type: 'err'; readonly text: string } | { readonly type: 'checked' } | ThreadStop;

if (parentPort === null) throw new Error('request-worker runs as a worker thread');
const port = parentPort;
const data = workerData as RequestWorkerData;

async function run(): Promise<void> {
  const request = await prepareRequest(
    data.flowPath,
    data.capture,
    data.options,
    data.tty,
    (text) => port.postMessage({ type: 'err', text } satisfies FromRequestWorker),
    data.cache,
  );
  data.engine.postMessage({ type: 'request', request } satisfies RequestToEngine);
  port.postMessage({ type: 'checked' } satisfies FromRequestWorker);
}

run().catch((e: unknown) => port.postMessage(stopOf(e) satisfies FromRequestWorker));
