/**
 * What `flowspec diff` was asked, checked in the request's thread: the
 * flow loaded with its neighbours and validated, the capture file, the map
 * and the options. The result is plain data (the flow and the flows it
 * refers to, the check's options), handed to the engine's thread, which
 * meanwhile loads only the engine: loading and validating the flow (the YAML
 * parser, the schema's validator, the lint) no longer comes before the
 * engine's own start-up but beside it (docs/adr/0006).
 */
import { childSteps } from '../load/normalize.js';
import type { Flow, Step } from '../model/flow-model.js';
import type { DiffCheckOptions, DiffOptions } from './diff-check.js';
import { checkRequestInputs } from './diff-request-checks.js';
import { storeFlows, type FlowCache } from './flow-cache.js';
import { loadValidFlow } from './load-valid-flow.js';

/** A usable request: what the engine's thread needs to check the capture. */
export interface DiffRequest {
  /** The flow, validated. */
  readonly flow: Flow;
  /** The flows it refers to (refs within refs too), by id. */
  readonly flows: ReadonlyMap<string, Flow>;
  readonly options: DiffCheckOptions;
}

/**
 * Checks what the command was given, in the order a user fixes it: the flow (loaded with its
 * neighbours and validated; error findings go to `err`), then the capture file, the map, the
 * facts and the options (diff-request-checks.ts). Throws a UsageError at the first that is
 * unusable.
 */
export async function prepareRequest(
  flowPath: string,
  capturePath: string,
  opts: DiffOptions,
  tty: boolean,
  err: (s: string) => void,
  cache?: FlowCache,
): Promise<DiffRequest> {
  const { flow, resolve, sources } = await loadValidFlow(flowPath, { err });
  const flows = referencedFlows(flow, resolve);
  // Stored before the rest is checked: a capture or map a user fixes next finds the flow there.
  if (cache !== undefined) storeFlows(cache, sources, { flow, flows });
  return { flow, flows, options: await checkRequestInputs(flow, capturePath, opts, tty) };
}

/** The flows `flow`'s ref steps name and that resolve, and theirs in turn, by id. */
export function referencedFlows(
  flow: Flow,
  resolve: (id: string) => Flow | undefined,
): Map<string, Flow> {
  const found = new Map<string, Flow>();
  const visit = (steps: readonly Step[]): void => {
    for (const s of steps) {
      if (s.kind === 'ref' && !found.has(s.flow)) {
        const target = resolve(s.flow);
        if (target === undefined) continue;
        found.set(s.flow, target);
        visit(target.steps);
      }
      for (const inner of childSteps(s)) visit(inner);
    }
  };
  visit(flow.steps);
  return found;
}
