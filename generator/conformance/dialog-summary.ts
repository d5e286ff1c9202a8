/**
 * Dialog state as a capture shows it: what RFC 3261 12 and TS 24.229
 * 5.4.5.1.2 say a dialog stores, read from the messages of one Call-ID seen
 * so far (initial INVITE, its 2xx, later requests). Derived values of a flow
 * ("CSeq stored plus one", "To as received in the 200 OK") are computed from
 * it.
 */
import type { SipMessage } from '../../runtime/sip/message/index.js';
import {
  bracketed,
  cseqMethodEnd,
  cseqMethodStart,
  cseqNumber,
  hasTag,
  spanIs,
  tagEnd,
  tagStart,
} from './header-scan.js';

/** What a dialog stores, as far as the trace shows. */
export interface DialogSummary {
  callId: string;
  /** From of the initial INVITE (the calling user). */
  callingFrom?: string;
  callingTag?: string;
  /** To of the 2xx to the initial INVITE (the called user, with its tag). */
  calledTo?: string;
  calledTag?: string;
  callingContact?: string;
  calledContact?: string;
  /** Record-Route of the initial INVITE / its 2xx, top first. */
  recordRoute: readonly string[];
  /** Highest CSeq seen for requests from the calling to the called user, and back. */
  cseqCallerToCallee?: number;
  cseqCalleeToCaller?: number;
}

/**
 * The route of a dialog whose initial messages were not seen: shared by every such summary (a
 * capture of in-dialog requests holds tens of thousands), replaced, never changed.
 */
const NO_ROUTE: readonly string[] = [];

/** Creates an empty summary. */
export function newSummary(callId: string): DialogSummary {
  return { callId, recordRoute: NO_ROUTE };
}

/** The tag parameter of a From or To value (RFC 3261 19.3); undefined when it has none. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const start = tagStart(value);
  return start < 0 ? undefined : value.slice(start, tagEnd(value, start));
}

/**
 * Updates a summary with one more message of its Call-ID. Its CSeq and tags are read where they
 * lie in the header values and compared there: only what the summary keeps is copied out.
 */
export function updateSummary(s: DialogSummary, msg: SipMessage): void {
  const cseq = msg.headers.get('cseq');
  // The CSeq is used only when it has both a number and a method (RFC 3261 20.16).
  const method = cseq === undefined ? -1 : cseqMethodStart(cseq);
  // From and To are read only when the summary takes something of them: most messages of a
  // dialog change nothing here, and their values are then not made at all.
  if (msg.kind === 'request') {
    if (msg.method === 'INVITE' && s.callingFrom === undefined) {
      const from = msg.headers.get('from');
      if (!tagOf(msg.headers.get('to'))) {
        // RFC 3261 12.1.2: the initial INVITE fixes the calling party's From, Contact and route.
        s.callingFrom = from;
        s.callingTag = tagOf(from);
        s.callingContact = msg.headers.get('contact');
        s.recordRoute = msg.headers.getAll('record-route');
      }
    }
    if (
      cseq !== undefined &&
      method >= 0 &&
      msg.method !== 'ACK' &&
      msg.method !== 'CANCEL' &&
      (s.callingTag !== undefined || s.calledTag !== undefined)
    ) {
      const seq = cseqNumber(cseq);
      const from = msg.headers.get('from');
      if (s.callingTag !== undefined && hasTag(from, s.callingTag)) {
        s.cseqCallerToCallee = Math.max(s.cseqCallerToCallee ?? 0, seq);
      } else if (s.calledTag !== undefined && hasTag(from, s.calledTag)) {
        s.cseqCalleeToCaller = Math.max(s.cseqCalleeToCaller ?? 0, seq);
      }
    }
    return;
  }
  if (
    cseq !== undefined &&
    method >= 0 &&
    spanIs(cseq, method, cseqMethodEnd(cseq, method), 'INVITE') &&
    msg.status >= 200 &&
    msg.status < 300 &&
    s.calledTo === undefined
  ) {
    // RFC 3261 12.1.1: the 2xx fixes the called party's To (with tag) and Contact.
    const to = msg.headers.get('to');
    s.calledTo = to;
    s.calledTag = tagOf(to);
    s.calledContact = msg.headers.get('contact');
    const rr = msg.headers.getAll('record-route');
    if (rr.length > 0) s.recordRoute = rr;
  }
}

/**
 * Methods whose transactions never make a dialog and are sent outside one: OPTIONS (RFC 3261
 * 11), REGISTER (RFC 3261 10), PUBLISH (RFC 3903 4).
 */
const NO_DIALOG_METHODS = ['OPTIONS', 'REGISTER', 'PUBLISH'];

/**
 * True when `msg` is the final response of a transaction that made no dialog, in a Call-ID whose
 * summary holds nothing: the summary can go, as nothing later in that Call-ID derives from it.
 */
export function endsDialoglessTransaction(s: DialogSummary, msg: SipMessage): boolean {
  if (msg.kind !== 'response' || msg.status < 200) return false;
  if (s.callingFrom !== undefined || s.calledTo !== undefined) return false;
  const cseq = msg.headers.get('cseq');
  if (cseq === undefined) return false;
  const start = cseqMethodStart(cseq);
  if (start < 0) return false;
  const end = cseqMethodEnd(cseq, start);
  for (const m of NO_DIALOG_METHODS) if (spanIs(cseq, start, end, m)) return true;
  return false;
}

/** The URI inside a Contact value ("<sip:a@b>;expires=3" -> "sip:a@b"). */
export function contactUri(contact: string | undefined): string | undefined {
  if (!contact) return undefined;
  const semi = contact.indexOf(';');
  return (bracketed(contact) ?? (semi < 0 ? contact : contact.slice(0, semi))).trim();
}

/**
 * Reads a dialog path ("dialog.cseq.callerToCallee") from the point of view
 * of `sender`: "calling" when the sender is the calling party's side, else
 * "called". Undefined when the trace does not show the value.
 */
export function readDialogPath(
  s: DialogSummary,
  path: string,
  senderIsCaller: boolean | undefined,
): string | number | undefined {
  switch (path) {
    case 'dialog.callId':
      return s.callId;
    case 'dialog.calling.from':
      return s.callingFrom;
    case 'dialog.called.to':
      return s.calledTo;
    case 'dialog.calling.contact':
    case 'dialog.calling.contactBinding':
      return contactUri(s.callingContact);
    case 'dialog.called.contact':
    case 'dialog.called.contactBinding':
      return contactUri(s.calledContact);
    case 'dialog.cseq.callerToCallee':
      return s.cseqCallerToCallee;
    case 'dialog.cseq.calleeToCaller':
      return s.cseqCalleeToCaller;
    case 'dialog.remoteTarget':
      if (senderIsCaller === undefined) return undefined;
      return contactUri(senderIsCaller ? s.calledContact : s.callingContact);
    case 'dialog.localCseq':
      return senderIsCaller === undefined
        ? undefined
        : senderIsCaller
          ? s.cseqCallerToCallee
          : s.cseqCalleeToCaller;
    case 'dialog.remoteCseq':
      return senderIsCaller === undefined
        ? undefined
        : senderIsCaller
          ? s.cseqCalleeToCaller
          : s.cseqCallerToCallee;
    case 'dialog.localTag':
      return senderIsCaller === undefined ? undefined : senderIsCaller ? s.callingTag : s.calledTag;
    case 'dialog.remoteTag':
      return senderIsCaller === undefined ? undefined : senderIsCaller ? s.calledTag : s.callingTag;
    default:
      // Route sets depend on where the capture point sits; they are not compared.
      return undefined;
  }
}
