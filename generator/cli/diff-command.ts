/**
 * `flowspec diff <flow> <capture> [--map FILE] [--format text|json|junit] [--out FILE]`:
 * checks a capture against a flow. Exit 0 when every instance conforms,
 * 1 when any deviates (or none is found), 2 on unusable input.
 */
import { closeSync, openSync, writevSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { ingestCapture } from '../capture/index.js';
import { AddressMapError, readAddressMap } from '../conformance/address-map.js';
import { ConformanceChecker } from '../conformance/engine.js';
import { expandFlow } from '../conformance/expected.js';
import {
  instanceJsonText,
  reportChunks,
  reportJsonAround,
  type DiffFormat,
} from '../conformance/format.js';
import type { InstanceReport } from '../conformance/report.js';
import { InstanceSpill, InstanceSpillError } from '../conformance/instance-spill.js';
import { observedFromIngest } from '../conformance/observed.js';
import { loadValidFlow } from './load-valid-flow.js';
import { UsageError } from './usage-error.js';

/** Options of the diff command. */
export interface DiffOptions {
  readonly map?: string;
  readonly format: DiffFormat;
  readonly out?: string;
  /** Seconds of capture time after which an unfinished instance is given up. */
  readonly idle?: string;
  /** List every passing instance (default: the first 1000; failing ones are always listed). */
  readonly allInstances?: boolean;
}

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
  const { flow, resolve } = await loadValidFlow(flowPath, io);
  let size: number;
  try {
    const st = await stat(capturePath);
    if (!st.isFile()) throw new UsageError(`${capturePath} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${capturePath}: no such file`);
  }
  let map;
  try {
    map = opts.map === undefined ? undefined : await readAddressMap(opts.map, flow);
  } catch (e) {
    if (e instanceof AddressMapError) throw new UsageError(e.message);
    throw e;
  }

  const expected = expandFlow(flow, resolve);
  const idle = opts.idle === undefined ? undefined : Number(opts.idle);
  if (idle !== undefined && !(idle > 0))
    throw new UsageError(`--idle takes a number of seconds above 0, not ${opts.idle}`);
  // The engine keeps little per open instance, but every message it sees leaves garbage behind in
  // the old generation (instances live for thousands of messages), and V8 lets the heap grow to
  // several times what is live before collecting it. A heap grown by at most 20% between full
  // collections keeps the process under 200 MB resident at the cost of a few more collections.
  setFlagsFromString('--heap-growing-percent=20');
  // Instance reports go to a temporary file as their instances finish: memory stays bounded
  // whatever the capture's size, and the report is written from it piece by piece.
  let spill: InstanceSpill;
  try {
    spill = new InstanceSpill();
  } catch (e) {
    if (e instanceof InstanceSpillError)
      throw new UsageError(`${e.message}; set TMPDIR to a writable directory`);
    throw e;
  }
  try {
    const checker = new ConformanceChecker(expected, {
      ...(idle !== undefined ? { idleSeconds: idle } : {}),
      ...(map ? { map } : {}),
      // Failing instances are always listed; passing ones up to 1000 unless --all-instances.
      ...(opts.allInstances ? {} : { maxPassingListed: 1000 }),
      capture: capturePath,
      // JSON reports are stored as they will be written; the other formats number their
      // instances, so those are stored as data and formatted once their order is known.
      onInstance: (r) =>
        spill.add(r.firstFrame, opts.format === 'json' ? instanceJsonText(r) : JSON.stringify(r)),
    });
    const progress = io.errIsTTY === true && size > 8 * 2 ** 20;
    let lastShown = 0;
    const ingest = ingestCapture(capturePath, {
      ...(progress
        ? {
            onProgress: (read: number, total: number) => {
              const now = Date.now();
              if (now - lastShown < 200) return;
              lastShown = now;
              io.err(
                `\rreading ${capturePath}: ${((100 * read) / Math.max(1, total)).toFixed(0)}% (${(read / 2 ** 20).toFixed(0)} of ${(total / 2 ** 20).toFixed(0)} MiB)`,
              );
            },
          }
        : {}),
    });
    for await (const batch of ingest.batches()) {
      for (const e of batch) {
        const o = observedFromIngest(e);
        if (o) checker.push(o);
      }
    }
    if (progress) io.err('\r\u001b[K');
    if (ingest.counts.captureErrors > 0 && ingest.stats.packets === 0) {
      const f = ingest.findings.find((x) => x.kind === 'capture-error');
      throw new UsageError(`${capturePath}: ${f?.reason ?? 'not a capture'}`);
    }
    for (const f of ingest.findings.slice(0, 20)) {
      io.err(`${capturePath}: frame ${f.frame ?? '?'}: ${f.kind}: ${f.reason}\n`);
    }
    const report = checker.finish();
    const chunks =
      opts.format === 'json'
        ? reportJsonAround(report, spill.ordered())
        : reportChunks(
            opts.format,
            report,
            parsedReports(spill.ordered()),
            opts.format === 'text' && io.isTTY && opts.out === undefined,
          );
    if (opts.out !== undefined) {
      writeChunks(opts.out, chunks);
      io.err(`wrote ${opts.out}: ${report.verdict}\n`);
    } else
      for (const chunk of chunks) io.out(typeof chunk === 'string' ? chunk : utf8.decode(chunk));
    return report.verdict === 'pass' ? 0 : 1;
  } catch (e) {
    // The temporary file could not be written or read back (disk full, removed meanwhile).
    if (e instanceof InstanceSpillError) throw new UsageError(e.message);
    throw e;
  } finally {
    spill.dispose();
  }
}

const utf8 = new TextDecoder();

/** Instance reports stored as JSON, parsed back one at a time. */
function* parsedReports(stored: Iterable<Uint8Array>): Generator<InstanceReport> {
  for (const bytes of stored) yield JSON.parse(utf8.decode(bytes)) as InstanceReport;
}

/** Writes the pieces of a report to `file`, gathered into writes of about a megabyte. */
function writeChunks(file: string, chunks: Iterable<string | Uint8Array>): void {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
  try {
    let batch: Uint8Array[] = [];
    let length = 0;
    const flush = (): void => {
      if (length === 0) return;
      let written = writevSync(fd, batch);
      // A short write leaves the rest of the batch to write again.
      while (written < length) {
        const rest = Buffer.concat(batch).subarray(written);
        written += writevSync(fd, [rest]);
      }
      batch = [];
      length = 0;
    };
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      batch.push(bytes);
      length += bytes.length;
      if (length >= 1 << 20) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
}
