/**
 * `flowspec diff <flow> <capture> [--map FILE] [--format text|json|junit] [--out FILE]`:
 * checks a capture against a flow. Exit 0 when every instance conforms,
 * 1 when any deviates (or none is found), 2 on unusable input.
 */
import { stat, writeFile } from 'node:fs/promises';
import { ingestCapture } from '../capture/index.js';
import { AddressMapError, readAddressMap } from '../conformance/address-map.js';
import { ConformanceChecker } from '../conformance/engine.js';
import { expandFlow } from '../conformance/expected.js';
import { reportJson, reportJunit, reportText, type DiffFormat } from '../conformance/format.js';
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
  const checker = new ConformanceChecker(expected, {
    ...(idle !== undefined ? { idleSeconds: idle } : {}),
    ...(map ? { map } : {}),
    capture: capturePath,
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
  for await (const e of ingest) {
    const o = observedFromIngest(e);
    if (o) checker.push(o);
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
  const text =
    opts.format === 'json'
      ? reportJson(report)
      : opts.format === 'junit'
        ? reportJunit(report)
        : reportText(report, io.isTTY && opts.out === undefined);
  if (opts.out !== undefined) {
    await writeFile(opts.out, text);
    io.err(`wrote ${opts.out}: ${report.verdict}\n`);
  } else io.out(text);
  return report.verdict === 'pass' ? 0 : 1;
}
