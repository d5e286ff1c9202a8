/**
 * "at the same time": OMA PoC Figure 17 step 6 has the PoC Server send a
 * NOTIFY "and at the same time a SIP BYE request (see step 10)". The draft
 * makes the two exchanges the operands of a `par` fragment: from the step
 * that says so up to the named step, and the named step with every hop that
 * relays or answers it.
 */
import type { StepDocument } from '../model/flow-schema.js';

type Loose = { id?: string; text?: string; relays?: string; answers?: string };

/** Groups the steps that a sentence says run "at the same time" into a par fragment. */
export function groupSameTime(steps: readonly StepDocument[]): StepDocument[] {
  const loose = steps as readonly Loose[];
  const at = loose.findIndex((s) => /at the same time[^(]*\(see step (\w+)\)/i.test(s.text ?? ''));
  if (at < 0) return [...steps];
  const other = /\(see step (\w+)\)/i.exec(loose[at]?.text ?? '')?.[1];
  const start = loose.findIndex((s) => s.id === other);
  if (start <= at) return [...steps];
  // The named step and every hop that relays or answers one of its chain.
  const chain = new Set<string>([other ?? '']);
  let end = start + 1;
  while (end < loose.length) {
    const s = loose[end];
    const link = s?.relays ?? s?.answers;
    if (link === undefined || !chain.has(link) || s?.id === undefined) break;
    chain.add(s.id);
    end++;
  }
  const par = {
    par: [steps.slice(at, start), steps.slice(start, end)],
    label: 'at the same time',
    note: `step ${loose[at]?.id ?? ''} says it runs "at the same time" as step ${other ?? ''}`,
  } as unknown as StepDocument;
  return [...steps.slice(0, at), par, ...steps.slice(end)];
}
