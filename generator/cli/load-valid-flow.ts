/** Loading the flow a command works on: it must validate, or the command stops with exit 2. */
import { hasErrors } from '../findings/finding.js';
import type { Flow } from '../model/flow-model.js';
import { loadFlowSet, type FlowSet } from '../project/flow-set.js';
import { validateFlow } from '../validate/validate-flow.js';
import { findingsText } from './output.js';
import { UsageError } from './usage-error.js';

/** A flow that validated, and how to find the flows it refers to. */
export interface ValidFlow {
  readonly flow: Flow;
  readonly resolve: (id: string) => Flow | undefined;
  /** The files the flow and its neighbours were read from, with their texts. */
  readonly sources: FlowSet['sources'];
}

/**
 * Loads `flowPath` with its neighbours (for refs and preconditions) and
 * validates it; prints the error findings and throws {@link UsageError} when
 * it does not validate.
 */
export async function loadValidFlow(
  flowPath: string,
  io: { err(s: string): void },
): Promise<ValidFlow> {
  const set = await loadFlowSet([flowPath]);
  const loaded = set.requested[0];
  const flow = loaded?.flow;
  const resolve = (id: string): Flow | undefined => set.index.get(id);
  const problems = loaded ? [...loaded.findings, ...(flow ? validateFlow(flow, resolve) : [])] : [];
  if (!flow || hasErrors(problems)) {
    io.err(
      findingsText(
        problems.filter((f) => f.severity === 'error'),
        1,
        false,
      ),
    );
    throw new UsageError(
      `${flowPath} is not a valid flow; fix it first (flowspec validate ${flowPath})`,
    );
  }
  return { flow, resolve, sources: set.sources };
}
