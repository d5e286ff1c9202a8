/**
 * What `flowspec diff` checks once it has a valid flow, in the order a user
 * fixes it: the capture file, the map, the `--fact` arguments, the options.
 * The request's thread runs it after loading the flow (diff-request.ts); the
 * command's thread runs it for a flow taken from the cache (flow-cache.ts)
 * when a map or facts come with it, loading the YAML parser and the guard
 * rules for them but none of the flow loader (the schema's validator, the
 * lint).
 */
import { AddressMapError } from '../conformance/address-map.js';
import { caseFacts } from '../conformance/case-facts.js';
import { FactArgumentError, parseFactArguments } from '../conformance/facts.js';
import { readMapFile } from '../conformance/map-file.js';
import type { Flow } from '../model/flow-model.js';
import type { DiffCheckOptions, DiffOptions } from './diff-check.js';
import { checkCaptureFile, checkOptions } from './diff-options.js';
import { UsageError } from './usage-error.js';

/**
 * The engine's options for checking `capturePath` against `flow`; throws {@link UsageError} at
 * the first input that is unusable.
 */
export async function checkRequestInputs(
  flow: Flow,
  capturePath: string,
  opts: DiffOptions,
  tty: boolean,
): Promise<DiffCheckOptions> {
  await checkCaptureFile(capturePath);
  let mapFile;
  try {
    mapFile = opts.map === undefined ? undefined : await readMapFile(opts.map, flow);
  } catch (e) {
    if (e instanceof AddressMapError) throw new UsageError(e.message);
    throw e;
  }
  let fromCommandLine;
  try {
    fromCommandLine = parseFactArguments(opts.fact ?? [], flow);
  } catch (e) {
    if (e instanceof FactArgumentError) throw new UsageError(e.message);
    throw e;
  }
  const facts = caseFacts(mapFile?.facts ?? new Map(), fromCommandLine);
  return checkOptions(opts, capturePath, tty, facts, mapFile?.addresses);
}
