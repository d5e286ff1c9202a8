/**
 * The notifier side of REFER's implicit subscription (RFC 3515 2.4, RFC 6665
 * 4.2): accept with 202, optionally report "SIP/2.0 100 Trying" in a NOTIFY
 * with Subscription-State active while the referred request runs (OMA PoC
 * Figure 17, method=BYE), then report its final response ("SIP/2.0 200 OK")
 * in a NOTIFY with Subscription-State terminated;reason=noresource, which
 * ends the subscription usage (the only NOTIFY when joining a PoC Session
 * over a Pre-established Session, method=INVITE).
 */
import { addReferUsage, createNotify, SubscriptionUsageState } from '../sip/dialog/index.js';
import type { Dialog, SubscriptionUsage } from '../sip/dialog/index.js';
import { getReferTo, statusSipFrag } from '../sip/message/index.js';
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import { TransactionTimeoutError } from '../sip/transaction/index.js';
import { CoreStateError } from './core-errors.js';
import type { IncomingRequest } from './incoming-request.js';

/** A final status to report in the last NOTIFY. */
export interface ReferredStatus {
  readonly status: number;
  readonly reason: string;
}

/** What the notifier sent and got back. */
export interface ReferByeOutcome {
  /** Response to the NOTIFY carrying "SIP/2.0 100 Trying". */
  readonly tryingNotify: SipResponse;
  /** The referred request's result, as reported. */
  readonly result: ReferredStatus;
  /** Response to the final NOTIFY (terminated;reason=noresource). */
  readonly finalNotify: SipResponse;
}

/** Sends a request in a dialog and resolves with its final response (a user agent core). */
export interface InDialogSender {
  sendInDialog(dialog: Dialog, request: SipRequest): Promise<SipResponse>;
}

/** Options of {@link acceptReferBye}. */
export interface ReferByeOptions {
  /** RFC 6665 4.2.2: the expires of the active state, seconds (default 60). */
  readonly expires?: number;
}

/** Options of {@link acceptRefer}. */
export interface ReferOutcomeOptions extends ReferByeOptions {
  /**
   * Whether "SIP/2.0 100 Trying" is reported in an active NOTIFY while the referred request
   * runs (default true; OMA PoC Figure 17 draws it, the join over a Pre-established Session
   * reports only the outcome).
   */
  readonly progress?: boolean;
}

/** What the notifier sent and got back, the progress NOTIFY when one was sent. */
export interface ReferOutcome {
  readonly tryingNotify: SipResponse | undefined;
  readonly result: ReferredStatus;
  readonly finalNotify: SipResponse;
}

/** Whether a request is a REFER whose Refer-To asks for a BYE (RFC 3515 2.1, OMA PoC Figure 17). */
export function isReferBye(request: SipRequest): boolean {
  return request.method === 'REFER' && getReferTo(request)?.method === 'BYE';
}

/**
 * Whether a request is a REFER whose Refer-To asks for an INVITE: `method=INVITE`, or no method
 * at all, INVITE being the default of a SIP URI (RFC 3261 19.1.1, RFC 3515 2.1).
 */
export function isReferInvite(request: SipRequest): boolean {
  if (request.method !== 'REFER') return false;
  const referTo = getReferTo(request);
  return referTo !== undefined && (referTo.method ?? 'INVITE').toUpperCase() === 'INVITE';
}

function usageFor(
  incoming: IncomingRequest,
  inDialog: Dialog | undefined,
): { dialog: Dialog; usage: SubscriptionUsage } {
  const dialog = incoming.dialog;
  if (!dialog) throw new CoreStateError('the 202 created no dialog', { method: 'REFER' });
  // RFC 3515 2.4.6: a REFER inside an existing dialog adds a usage with the REFER's CSeq as event id.
  if (inDialog) return { dialog, usage: addReferUsage(dialog, incoming.request, 'notifier') };
  // RFC 3515 2.4.4: a REFER outside a dialog created one with its implicit subscription.
  const usage = dialog.findSubscription('refer', undefined);
  if (!usage)
    throw new CoreStateError('the REFER dialog has no refer subscription', { method: 'REFER' });
  return { dialog, usage };
}

/**
 * Accepts a REFER method=BYE and runs its implicit subscription around
 * `release`, which sends the referred BYE and resolves with its final
 * response. A failure of `release` is reported as 408 or 500 (RFC 3515 2.4.5:
 * the sipfrag carries whatever final outcome the referred request had).
 */
export async function acceptReferBye(
  sender: InDialogSender,
  incoming: IncomingRequest,
  release: () => Promise<ReferredStatus>,
  options: ReferByeOptions = {},
): Promise<ReferByeOutcome> {
  const outcome = await acceptRefer(sender, incoming, release, { ...options, progress: true });
  if (!outcome.tryingNotify)
    throw new CoreStateError('no progress NOTIFY was sent', { method: 'REFER' });
  return { ...outcome, tryingNotify: outcome.tryingNotify };
}

/**
 * Accepts a REFER and runs its implicit subscription around `attempt`, which
 * sends the referred request and resolves with its final response. A failure
 * of `attempt` is reported as 408 or 500 (RFC 3515 2.4.5: the sipfrag carries
 * whatever final outcome the referred request had).
 */
export async function acceptRefer(
  sender: InDialogSender,
  incoming: IncomingRequest,
  attempt: () => Promise<ReferredStatus>,
  options: ReferOutcomeOptions = {},
): Promise<ReferOutcome> {
  const inDialog = incoming.dialog;
  // RFC 3515 2.4.2: the REFER is accepted with 202 before the referred request is attempted.
  incoming.respond(202);
  const { dialog, usage } = usageFor(incoming, inDialog);
  const trying =
    (options.progress ?? true)
      ? createNotify(dialog, usage, {
          state: SubscriptionUsageState.Active,
          expires: options.expires ?? 60,
          body: statusSipFrag(100, 'Trying'),
        })
      : undefined;
  // OMA PoC Figure 17 steps 6 and 10: the NOTIFY (100 Trying) and the BYE go out at the same time.
  const [tryingNotify, result] = await Promise.all([
    trying ? sender.sendInDialog(dialog, trying) : undefined,
    attempt().then(
      (r): ReferredStatus => ({ status: r.status, reason: r.reason }),
      (error: unknown): ReferredStatus =>
        error instanceof TransactionTimeoutError
          ? { status: 408, reason: 'Request Timeout' }
          : { status: 500, reason: 'Server Internal Error' },
    ),
  ]);
  // RFC 3515 2.4.7 / RFC 6665 4.2.2: the final result ends the subscription: terminated;reason=noresource.
  const last = createNotify(dialog, usage, {
    state: SubscriptionUsageState.Terminated,
    reason: 'noresource',
    body: statusSipFrag(result.status, result.reason),
  });
  const finalNotify = await sender.sendInDialog(dialog, last);
  return { tryingNotify, result, finalNotify };
}
