/**
 * What a user agent core answers when no handler takes a request: BYE in a
 * dialog (RFC 3261 15.1.2), NOTIFY for a subscription usage (RFC 6665
 * 4.1.3), OPTIONS (RFC 3261 11.2), anything else 405 with Allow (8.2.1).
 */
import { receiveNotify } from '../sip/dialog/index.js';
import type { Dialog, SubscriptionUsage } from '../sip/dialog/index.js';
import type { SipRequest } from '../sip/message/index.js';
import type { IncomingRequest } from './incoming-request.js';
import type { Listeners } from './listeners.js';

/** What the default answers need from the core. */
export interface DefaultAnswerContext {
  /** The Allow header value. */
  readonly allowed: string;
  /** Stops 2xx retransmissions of the dialog (a BYE ends them, RFC 3261 13.3.1.4). */
  stopRetransmissions(dialog: Dialog): void;
  /** Where applied NOTIFYs are reported. */
  readonly notifies: Listeners<[SipRequest, Dialog, SubscriptionUsage]>;
}

/** Answers a request no handler took. */
export function answerUnhandled(incoming: IncomingRequest, context: DefaultAnswerContext): void {
  const { request, dialog } = incoming;
  // RFC 3261 15.1.2: a BYE in a dialog is answered 200 and ends the session.
  if (dialog && request.method === 'BYE') {
    context.stopRetransmissions(dialog);
    incoming.respond(200);
    return;
  }
  if (dialog && request.method === 'NOTIFY') {
    answerNotify(incoming, context.notifies);
    return;
  }
  // RFC 3261 11.2: OPTIONS outside a dialog is answered as an INVITE would be: here 200.
  if (!dialog && request.method === 'OPTIONS') {
    incoming.respond(200, { headers: [['Allow', context.allowed]] });
    return;
  }
  // RFC 3261 8.2.1: a method the UAS does not support here is answered 405 with Allow.
  incoming.respond(405, { headers: [['Allow', context.allowed]] });
}

/**
 * RFC 6665 4.1.3: a NOTIFY for a subscription usage of its dialog is applied
 * and answered 200 (reported on `notifies`); one matching no subscription,
 * or outside any dialog, is answered 481.
 */
export function answerNotify(
  incoming: IncomingRequest,
  notifies: Listeners<[SipRequest, Dialog, SubscriptionUsage]>,
): void {
  const { request, dialog } = incoming;
  let usage: SubscriptionUsage;
  try {
    if (!dialog) throw new Error('no dialog');
    usage = receiveNotify(dialog, request);
  } catch {
    incoming.respond(481);
    return;
  }
  incoming.respond(200);
  notifies.emit(request, dialog, usage);
}
