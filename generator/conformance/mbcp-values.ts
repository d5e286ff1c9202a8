/**
 * Checking the values of an observed MBCP message against a flow step. A
 * flow draws MBCP messages by kind only; what the kind implies is checked:
 * an Acknowledgement names the subtype of the message it acknowledges (OMA
 * PoC User Plane, MBCP Media Burst Acknowledgement: the "Source subtype" of
 * the message that asked for it), so an Acknowledgement of the MBCP Connect
 * does not pass for the Acknowledgement of the MBCP Disconnect that Figure
 * 19 step B draws.
 */
import { getMbcpSubtypeByKind } from '../../runtime/mbcp/mbcp-subtypes.js';
import { MBCP_ACK_REQUIRED_BIT, type MbcpKind } from '../../runtime/mbcp/mbcp-types.js';
import type { ExpectedFlow, ExpectedMessage } from './expected.js';
import type { ObservedMessage } from './observed.js';
import type { FieldDiff } from './values.js';

/** The MBCP kind an expected message draws ("Media Burst Acknowledgement" is "Acknowledgement"). */
export function mbcpKindOf(m: ExpectedMessage): string | undefined {
  return m.type.protocol === 'mbcp' ? m.type.name.replace(/^Media Burst /, '') : undefined;
}

/** The message each Acknowledgement step acknowledges, per flow (null: none drawn). */
const acknowledgedSteps = new WeakMap<ExpectedMessage, ExpectedMessage | null>();

/**
 * The MBCP message an Acknowledgement step acknowledges: of the MBCP messages before it sent by
 * its receiver to its sender, the latest (the one it is drawn `after`, Figure 19 steps A and B).
 */
export function acknowledgedStep(
  expected: ExpectedFlow,
  m: ExpectedMessage,
): ExpectedMessage | undefined {
  let known = acknowledgedSteps.get(m);
  if (known === undefined) {
    known = null;
    if (mbcpKindOf(m) === 'Acknowledgement') {
      for (const i of expected.before[m.index] ?? []) {
        const b = expected.messages[i];
        if (b === undefined || b.from !== m.to || b.to !== m.from) continue;
        const kind = mbcpKindOf(b);
        if (kind === undefined || kind === 'Acknowledgement') continue;
        // `before` holds every predecessor: the latest in send order is the one acknowledged.
        if (known === null || b.event > known.event) known = b;
      }
    }
    acknowledgedSteps.set(m, known);
  }
  return known ?? undefined;
}

/** The fields of an observed MBCP message that differ from what step `m` implies. */
export function mbcpDiffs(
  expected: ExpectedFlow,
  m: ExpectedMessage,
  o: ObservedMessage,
): FieldDiff[] {
  const mbcp = o.mbcp;
  if (mbcp?.kind !== 'Acknowledgement') return [];
  const acked = acknowledgedStep(expected, m);
  const kind = acked && mbcpKindOf(acked);
  if (kind === undefined) return [];
  const code = getMbcpSubtypeByKind(kind as MbcpKind).code;
  const actual = mbcp.acknowledgedSubtype & ~MBCP_ACK_REQUIRED_BIT;
  if (actual === code) return [];
  return [
    {
      field: 'mbcp.acknowledgedSubtype',
      expected: `${code} (${kind}, step ${acked?.id ?? ''})`,
      actual: String(actual),
    },
  ];
}
