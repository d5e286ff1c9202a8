/**
 * The differences a `flowspec diff --format json` report lists, as one line
 * each ("1 mismatch headers.Reason: expected …; got (absent)"), so that a
 * test can compare them with the known list and a doc can quote them.
 */
import type { ConformanceReport } from '../../generator/conformance/index.js';

/** Every deviation of every instance, in report order; `replace` rewrites run-specific text (addresses, tags). */
export function diffFindings(
  report: ConformanceReport,
  replace: (text: string) => string = (t) => t,
): string[] {
  const lines: string[] = [];
  report.instances.forEach((inst, i) => {
    const at = report.instances.length > 1 ? `#${i + 1} ` : '';
    for (const step of inst.steps) {
      if (step.status === 'matched') continue;
      const head = `${at}${step.id} ${step.status}`;
      if (step.diffs.length === 0)
        lines.push(step.violates ? `${head}: should come after ${step.violates}` : head);
      for (const d of step.diffs)
        lines.push(`${head} ${d.field}: expected ${d.expected}; got ${d.actual}`);
    }
    for (const u of inst.unexpected) lines.push(`${at}unexpected: ${u.summary}`);
  });
  return lines.map(replace);
}

/** Retransmissions the report counted over all instances and steps. */
export function retransmissionsCounted(report: ConformanceReport): number {
  return report.instances.reduce(
    (sum, inst) => sum + inst.steps.reduce((s, step) => s + step.retransmissions, 0),
    0,
  );
}
