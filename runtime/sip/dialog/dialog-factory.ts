/**
 * Creating dialogs (RFC 3261 12.1) from the messages that establish them:
 * INVITE and its 1xx/2xx on either side, and REFER with its implicit
 * subscription (RFC 3515 2.4.4, RFC 6665 4.1.2.4 and 4.2.1) including a
 * NOTIFY that arrives before the 2xx to the REFER.
 */
import { getCallId, getContacts, getCSeq, getFrom, getTag, getTo } from '../message/index.js';
import type { SipContact, SipMessage, SipRequest, SipResponse } from '../message/index.js';
import { Dialog } from './dialog.js';
import { DialogError } from './dialog-errors.js';
import { DialogRole, DialogState, SubscriptionUsageState } from './dialog-state.js';

/** Methods that create dialogs and the usage each brings. */
const DIALOG_CREATING = new Set(['INVITE', 'REFER', 'SUBSCRIBE']);

function firstContact(message: SipMessage, what: string): SipContact {
  const contacts = getContacts(message);
  const first = contacts === '*' ? undefined : contacts[0];
  // RFC 3261 12.1.1 / 12.1.2: the remote target is the Contact URI; a dialog cannot exist without it.
  if (!first) throw new DialogError(`${what} has no Contact, so no remote target`);
  return first;
}

/** A mandatory header's value as written (its presence was checked by the accessors). */
function headerValue(message: SipMessage, name: 'From' | 'To'): string {
  const value = message.headers.get(name);
  if (value === undefined) throw new DialogError(`the message has no ${name} header`);
  return value;
}

/** Record-Route values, top first, as written (one per list element). */
function recordRouteValues(message: SipMessage): string[] {
  return message.headers.getAll('Record-Route');
}

function checkCreating(request: SipRequest): void {
  if (!DIALOG_CREATING.has(request.method))
    throw new DialogError(`${request.method} does not create a dialog`);
}

function addImplicitSubscription(
  dialog: Dialog,
  request: SipRequest,
  role: 'subscriber' | 'notifier',
): void {
  if (request.method !== 'REFER') return;
  // RFC 3515 2.4.4: an accepted REFER creates a subscription to "refer" events; a REFER that
  // created the dialog needs no id (RFC 3515 2.4.6 makes it mandatory only for later REFERs).
  dialog.addSubscription({
    event: 'refer',
    id: undefined,
    role,
    state: SubscriptionUsageState.Pending,
  });
}

/**
 * RFC 3261 12.1.2: the UAC side of a dialog, from the request it sent and a
 * 1xx (with To tag, early) or 2xx (confirmed) response. The route set is the
 * response's Record-Route in reverse order; the remote target its Contact.
 */
export function createUacDialog(request: SipRequest, response: SipResponse): Dialog {
  checkCreating(request);
  if (response.status < 101 || response.status >= 300) {
    throw new DialogError(`a ${response.status} response does not create a dialog`);
  }
  const remoteTag = getTag(getTo(response));
  const localTag = getTag(getFrom(request));
  if (remoteTag === undefined || localTag === undefined)
    throw new DialogError('a dialog needs a From tag and a To tag');
  const dialog = new Dialog({
    id: { callId: getCallId(request), localTag, remoteTag },
    role: DialogRole.Uac,
    state: response.status < 200 ? DialogState.Early : DialogState.Confirmed,
    localSeq: getCSeq(request).seq,
    remoteSeq: undefined,
    localAddress: headerValue(request, 'From'),
    remoteAddress: headerValue(response, 'To'),
    remoteContact: firstContact(response, `the ${response.status} response`),
    routeSet: recordRouteValues(response).reverse(),
    localContact: request.headers.get('Contact'),
    secure: false,
    inviteUsage: request.method === 'INVITE',
  });
  addImplicitSubscription(dialog, request, 'subscriber');
  return dialog;
}

/**
 * RFC 3261 12.1.1: the UAS side of a dialog, from the request received and
 * the 1xx/2xx response this end sends (whose To carries the local tag). The
 * route set is the request's Record-Route in order; the remote target its Contact.
 */
export function createUasDialog(request: SipRequest, response: SipResponse): Dialog {
  checkCreating(request);
  if (response.status < 101 || response.status >= 300) {
    throw new DialogError(`a ${response.status} response does not create a dialog`);
  }
  const localTag = getTag(getTo(response));
  const remoteTag = getTag(getFrom(request));
  if (localTag === undefined || remoteTag === undefined)
    throw new DialogError('a dialog needs a From tag and a To tag');
  const dialog = new Dialog({
    id: { callId: getCallId(request), localTag, remoteTag },
    role: DialogRole.Uas,
    state: response.status < 200 ? DialogState.Early : DialogState.Confirmed,
    localSeq: undefined,
    remoteSeq: getCSeq(request).seq,
    localAddress: headerValue(response, 'To'),
    remoteAddress: headerValue(request, 'From'),
    remoteContact: firstContact(request, `the ${request.method} request`),
    routeSet: recordRouteValues(request),
    localContact: response.headers.get('Contact'),
    secure: false,
    inviteUsage: request.method === 'INVITE',
  });
  addImplicitSubscription(dialog, request, 'notifier');
  return dialog;
}

/**
 * RFC 6665 4.1.2.4: a NOTIFY for a REFER's implicit subscription may arrive
 * before the 2xx to the REFER; it then creates the dialog. Its From tag is
 * the remote tag, its Contact the remote target, and its Record-Route the
 * route set in order (the subscriber receives the NOTIFY as a UAS would).
 */
export function createSubscriberDialogFromNotify(refer: SipRequest, notify: SipRequest): Dialog {
  if (refer.method !== 'REFER' && refer.method !== 'SUBSCRIBE')
    throw new DialogError(`${refer.method} creates no subscription`);
  if (notify.method !== 'NOTIFY') throw new DialogError(`${notify.method} is not a NOTIFY`);
  const localTag = getTag(getFrom(refer));
  const remoteTag = getTag(getFrom(notify));
  if (localTag === undefined || remoteTag === undefined)
    throw new DialogError('a dialog needs a From tag and a To tag');
  const dialog = new Dialog({
    id: { callId: getCallId(refer), localTag, remoteTag },
    role: DialogRole.Uac,
    state: DialogState.Confirmed,
    localSeq: getCSeq(refer).seq,
    remoteSeq: getCSeq(notify).seq,
    localAddress: headerValue(refer, 'From'),
    remoteAddress: headerValue(notify, 'From'),
    remoteContact: firstContact(notify, 'the NOTIFY'),
    routeSet: recordRouteValues(notify),
    localContact: refer.headers.get('Contact'),
    secure: false,
    inviteUsage: false,
  });
  addImplicitSubscription(dialog, refer, 'subscriber');
  return dialog;
}
