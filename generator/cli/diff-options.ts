/**
 * The parts of `flowspec diff`'s request that need no flow loaded: the
 * capture file checked, `--idle` read, the engine's options put together.
 * Used by the request's thread (diff-request.ts) and, when the flow comes
 * from the cache (flow-cache.ts), by the command's thread, which loads none
 * of the flow loader for it.
 */
import { stat } from 'node:fs/promises';
import type { FactReport } from '../conformance/report.js';
import type { AddressSpec } from '../conformance/address-map.js';
import type { FactValue } from '../conformance/value-requirements.js';
import type { DiffCheckOptions, DiffOptions } from './diff-check.js';
import { UsageError } from './usage-error.js';

/** Throws {@link UsageError} unless `capturePath` is a file. */
export async function checkCaptureFile(capturePath: string): Promise<void> {
  try {
    const st = await stat(capturePath);
    if (!st.isFile()) throw new UsageError(`${capturePath} is not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${capturePath}: no such file`);
  }
}

/**
 * The engine's options; throws {@link UsageError} for an `--idle` that is no number above 0 or an
 * `--in-flight` that is no whole number above 0.
 */
export function checkOptions(
  opts: DiffOptions,
  capturePath: string,
  tty: boolean,
  facts: { readonly facts: Map<string, FactValue>; readonly report: Record<string, FactReport> },
  map: ReadonlyMap<string, readonly AddressSpec[]> | undefined,
): DiffCheckOptions {
  const idle = opts.idle === undefined ? undefined : Number(opts.idle);
  if (idle !== undefined && !(idle > 0))
    throw new UsageError(`--idle takes a number of seconds above 0, not ${opts.idle}`);
  const inFlight = opts.inFlight === undefined ? undefined : Number(opts.inFlight);
  if (inFlight !== undefined && !(Number.isInteger(inFlight) && inFlight > 0))
    throw new UsageError(
      `--in-flight takes a whole number of sessions above 0, not ${opts.inFlight}`,
    );
  return {
    ...(idle !== undefined ? { idleSeconds: idle } : {}),
    ...(inFlight !== undefined ? { maxInFlight: inFlight } : {}),
    ...(map ? { map } : {}),
    ...(opts.allInstances ? { allInstances: true } : {}),
    facts: facts.facts,
    factsReport: facts.report,
    format: opts.format,
    capture: capturePath,
    tty: opts.format === 'text' && tty && opts.out === undefined,
  };
}
