/**
 * Dialog identifiers (RFC 3261 12): Call-ID, local tag and remote tag, and
 * how they are read from incoming messages on either side.
 */
import { getCallId, getFrom, getTag, getTo } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { DialogError } from './dialog-errors.js';

/** The dialog ID of RFC 3261 12, from this end's point of view. */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/** A string key for maps. Tags compare case-sensitively; Call-ID too (RFC 3261 20.8, 19.3). */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

function tagOrThrow(tag: string | undefined, header: string): string {
  if (tag === undefined) throw new DialogError(`the ${header} header has no tag`);
  return tag;
}

/**
 * RFC 3261 12.2.2: for a request received in a dialog, the local tag is the
 * To tag and the remote tag the From tag. Undefined when the request has no
 * To tag (it is not an in-dialog request).
 */
export function dialogIdOfIncomingRequest(request: SipRequest): DialogId | undefined {
  const localTag = getTag(getTo(request));
  if (localTag === undefined) return undefined;
  return {
    callId: getCallId(request),
    localTag,
    remoteTag: tagOrThrow(getTag(getFrom(request)), 'From'),
  };
}

/**
 * RFC 3261 12.1.2: at the UAC, a response's dialog has the From tag as local
 * tag and the To tag as remote tag. Undefined without a To tag.
 */
export function dialogIdOfResponse(response: SipResponse): DialogId | undefined {
  const remoteTag = getTag(getTo(response));
  if (remoteTag === undefined) return undefined;
  return {
    callId: getCallId(response),
    localTag: tagOrThrow(getTag(getFrom(response)), 'From'),
    remoteTag,
  };
}
