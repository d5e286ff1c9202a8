/**
 * `flowspec diff <flow> <capture> [--map FILE] [--format text|json|junit] [--out FILE]`:
 * checks a capture against a flow. Exit 0 when every instance conforms,
 * 1 when any deviates (or none is found), 2 on unusable input.
 */
import { closeSync, openSync, statSync, writevSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { CaptureSummary } from './capture-worker.js';
import type { DiffCheck, DiffOptions } from './diff-check.js';
import { DiffThreads, workerScripts, type DiffRun, type ReportSink } from './diff-threads.js';
import { UsageError } from './usage-error.js';

export type { DiffOptions };

interface Io {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
  errIsTTY?: boolean;
}

/** Runs the diff; returns the exit code. */
export async function runDiff(
  flowPath: string,
  capturePath: string,
  opts: DiffOptions,
  io: Io,
): Promise<number> {
  // The engine keeps little per open instance, but every message it sees leaves some garbage
  // behind in the old generation (instances live for thousands of messages), and V8 lets the heap
  // grow to several times what is live before collecting it: on a 1 GB capture the process then
  // peaks at about 200 MB resident. A heap at most doubled between full collections peaks at about
  // 165 MB there, and 155 MB on the benchmark's capture (docs/benchmarks.md); grown by at most 20%,
  // it took about 5% longer for 5 MB less.
  setFlagsFromString('--heap-growing-percent=100');
  const progress = new ReadProgress(capturePath, io);
  // Built, the capture is read in one thread and checked in another (diff-threads.ts), both
  // started now with a third that checks the request meanwhile: reading begins, and the engine's
  // thread loads the engine, while the flow is validated. From the TypeScript sources (a test
  // runner) everything runs in this thread.
  const scripts = workerScripts();
  const run: DiffRun = scripts
    ? new DiffThreads(
        scripts,
        { flowPath, capture: capturePath, options: opts, tty: io.isTTY },
        (text) => io.err(text),
        progress.shown ? (read, total) => progress.show(read, total) : undefined,
      )
    : new InThreadDiff(flowPath, capturePath, opts, io, progress);
  const output = new ReportOutput(opts.out, io);
  try {
    const found = await run.read();
    progress.clear();
    if (found.counts.captureErrors > 0 && found.stats.packets === 0) {
      const f = found.findings.find((x) => x.kind === 'capture-error');
      throw new UsageError(`${capturePath}: ${f?.reason ?? 'not a capture'}`);
    }
    for (const f of found.findings.slice(0, 20)) {
      io.err(`${capturePath}: frame ${f.frame ?? '?'}: ${f.kind}: ${f.reason}\n`);
    }
    const verdict = await run.report(output);
    output.close();
    if (opts.out !== undefined) io.err(`wrote ${opts.out}: ${verdict}\n`);
    return verdict === 'pass' ? 0 : 1;
  } finally {
    output.release();
    await run.close();
  }
}

/** The check in the command's own thread (run from the TypeScript sources, as tests do). */
class InThreadDiff implements DiffRun {
  private check: DiffCheck | undefined;

  constructor(
    private readonly flowPath: string,
    private readonly capturePath: string,
    private readonly opts: DiffOptions,
    private readonly io: Io,
    private readonly progress: ReadProgress,
  ) {}

  async read(): Promise<CaptureSummary> {
    // Imported here: the command's thread of a built CLI loads none of the engine, the reader
    // nor the flow's validation, and starts the threads sooner.
    const [
      { DiffCheck, expandRequest },
      { prepareRequest },
      { ingestCapture },
      { observedFromIngest },
    ] = await Promise.all([
      import('./diff-check.js'),
      import('./diff-request.js'),
      import('../capture/index.js'),
      import('../conformance/observed.js'),
    ]);
    const request = await prepareRequest(
      this.flowPath,
      this.capturePath,
      this.opts,
      this.io.isTTY,
      (s) => this.io.err(s),
    );
    const check = (this.check = new DiffCheck(expandRequest(request), request.options));
    const progress = this.progress;
    const ingest = ingestCapture(this.capturePath, {
      ...(progress.shown ? { onProgress: (r: number, t: number) => progress.show(r, t) } : {}),
    });
    for await (const batch of ingest.batches()) {
      for (const e of batch) {
        const o = observedFromIngest(e);
        if (o) check.push(o);
      }
    }
    return ingest;
  }

  report(sink: ReportSink): Promise<'pass' | 'fail'> {
    const outcome = (this.check as DiffCheck).finish();
    for (const chunk of outcome.chunks) sink.write(chunk);
    return Promise.resolve(outcome.verdict);
  }

  close(): Promise<void> {
    this.check?.dispose();
    return Promise.resolve();
  }
}

/** "reading FILE: N%" on a terminal, for captures over 8 MiB, at most five times a second. */
class ReadProgress {
  readonly shown: boolean;
  private lastShown = 0;

  constructor(
    private readonly capture: string,
    private readonly io: Io,
  ) {
    let size = 0;
    try {
      size = statSync(capture).size;
    } catch {
      // No such file: the command says so once the flow is loaded.
    }
    this.shown = io.errIsTTY === true && size > 8 * 2 ** 20;
  }

  show(read: number, total: number): void {
    const now = Date.now();
    if (!this.shown || now - this.lastShown < 200) return;
    this.lastShown = now;
    this.io.err(
      `\rreading ${this.capture}: ${((100 * read) / Math.max(1, total)).toFixed(0)}% (${(read / 2 ** 20).toFixed(0)} of ${(total / 2 ** 20).toFixed(0)} MiB)`,
    );
  }

  clear(): void {
    if (this.shown) this.io.err('\r\u001b[K');
  }
}

/**
 * Where the report goes: the terminal (or the caller's `out`), or a file written in writes of
 * about a megabyte.
 */
class ReportOutput {
  private fd: number | undefined;
  private closed = false;
  private batch: Uint8Array[] = [];
  private length = 0;

  constructor(
    private readonly file: string | undefined,
    private readonly io: Io,
  ) {}

  write(chunk: string | Uint8Array): void {
    if (this.file === undefined) {
      this.io.out(typeof chunk === 'string' ? chunk : utf8.decode(chunk));
      return;
    }
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.file, 'w');
      } catch (e) {
        throw new UsageError(`cannot write ${this.file}: ${(e as Error).message}`);
      }
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.batch.push(bytes);
    this.length += bytes.length;
    if (this.length >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.length === 0 || this.fd === undefined) return;
    let written = writevSync(this.fd, this.batch);
    // A short write leaves the rest of the batch to write again.
    while (written < this.length) {
      const rest = Buffer.concat(this.batch).subarray(written);
      written += writevSync(this.fd, [rest]);
    }
    this.batch = [];
    this.length = 0;
  }

  /** Closes the file if it is open, writing nothing more (the command failed). */
  release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.closed = true;
  }

  /** Writes what is left and closes the file (an empty report still creates it). */
  close(): void {
    if (this.file === undefined || this.closed) return;
    this.closed = true;
    if (this.fd === undefined && this.length === 0 && this.batch.length === 0) {
      // Nothing was written: the file is still created, as before any report existed.
      try {
        this.fd = openSync(this.file, 'w');
      } catch (e) {
        throw new UsageError(`cannot write ${this.file}: ${(e as Error).message}`);
      }
    }
    try {
      this.flush();
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

const utf8 = new TextDecoder();
