/**
 * The facts of a case put together (conformance/facts.ts checks each one): apart from the
 * checks, which load the flow's guard rules, so `flowspec diff`'s command thread can make the
 * facts of a request whose flow it took from the cache (cli/diff-threads.ts) without them.
 */
import type { FactReport } from './report.js';
import type { FactValue } from './value-requirements.js';

/**
 * The facts of a case: a map's `policies:` and the command line's `--fact`, the command line
 * winning; with what the report lists of them (by name, in name order).
 */
export function caseFacts(
  fromMap: ReadonlyMap<string, FactValue>,
  fromCommandLine: ReadonlyMap<string, FactValue>,
): { readonly facts: Map<string, FactValue>; readonly report: Record<string, FactReport> } {
  const all = new Map<string, FactReport>();
  for (const [name, value] of fromMap) all.set(name, { value, source: 'map' });
  for (const [name, value] of fromCommandLine) all.set(name, { value, source: 'command line' });
  const sorted = [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    facts: new Map(sorted.map(([name, f]) => [name, f.value])),
    report: Object.fromEntries(sorted),
  };
}
