/**
 * The BYE requests a node builds from stored dialog state to release a
 * session on its own (TS 24.229 5.4.5.1.2 items 1 to 3, S-CSCF release).
 */
import { createRequest } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import type { DialogRecord } from './dialog-record.js';

/** Options of {@link createReleaseBye}. */
export interface ReleaseByeOptions {
  /** Reason header value, e.g. `SIP;cause=503;text="Service Unavailable"` (RFC 3326). */
  readonly reason: string;
  /**
   * TS 24.229 5.4.5.1.2 item 2: when the stored Contact is a GRUU, the
   * Request-URI is the contact address bound to it; this looks it up.
   */
  readonly resolveGruu?: (contactUri: string, instance: string | undefined) => string | undefined;
  /** Further headers, based on local policy. */
  readonly headers?: Iterable<readonly [string, string]>;
}

/** TS 24.229 5.4.5.1.2 item 2: a random CSeq in the valid range when none was stored (below 2^31). */
function randomCSeq(): number {
  return 1 + Math.floor(Math.random() * 0x7fff_fffe);
}

/**
 * A BYE towards `towards` built only from the record: Request-URI from the
 * stored Contact, To/From from the 200 OK and the initial INVITE (swapped
 * towards the calling party), the Call-ID, the stored CSeq of that direction
 * plus one, the stored Route towards the party and a Reason header.
 */
export function createReleaseBye(
  record: DialogRecord,
  towards: 'called' | 'calling',
  options: ReleaseByeOptions,
): SipRequest {
  const target = towards === 'called' ? record.called : record.calling;
  const stored = towards === 'called' ? record.cseq.callingToCalled : record.cseq.calledToCalling;
  // TS 24.229 5.4.5.1.2 item 2: a GRUU is replaced by the contact address bound to it.
  const bound =
    target.gruu !== undefined
      ? options.resolveGruu?.(target.contactUri, target.instance)
      : undefined;
  return createRequest({
    method: 'BYE',
    requestUri: bound ?? target.contactUri,
    // TS 24.229 5.4.5.1.2 items 1 and 3: To as in the 200 OK, From as in the INVITE; item 2 swaps them.
    from: towards === 'called' ? record.from : record.to,
    to: towards === 'called' ? record.to : record.from,
    callId: record.callId,
    // TS 24.229 5.4.5.1.2: the stored CSeq of that direction plus one, or a random one when none was stored.
    cseq: stored === undefined ? randomCSeq() : stored + 1,
    route: target.routeTowards,
    headers: [['Reason', options.reason], ...(options.headers ?? [])],
  });
}
