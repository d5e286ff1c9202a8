/**
 * The dialog state a node stores so that it can release a session on its
 * own: TS 24.229 5.4.5.1.2 lists it for the S-CSCF (stored Contact of each
 * party, To as in the 200 OK, From and Call-ID as in the initial INVITE,
 * CSeq per direction, Route towards each party). A {@link DialogRecorder}
 * builds it from the messages a proxy sees; {@link dialogRecordOf} derives it
 * from a user agent's own {@link Dialog}.
 */
import {
  formatNameAddr,
  getCallId,
  getCSeq,
  getFrom,
  getTag,
  parseContacts,
} from '../message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';
import { isTargetRefresh } from './dialog-routing.js';
import type { Dialog } from './dialog.js';
import { DialogError } from './dialog-errors.js';
import { DialogRole } from './dialog-state.js';

/** What is stored about one party of the session. */
export interface DialogPartyRecord {
  /** The Contact header value the party provided, as written. */
  readonly contact: string;
  /** The Contact URI (the address a BYE goes to). */
  readonly contactUri: string;
  /** RFC 5627: the gr parameter when the Contact is a GRUU (value, or "" when valueless). */
  readonly gruu: string | undefined;
  /** RFC 5626: the +sip.instance of the Contact. */
  readonly instance: string | undefined;
  /** Route values, nearest hop first, towards this party from the recording node. */
  readonly routeTowards: readonly string[];
}

/** CSeq numbers stored per direction; undefined means "none stored" (TS 24.229 5.4.5.1.2 item 2). */
export interface DialogCSeqRecord {
  readonly callingToCalled: number | undefined;
  readonly calledToCalling: number | undefined;
}

/** A snapshot of the stored dialog state (TS 24.229 5.4.5.1.2). */
export interface DialogRecord {
  /** Call-ID as received in the initial INVITE. */
  readonly callId: string;
  /** From as received in the initial INVITE (with the calling party's tag). */
  readonly from: string;
  /** To as received in the 200 OK for the initial INVITE (with the called party's tag). */
  readonly to: string;
  readonly calling: DialogPartyRecord;
  readonly called: DialogPartyRecord;
  readonly cseq: DialogCSeqRecord;
}

/** The party record of one Contact header value (its first contact). */
function partyOfContact(
  value: string,
  who: string,
  routeTowards: readonly string[],
): DialogPartyRecord {
  const contacts = parseContacts(value);
  const contact = contacts === '*' ? undefined : contacts[0];
  if (!contact) throw new DialogError(`no usable Contact from the ${who} party`);
  return {
    contact: value,
    contactUri: contact.uri.raw,
    gruu: contact.isGruu ? (contact.gr ?? '') : undefined,
    instance: contact.instance,
    routeTowards,
  };
}

function party(
  message: SipMessage,
  who: string,
  routeTowards: readonly string[],
): DialogPartyRecord {
  const value = message.headers.getAll('Contact')[0];
  if (value === undefined) throw new DialogError(`no Contact from the ${who} party`);
  return partyOfContact(value, who, routeTowards);
}

/** Options of a {@link DialogRecorder}. */
export interface DialogRecorderOptions {
  /**
   * Recognises the recording node's own Record-Route value. The entries above
   * it lead towards the called party, the ones below towards the calling party
   * (RFC 3261 16.6 item 4, 12.1). Without it, or when no entry matches, the
   * node is taken to be the calling UA.
   */
  readonly isOwnRoute?: (recordRoute: string) => boolean;
}

/**
 * Records a dialog as a proxy (S-CSCF) sees it: the initial INVITE, its 2xx
 * and then the in-dialog requests of either party.
 */
export class DialogRecorder {
  private readonly invite: SipRequest;
  private readonly callingTag: string | undefined;
  private response: SipResponse | undefined;
  private over = false;
  private callingToCalled: number | undefined;
  private calledToCalling: number | undefined;
  private callingContact: DialogPartyRecord;
  private calledContact: DialogPartyRecord | undefined;

  constructor(
    initialInvite: SipRequest,
    private readonly options: DialogRecorderOptions = {},
  ) {
    if (initialInvite.method !== 'INVITE')
      throw new DialogError(`${initialInvite.method} is not an initial INVITE`);
    this.invite = initialInvite;
    this.callingTag = getTag(getFrom(initialInvite));
    this.callingToCalled = getCSeq(initialInvite).seq;
    this.callingContact = party(initialInvite, 'calling', []);
  }

  /**
   * True once there is no dialog left to release: the initial INVITE was answered 300-699
   * before any 2xx (RFC 3261 12.1: no dialog), or a BYE was answered 2xx (15.1.2).
   */
  get ended(): boolean {
    return this.over;
  }

  /** Records the 2xx to the initial INVITE (its To, the called Contact, the Record-Route set). */
  recordResponse(response: SipResponse): void {
    const cseq = getCSeq(response);
    if (cseq.method === 'BYE' && response.status >= 200 && response.status < 300) this.over = true;
    if (cseq.method === 'INVITE' && response.status >= 300 && !this.response) this.over = true;
    if (cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    if (this.response) return;
    this.response = response;
    this.calledContact = party(response, 'called', []);
  }

  /**
   * Records an in-dialog request: its CSeq for its direction (by From tag),
   * and for a target refresh the new Contact.
   */
  recordRequest(request: SipRequest): void {
    if (request.method === 'ACK' || request.method === 'CANCEL') return;
    const seq = getCSeq(request).seq;
    const fromCalling = getTag(getFrom(request)) === this.callingTag;
    const hasContact = request.headers.has('Contact') && isTargetRefresh(request.method);
    if (fromCalling) {
      this.callingToCalled = seq;
      if (hasContact) this.callingContact = party(request, 'calling', []);
    } else {
      this.calledToCalling = seq;
      if (hasContact) this.calledContact = party(request, 'called', []);
    }
  }

  /** The stored state; throws {@link DialogError} before the 2xx was recorded. */
  snapshot(): DialogRecord {
    const response = this.response;
    const called = this.calledContact;
    if (!response || !called)
      throw new DialogError('no 2xx for the initial INVITE has been recorded');
    const recordRoutes = response.headers.getAll('Record-Route');
    const own = this.options.isOwnRoute
      ? recordRoutes.findIndex((r) => this.options.isOwnRoute?.(r) === true)
      : -1;
    // RFC 3261 16.6 / 12.1: proxies nearer the called party stand above this node's entry, nearer the calling party below.
    const towardsCalled =
      own === -1 ? [...recordRoutes].reverse() : recordRoutes.slice(0, own).reverse();
    const towardsCalling = own === -1 ? [] : recordRoutes.slice(own + 1);
    const to = response.headers.get('To');
    const from = this.invite.headers.get('From');
    if (to === undefined || from === undefined)
      throw new DialogError('From or To missing in the recorded messages');
    return {
      callId: getCallId(this.invite),
      from,
      to,
      calling: { ...this.callingContact, routeTowards: towardsCalling },
      called: { ...called, routeTowards: towardsCalled },
      cseq: { callingToCalled: this.callingToCalled, calledToCalling: this.calledToCalling },
    };
  }
}

/**
 * The record of a user agent's own dialog: the UAC is the calling party, the
 * UAS the called one. The route towards the peer is the dialog's route set;
 * towards this end itself it is empty.
 */
export function dialogRecordOf(dialog: Dialog): DialogRecord {
  if (dialog.localContact === undefined)
    throw new DialogError('the dialog has no local Contact', dialog.key, dialog.state);
  const mine = partyOfContact(dialog.localContact, 'local', []);
  const peer = dialog.remoteContact;
  const theirs = partyOfContact(
    formatNameAddr({ displayName: peer.displayName, uri: peer.uri, params: peer.params }),
    'remote',
    dialog.routeSet,
  );
  const uac = dialog.role === DialogRole.Uac;
  return {
    callId: dialog.id.callId,
    from: uac ? dialog.localAddress : dialog.remoteAddress,
    to: uac ? dialog.remoteAddress : dialog.localAddress,
    calling: uac ? mine : theirs,
    called: uac ? theirs : mine,
    cseq: {
      callingToCalled: uac ? dialog.localSeq : dialog.remoteSeq,
      calledToCalling: uac ? dialog.remoteSeq : dialog.localSeq,
    },
  };
}
