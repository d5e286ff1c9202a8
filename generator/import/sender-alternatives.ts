/**
 * The branches of a procedure by who sent the request it handles (OMA CPM
 * 8.2.2.3 items 4, 5 and 6: the served CPM Client, the other CPM entity, an
 * IWF): in a draft they are the operands of one alt.
 */
import type { StepDocument } from '../model/flow-schema.js';

/** The value of the guard variable `trigger.from` for a sender. */
const TRIGGER_FROM: Readonly<Record<string, string>> = {
  'CPM Client': 'served-client',
  'other CPM entity': 'other-entity',
  IWF: 'iwf',
};

/**
 * Items "If the SIP BYE request was sent by X" are alternatives (OMA CPM
 * 8.2.2.3 4, 5, 6): their steps become the operands of one alt, decided by the
 * procedure's subject, guarded by `trigger.from`.
 */
export function senderAlternatives(
  steps: readonly StepDocument[],
  received: ReadonlyMap<string, { from: string }>,
  self: string,
): StepDocument[] {
  if (received.size < 2) return [...steps];
  const top = (s: StepDocument): string | undefined => {
    const t = ((s as { id?: string }).id ?? '').split('.')[0] ?? '';
    return received.has(t) ? t : undefined;
  };
  const operands = new Map<string, StepDocument[]>();
  const out: StepDocument[] = [];
  for (const s of steps) {
    const t = top(s);
    if (t === undefined) {
      out.push(s);
      continue;
    }
    if (operands.size === 0) out.push({ alt: [] } as unknown as StepDocument);
    operands.set(t, [...(operands.get(t) ?? []), s]);
  }
  const alt = {
    alt: [...operands].map(([t, list]) => {
      const from = received.get(t)?.from ?? '';
      return {
        guard: `trigger.from == '${TRIGGER_FROM[from] ?? from}'`,
        label: `${t}: sent by the ${from}`,
        steps: list,
      };
    }),
    decidedBy: self,
    label: 'who sent the request',
  };
  return out.map((s) => ('alt' in (s as object) ? (alt as unknown as StepDocument) : s));
}
