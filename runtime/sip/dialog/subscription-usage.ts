/**
 * REFER's implicit subscription as a dialog usage (RFC 3515 2.4.4-2.4.7,
 * RFC 6665 4.1.2 and 4.2.2): adding the usage for a REFER sent or received
 * inside a dialog, building the notifier's NOTIFYs, and applying received
 * NOTIFYs on the subscriber side.
 */
import { getCSeq, getEvent, getSubscriptionState } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import type { Dialog, InDialogRequestOptions, SubscriptionUsage } from './dialog.js';
import { DialogError } from './dialog-errors.js';
import { SubscriptionUsageState } from './dialog-state.js';

/** RFC 3515 2.4.5: NOTIFY bodies for refer are message/sipfrag. */
export const SIPFRAG_CONTENT_TYPE = 'message/sipfrag;version=2.0';

/**
 * RFC 3515 2.4.6: a REFER accepted inside an existing dialog adds a usage
 * whose event id is the REFER's CSeq sequence number.
 */
export function addReferUsage(
  dialog: Dialog,
  refer: SipRequest,
  role: 'subscriber' | 'notifier',
): SubscriptionUsage {
  if (refer.method !== 'REFER')
    throw new DialogError(`${refer.method} is not a REFER`, dialog.key, dialog.state);
  const usage: SubscriptionUsage = {
    event: 'refer',
    id: String(getCSeq(refer).seq),
    role,
    state: SubscriptionUsageState.Pending,
  };
  dialog.addSubscription(usage);
  return usage;
}

/** What the notifier reports in one NOTIFY (RFC 6665 4.2.2). */
export interface NotifyOptions extends InDialogRequestOptions {
  /** Subscription-State value. */
  readonly state:
    | SubscriptionUsageState.Active
    | SubscriptionUsageState.Pending
    | SubscriptionUsageState.Terminated;
  /** RFC 6665 8.4: reason for terminated, e.g. "noresource" (RFC 3515 2.4.7 uses it after the final sipfrag). */
  readonly reason?: string;
  /** Remaining subscription duration in seconds, for active and pending. */
  readonly expires?: number;
}

/**
 * Builds a NOTIFY for a refer usage: Event `refer` with the usage's id,
 * Subscription-State, a sipfrag body by default. A terminated NOTIFY ends the
 * usage (RFC 6665 4.2.2), and with it the dialog when no usage is left.
 */
export function createNotify(
  dialog: Dialog,
  usage: SubscriptionUsage,
  options: NotifyOptions,
): SipRequest {
  if (usage.role !== 'notifier')
    throw new DialogError('only the notifier sends NOTIFY', dialog.key, dialog.state);
  let state: string = options.state;
  if (options.state === SubscriptionUsageState.Terminated) {
    if (options.reason !== undefined) state += `;reason=${options.reason}`;
  } else if (options.expires !== undefined) state += `;expires=${options.expires}`;
  const event = usage.id === undefined ? usage.event : `${usage.event};id=${usage.id}`;
  const headers: [string, string][] = [
    ['Event', event],
    ['Subscription-State', state],
    ...(options.headers ? [...options.headers].map(([n, v]): [string, string] => [n, v]) : []),
  ];
  const notify = dialog.createRequest('NOTIFY', {
    headers,
    contentType:
      options.contentType ?? (options.body !== undefined ? SIPFRAG_CONTENT_TYPE : undefined),
    body: options.body,
  });
  if (options.state === SubscriptionUsageState.Terminated) dialog.endSubscription(usage);
  else usage.state = options.state;
  return notify;
}

/**
 * Subscriber side: applies a NOTIFY received in the dialog (RFC 6665
 * 4.1.3). Checks the CSeq and refreshes the target through the dialog, finds
 * the usage by Event package and id, and updates its state; a terminated
 * NOTIFY ends the usage. Throws {@link DialogError} when no usage matches
 * (the UAS answers 481, RFC 6665 4.1.3).
 */
export function receiveNotify(dialog: Dialog, notify: SipRequest): SubscriptionUsage {
  const event = getEvent(notify);
  if (!event) throw new DialogError('the NOTIFY has no Event header', dialog.key, dialog.state);
  const usage = dialog.findSubscription(event.package, event.id);
  if (!usage || usage.role !== 'subscriber') {
    throw new DialogError(
      `no ${event.package} subscription with id ${String(event.id)} in this dialog`,
      dialog.key,
      dialog.state,
    );
  }
  dialog.receiveRequest(notify);
  const state = getSubscriptionState(notify);
  if (!state)
    throw new DialogError('the NOTIFY has no Subscription-State header', dialog.key, dialog.state);
  if (state.state === 'terminated') dialog.endSubscription(usage);
  else if (state.state === 'active') usage.state = SubscriptionUsageState.Active;
  else usage.state = SubscriptionUsageState.Pending;
  return usage;
}
