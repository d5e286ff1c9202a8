/**
 * The subscriber side of REFER (RFC 3515 2.4.4, RFC 6665 4.1): sending a
 * REFER in a dialog or outside one, with the usage in place before the
 * NOTIFYs can arrive. The user agent core's default NOTIFY handling then
 * applies them (RFC 6665 4.1.3) and reports them on `core.notifies`.
 */
import { addReferUsage, createUacDialog } from '../sip/dialog/index.js';
import type { Dialog, SubscriptionUsage } from '../sip/dialog/index.js';
import {
  createRequest,
  generateCallId,
  generateTag,
  getCallId,
  getSubscriptionState,
} from '../sip/message/index.js';
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import type { TransportTarget } from '../sip/transport/index.js';
import type { UserAgentCore } from './user-agent-core.js';

/** The outcome of a REFER. */
export interface ReferResult {
  readonly response: SipResponse;
  /** The dialog carrying the implicit subscription (undefined when the REFER was refused). */
  readonly dialog: Dialog | undefined;
  readonly usage: SubscriptionUsage | undefined;
}

/** Extras of a REFER. */
export interface ReferOptions {
  /** Further headers (Target-Dialog, Referred-By, Privacy ...). */
  readonly headers?: Iterable<readonly [string, string]>;
}

/**
 * RFC 3515 2.4.6: a REFER inside `dialog`. The subscriber usage (event id =
 * the REFER's CSeq) is added before sending so that a NOTIFY overtaking the
 * 202 still finds it; a refusal removes it again.
 */
export async function sendRefer(
  core: UserAgentCore,
  dialog: Dialog,
  referTo: string,
  options: ReferOptions = {},
): Promise<ReferResult> {
  const refer = dialog.createRequest('REFER', {
    headers: [['Refer-To', referTo], ...(options.headers ?? [])],
  });
  const usage = addReferUsage(dialog, refer, 'subscriber');
  const response = await core.sendInDialog(dialog, refer);
  if (response.status >= 300) {
    dialog.endSubscription(usage);
    return { response, dialog, usage: undefined };
  }
  return { response, dialog, usage };
}

/**
 * RFC 3515 2.4.4: a REFER outside any dialog (e.g. with Target-Dialog, RFC
 * 4538). Its 2xx creates the subscriber's dialog with the implicit
 * subscription, stored before the NOTIFYs that follow it are handled.
 */
export async function sendReferOutOfDialog(
  core: UserAgentCore,
  refer: SipRequest,
  target?: TransportTarget,
): Promise<ReferResult> {
  const response = await core.sendOutOfDialog(refer, target);
  if (response.status >= 300) return { response, dialog: undefined, usage: undefined };
  const dialog = core.dialogs.add(createUacDialog(refer, response));
  return { response, dialog, usage: dialog.subscriptionUsages[0] };
}

/** What a REFER about a dialog is made of (RFC 4538). */
export interface TargetDialogReferOptions extends ReferOptions {
  /** From address without tag; the REFER gets a new tag. */
  readonly from: string;
  /** This end's Contact value. */
  readonly contact: string;
  /** The Refer-To value, e.g. `<sip:session@host;method=BYE>`. */
  readonly referTo: string;
}

/**
 * RFC 4538 4: a REFER outside any dialog that names `about` in Target-Dialog,
 * sent to the dialog's remote target along its route set (OMA PoC: the REFER
 * about the Pre-established Session, to its identity, the Contact of the
 * 200; Figure 17 step 2). Target-Dialog carries this end's tag as local-tag
 * and the peer's as remote-tag (RFC 4538 7).
 */
export function createTargetDialogRefer(
  about: Dialog,
  options: TargetDialogReferOptions,
): SipRequest {
  const { callId, localTag, remoteTag } = about.id;
  return createRequest({
    method: 'REFER',
    requestUri: about.remoteTarget,
    from: `${options.from};tag=${generateTag()}`,
    to: `<${about.remoteTarget}>`,
    callId: generateCallId(),
    cseq: 1,
    contact: options.contact,
    route: about.routeSet,
    headers: [
      ['Refer-To', options.referTo],
      ['Target-Dialog', `${callId};remote-tag=${remoteTag};local-tag=${localTag}`],
      ...(options.headers ?? []),
    ],
  });
}

/**
 * RFC 3515 2.4.5 / RFC 6665 4.1.3: resolves with the NOTIFY that ends the
 * implicit subscription of `refer` (its sipfrag is the referred request's
 * final response), as applied by the core's NOTIFY handling; listen before
 * the REFER is sent. `cancel` stops listening (a refused REFER).
 */
export function referOutcome(
  core: UserAgentCore,
  refer: SipRequest,
): { readonly notify: Promise<SipRequest>; cancel(): void } {
  const callId = getCallId(refer);
  let remove = (): void => undefined;
  const notify = new Promise<SipRequest>((resolve) => {
    remove = core.notifies.add((request, dialog) => {
      if (dialog.id.callId !== callId) return;
      if (getSubscriptionState(request)?.state !== 'terminated') return;
      remove();
      resolve(request);
    });
  });
  return { notify, cancel: () => remove() };
}
