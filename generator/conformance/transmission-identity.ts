/**
 * The identity of a transmission (RFC 3261 17: a retransmission repeats
 * the top Via branch, the CSeq and the method or status, between the same
 * endpoints), as a 53-bit hash of those parts (recent-keys.ts), compared
 * without a copy of any text. Two transmissions share a hash with a
 * probability of about 2^-53. The engine works it out for a message when it
 * first needs it (instance.ts); `flowspec diff`'s reading thread works it out
 * for each SIP message it lays out (wire-batch.ts), from the same parts with
 * the same code, so the engine's thread, the one a run waits for, does not.
 */
import { branchStart, paramEnd } from './header-scan.js';
import { hashEnd, hashNumber, hashPart, hashStart } from './recent-keys.js';

/** The first part of an identity: what kind of message it is. */
const SIP_REQUEST = 0x73;
const SIP_RESPONSE = 0x72;
const MBCP_PACKET = 0x6d;
const OTHER_PACKET = 0x78;

/** Where the branch of a Via value's first entry lies; start and end 0 when it has none. */
export interface BranchSpan {
  text: string;
  start: number;
  end: number;
}

/** Fills `span` with the branch of `via`, a Via header line's value (RFC 3261 8.1.1.7). */
export function viaBranch(via: string | undefined, span: BranchSpan): BranchSpan {
  span.text = '';
  span.start = 0;
  span.end = 0;
  if (via === undefined) return span;
  const start = branchStart(via);
  if (start >= 0) {
    span.text = via;
    span.start = start;
    span.end = paramEnd(via, start, false);
  }
  return span;
}

/**
 * Begins the identity of a SIP message: its method (a request) or status (a response), the
 * branch of its top Via, its CSeq value. {@link endpoints} ends it.
 */
export function sipParts(
  method: string | undefined,
  status: number,
  branch: BranchSpan,
  cseq: string,
): void {
  hashStart();
  if (method !== undefined) {
    hashNumber(SIP_REQUEST);
    hashPart(method);
  } else {
    hashNumber(SIP_RESPONSE);
    hashNumber(status);
  }
  hashPart(branch.text, branch.start, branch.end);
  hashPart(cseq);
}

/**
 * Begins the identity of a message other than SIP: an MBCP packet by its kind, anything else by
 * its frame (each a transmission of its own), then no branch and no CSeq. {@link endpoints} ends
 * it.
 */
export function packetParts(mbcpKind: string | undefined, frame: number): void {
  hashStart();
  if (mbcpKind !== undefined) {
    hashNumber(MBCP_PACKET);
    hashPart(mbcpKind);
  } else {
    hashNumber(OTHER_PACKET);
    hashNumber(frame);
  }
  hashPart('');
  hashPart('');
}

/** Ends an identity with both endpoints; the 53-bit hash, never 0. */
export function endpoints(srcIp: string, srcPort: number, dstIp: string, dstPort: number): number {
  hashPart(srcIp);
  hashNumber(srcPort);
  hashPart(dstIp);
  hashNumber(dstPort);
  return hashEnd();
}

/**
 * The upper 32 bits of an identity, as a small integer (negative above 2^31): the engine keeps
 * integers untagged, where the 53-bit number would be a boxed double.
 */
export function identityHigh(h: number): number {
  return (h / 2 ** 21) | 0;
}

/** The lower 21 bits of an identity. */
export function identityLow(h: number): number {
  return (h % 2 ** 21) | 0;
}
