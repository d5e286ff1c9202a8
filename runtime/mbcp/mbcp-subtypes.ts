import { MbcpEncodeError } from './mbcp-errors.js';
import type { MbcpSubtypeSpec } from './mbcp-subtype-spec.js';
import type { MbcpKind } from './mbcp-types.js';
import {
  connect,
  disconnect,
  queueStatusRequest,
  queueStatusResponse,
} from './session-subtypes.js';
import {
  acknowledgement,
  deny,
  granted,
  idle,
  release,
  request,
  revoke,
  taken,
} from './talk-burst-subtypes.js';

export type { MbcpBody, MbcpSubtypeSpec } from './mbcp-subtype-spec.js';

/**
 * The subtype table. Correcting a field layout or a name means editing one
 * entry here; the codec itself only dispatches on it.
 */
export const MBCP_SUBTYPES = [
  request,
  granted,
  taken,
  deny,
  release,
  idle,
  revoke,
  acknowledgement,
  queueStatusRequest,
  queueStatusResponse,
  disconnect,
  connect,
] as const;

const byCode = new Map<number, MbcpSubtypeSpec>(
  MBCP_SUBTYPES.map((s) => [s.code, s as unknown as MbcpSubtypeSpec]),
);
const byKind = new Map<MbcpKind, MbcpSubtypeSpec>(
  MBCP_SUBTYPES.map((s) => [s.kind, s as unknown as MbcpSubtypeSpec]),
);

/** The table entry for a subtype code (without the 0x10 bit), or undefined. */
export function getMbcpSubtype(code: number): MbcpSubtypeSpec | undefined {
  return byCode.get(code);
}

/** The table entry for a message kind; every kind has one. */
export function getMbcpSubtypeByKind<K extends MbcpKind>(kind: K): MbcpSubtypeSpec<K> {
  const spec = byKind.get(kind);
  if (spec === undefined) throw new MbcpEncodeError(kind, 'kind', 'not an MBCP message kind');
  return spec as unknown as MbcpSubtypeSpec<K>;
}
