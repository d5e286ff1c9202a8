/**
 * Which `flowspec diff` findings a lossy, reordering network explains. The
 * engine orders the steps a participant sends as the flow draws them; a
 * proxy or B2BUA relays each transaction on its own (RFC 3261 16, 17), so
 * when the network reorders or loses the messages that trigger two of its
 * sends in different dialogs, it sends them in the other order, correctly.
 * Such a finding (a step and the step it "should come after" in different
 * dialogs) is what the network explains; everything else (a step missing, a
 * field mismatching, an unexpected message, an order inverted inside one
 * dialog) is a deviation.
 */
import type {
  ConformanceReport,
  InstanceReport,
  StepReport,
} from '../../../generator/conformance/index.js';
import { diffFindings } from '../diff-findings.js';
import type { TsharkSip } from '../harness/index.js';

/** Whether `step` is out of order only against a step of another dialog (Call-ID). */
function acrossDialogs(
  step: StepReport,
  instance: InstanceReport,
  callIdOf: ReadonlyMap<number, string>,
): boolean {
  if (step.status !== 'out-of-order' || step.frame === null || step.violates === null) return false;
  const earlier = instance.steps.find((s) => s.id === step.violates);
  if (!earlier || earlier.frame === null) return false;
  const a = callIdOf.get(step.frame);
  const b = callIdOf.get(earlier.frame);
  return a !== undefined && b !== undefined && a !== b;
}

/** The capture's Call-ID by frame (tshark). */
export function callIdsByFrame(wire: readonly TsharkSip[]): Map<number, string> {
  return new Map(wire.map((m) => [m.frame, m.callId]));
}

/** Instances whose ordering findings all are across dialogs (the network's doing). */
export function reorderedAcrossDialogs(
  report: ConformanceReport,
  callIdOf: ReadonlyMap<number, string>,
): number {
  return report.instances.filter((i) => i.steps.some((s) => acrossDialogs(s, i, callIdOf))).length;
}

/** The report's findings (diffFindings lines) that the network does not explain. */
export function unexplainedFindings(
  report: ConformanceReport,
  callIdOf: ReadonlyMap<number, string>,
): string[] {
  return report.instances.flatMap((instance) =>
    diffFindings({
      ...report,
      instances: [
        { ...instance, steps: instance.steps.filter((s) => !acrossDialogs(s, instance, callIdOf)) },
      ],
    }),
  );
}
