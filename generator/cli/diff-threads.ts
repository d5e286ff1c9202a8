/**
 * `flowspec diff` over threads: one reads the capture and parses its
 * messages (capture-worker.ts), another runs the conformance engine on what
 * parsed (engine-worker.ts), and a third, meanwhile, checks the request
 * and ends (request-worker.ts), unless the flow is in the cache
 * (flow-cache.ts) and the command's own thread hands it over; that thread
 * reports what the reading found and writes the report. Reading and
 * checking overlap, so a large capture takes about as long as the slower of
 * the two. Batches of messages pass from reader to engine without copying,
 * at most a few ahead, so memory stays bounded whatever the capture's size.
 * Each worker's young generation is sized for what it does: the engine's
 * short-lived objects per message die young in a larger one, the reader's
 * garbage needs little.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { CaptureSummary, CaptureWorkerData, FromCaptureWorker } from './capture-worker.js';
import type { DiffOptions } from './diff-check.js';
import type { EngineWorkerData, FromEngineWorker, ToEngineWorker } from './engine-worker.js';
import { caseFacts } from '../conformance/case-facts.js';
import { checkCaptureFile, checkOptions } from './diff-options.js';
import type { DiffRequest } from './diff-request.js';
import { cachedFlows, flowCache, type FlowCache } from './flow-cache.js';
import type { FromRequestWorker, RequestToEngine, RequestWorkerData } from './request-worker.js';
import { UsageError } from './usage-error.js';
import type { ThreadStop } from './worker-port.js';

/**
 * The workers' scripts once built: each bundled into one module (dist/generator/cli/bundled/,
 * scripts/bundle-workers.mjs), which starts sooner than the modules tsc built, unless tsc built
 * again since (a bundle older than tsc's last build, dist/.tsbuildinfo, may be stale); else the
 * modules tsc built. Undefined when this module runs from its TypeScript source (a test runner),
 * where there are no scripts to start and the command runs in one thread. A build without them is
 * broken, and says so rather than running otherwise.
 */
export function workerScripts(): WorkerScripts | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const lastBuild = statSync(fileURLToPath(new URL('../../.tsbuildinfo', import.meta.url)), {
    throwIfNoEntry: false,
  });
  const script = (name: string): string => {
    const file = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
    const built = statSync(file, { throwIfNoEntry: false });
    if (built === undefined)
      throw new Error(`${file} is missing: build flowspec again (npm run build)`);
    const bundled = fileURLToPath(new URL(`./bundled/${name}.js`, import.meta.url));
    const bundle = statSync(bundled, { throwIfNoEntry: false });
    const fresh = Math.max(built.mtimeMs, lastBuild?.mtimeMs ?? 0);
    return bundle !== undefined && bundle.mtimeMs >= fresh ? bundled : file;
  };
  return {
    capture: script('capture-worker'),
    engine: script('engine-worker'),
    request: script('request-worker'),
  };
}

/** The scripts of the three threads. */
export interface WorkerScripts {
  readonly capture: string;
  readonly engine: string;
  readonly request: string;
}

/** What the command was asked. */
export interface DiffCommandRequest {
  readonly flowPath: string;
  readonly capture: string;
  readonly options: DiffOptions;
  /** Standard output is a terminal. */
  readonly tty: boolean;
}

/** Where the report's pieces go. */
export interface ReportSink {
  write(chunk: string | Uint8Array): void;
}

/** A check as the command runs it: in two threads (built) or in its own (from the sources). */
export interface DiffRun {
  /**
   * Checks the flow, the file, the map and the options (rejecting with a UsageError at the first
   * that is unusable), then reads the whole capture through the engine; what the reading found
   * besides messages.
   */
  read(): Promise<CaptureSummary>;
  /** The report, written to `sink` piece by piece; the verdict. */
  report(sink: ReportSink): Promise<'pass' | 'fail'>;
  /** Stops the check (after the report, or when the command gives up). */
  close(): Promise<void>;
}

/** The two threads seen from the command. */
export class DiffThreads implements DiffRun {
  private readonly reader: Worker;
  private readonly engine: Worker;
  /** The request's thread, unless the flow came from the cache. */
  private request: Worker | undefined;
  private checked = false;
  private summary: CaptureSummary | undefined;
  private ready = false;
  private verdict: 'pass' | 'fail' | undefined;
  private failure: Error | undefined;
  private waiting: (() => void) | undefined;
  private sink: ReportSink | undefined;

  /**
   * Starts all three at once: reading begins, and the engine's thread loads the engine, while
   * the request's thread checks the request.
   */
  constructor(
    scripts: WorkerScripts,
    command: DiffCommandRequest,
    private readonly onErr: (text: string) => void,
    private readonly onProgress?: (read: number, total: number) => void,
  ) {
    const toReader = new MessageChannel();
    const toRequest = new MessageChannel();
    const cache = flowCache(scripts.request);
    // A flow found in the cache needs no request thread (a map or facts are read here then); a
    // flow not found does. Without the cache, the request's thread first: its work comes before
    // any batch can be checked.
    const cached = cache !== undefined;
    if (!cached) this.startRequest(scripts.request, command, toRequest.port2, cache);
    const engineData: EngineWorkerData = { reader: toReader.port1, request: toRequest.port1 };
    this.engine = new Worker(scripts.engine, {
      workerData: engineData,
      transferList: [toReader.port1, toRequest.port1],
      resourceLimits: { maxYoungGenerationSizeMb: 24 },
    });
    const readerData: CaptureWorkerData = {
      capture: command.capture,
      progress: onProgress !== undefined,
      engine: toReader.port2,
    };
    this.reader = new Worker(scripts.capture, {
      workerData: readerData,
      transferList: [toReader.port2],
      resourceLimits: { maxYoungGenerationSizeMb: 6 },
    });
    this.reader.on('message', (m: FromCaptureWorker) => this.fromReader(m));
    this.engine.on('message', (m: FromEngineWorker) => this.fromEngine(m));
    for (const [w, name] of [
      [this.reader, "the capture's reading thread"],
      [this.engine, "the conformance engine's thread"],
    ] as const) {
      w.on('error', (e: Error) => this.fail(e));
      w.on('exit', (code) => {
        if (this.verdict === undefined) this.fail(new Error(`${name} stopped (exit code ${code})`));
      });
    }
    if (cached)
      this.fromCache(scripts.request, command, toRequest.port2, cache).catch((e: unknown) =>
        this.fail(e instanceof Error ? e : new Error(String(e))),
      );
  }

  /**
   * Hands the engine's thread the flow stored in `cache` (flow-cache.ts) with the options
   * checked here, or starts the request's thread when the flow is not stored. A map or facts are
   * read here too (diff-request-checks.ts, loaded only for them).
   */
  private async fromCache(
    script: string,
    command: DiffCommandRequest,
    engine: MessagePort,
    cache: FlowCache,
  ): Promise<void> {
    const found = await cachedFlows(command.flowPath, cache);
    if (found === undefined) {
      this.startRequest(script, command, engine, cache);
      return;
    }
    const opts = command.options;
    let options;
    if (opts.map !== undefined || (opts.fact ?? []).length > 0) {
      const { checkRequestInputs } = await import('./diff-request-checks.js');
      options = await checkRequestInputs(found.flow, command.capture, opts, command.tty);
    } else {
      await checkCaptureFile(command.capture);
      // No map and no --fact: the case has no facts.
      const facts = caseFacts(new Map(), new Map());
      options = checkOptions(opts, command.capture, command.tty, facts, undefined);
    }
    const request: DiffRequest = { flow: found.flow, flows: found.flows, options };
    engine.postMessage({ type: 'request', request } satisfies RequestToEngine);
    engine.close();
    this.checked = true;
    this.wakeUp();
  }

  /** Starts the request's thread, which checks the request and hands it to `engine`. */
  private startRequest(
    script: string,
    command: DiffCommandRequest,
    engine: MessagePort,
    cache: FlowCache | undefined,
  ): void {
    const requestData: RequestWorkerData = {
      ...command,
      engine,
      ...(cache !== undefined ? { cache } : {}),
    };
    const request = new Worker(script, { workerData: requestData, transferList: [engine] });
    this.request = request;
    request.on('message', (m: FromRequestWorker) => this.fromRequest(m));
    request.on('error', (e: Error) => this.fail(e));
    // It ends once it has answered; before that, it failed.
    request.on('exit', (code) => {
      if (!this.checked) this.fail(new Error(`the request's thread stopped (exit code ${code})`));
    });
  }

  private fromReader(m: FromCaptureWorker): void {
    if (m.type === 'progress') {
      this.onProgress?.(m.read, m.total);
      return;
    }
    if (m.type === 'end') this.summary = m.summary;
    else this.fail(rebuilt(m));
    this.wakeUp();
  }

  private fromRequest(m: FromRequestWorker): void {
    switch (m.type) {
      case 'err':
        this.onErr(m.text);
        return;
      case 'checked':
        this.checked = true;
        break;
      default:
        this.stopped(m);
    }
    this.wakeUp();
  }

  private fromEngine(m: FromEngineWorker): void {
    switch (m.type) {
      case 'prepared':
        this.ready = true;
        break;
      case 'chunk':
        this.sink?.write(m.chunk);
        this.toEngine({ type: 'more' });
        return;
      case 'done':
        this.verdict = m.verdict;
        break;
      default:
        this.stopped(m);
    }
    this.wakeUp();
  }

  private toEngine(m: ToEngineWorker): void {
    this.engine.postMessage(m);
  }

  /** A thread stopped: unusable input is a UsageError (exit 2), a failure its own error. */
  private stopped(m: ThreadStop): void {
    this.fail(m.type === 'usage' ? new UsageError(m.message) : rebuilt(m));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  /** Resolves once `done` holds; rejects as soon as a thread failed. */
  private async until(done: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (done()) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** What the reading found besides messages, once the capture was read whole and checked. */
  async read(): Promise<CaptureSummary> {
    // The request's thread checks the flow, the file, the map and the options first: a usable
    // request is reported before what the reading found, and an unusable one instead of it.
    await this.until(() => this.checked && this.ready);
    await this.until(() => this.summary !== undefined);
    return this.summary as CaptureSummary;
  }

  async report(sink: ReportSink): Promise<'pass' | 'fail'> {
    this.sink = sink;
    this.toEngine({ type: 'report' });
    await this.until(() => this.verdict !== undefined);
    return this.verdict as 'pass' | 'fail';
  }

  async close(): Promise<void> {
    await Promise.all([
      this.reader.terminate(),
      this.engine.terminate(),
      this.request?.terminate(),
    ]);
  }
}

/** An error a thread reported, as an error of this one. */
function rebuilt(m: { readonly message: string; readonly stack?: string }): Error {
  const e = new Error(m.message);
  if (m.stack !== undefined) e.stack = m.stack;
  return e;
}
