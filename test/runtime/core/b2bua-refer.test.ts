import { afterEach, describe, expect, it } from 'vitest';
import { sendRefer, sendReferOutOfDialog } from '../../../runtime/core/index.js';
import {
  createRequest,
  generateCallId,
  generateTag,
  getEvent,
  getSubscriptionState,
  parseSipFrag,
} from '../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../runtime/sip/message/index.js';
import { establish, ladderOf, startB2bua, traceLines } from './helpers/b2bua-fixture.js';
import type { B2buaScenario } from './helpers/b2bua-fixture.js';
import { settleSnapshots, waitUntil, must } from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

function notifySummary(notify: SipRequest): {
  state: string;
  reason: string | undefined;
  event: string;
  frag: string;
} {
  const state = getSubscriptionState(notify);
  return {
    state: state?.state ?? '',
    reason: state?.reason,
    event: getEvent(notify)?.package ?? '',
    frag: parseSipFrag(notify.body).startLine,
  };
}

/** A REFER method=BYE from alice to the B2BUA outside any dialog, naming `targetDialog` (RFC 4538). */
function referOutOfDialog(s: B2buaScenario, targetDialog: string): SipRequest {
  const target = s.b2bua.core.target;
  return createRequest({
    method: 'REFER',
    requestUri: `sip:b2bua@${target.address}:${target.port}`,
    from: `<${s.alice.uri}>;tag=${generateTag()}`,
    to: `<sip:b2bua@${target.address}:${target.port}>`,
    callId: generateCallId(),
    cseq: 1,
    contact: s.alice.core.contact,
    headers: [
      ['Refer-To', `<${s.bob.uri};method=BYE>`],
      ['Target-Dialog', targetDialog],
    ],
  });
}

describe('REFER method=BYE at the B2BUA (RFC 3515, OMA PoC Figure 17)', () => {
  let scenario: B2buaScenario | undefined;
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });

  it('answers 202, notifies 100 Trying, releases the other leg, then notifies 200 OK terminated;reason=noresource', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    const { response, usage } = await sendRefer(s.alice.core, dialog, `<${s.bob.uri};method=BYE>`);
    expect(response.status).toBe(202);
    expect(usage).toBeDefined();
    await waitUntil(() => s.alice.received('NOTIFY').length >= 2, 'two NOTIFYs');
    const [trying, final] = s.alice.received('NOTIFY');
    expect(notifySummary(must(trying))).toEqual({
      state: 'active',
      reason: undefined,
      event: 'refer',
      frag: 'SIP/2.0 100 Trying',
    });
    expect(must(trying).headers.get('Content-Type')).toBe('message/sipfrag;version=2.0');
    expect(notifySummary(must(final))).toEqual({
      state: 'terminated',
      reason: 'noresource',
      event: 'refer',
      frag: 'SIP/2.0 200 OK',
    });
    expect(s.bob.received('BYE')).not.toHaveLength(0);
    // The final NOTIFY follows the 200 to the BYE on the server leg.
    const order = traceLines(s.trace);
    expect(order.indexOf('out 202 REFER')).toBeLessThan(order.indexOf('out NOTIFY'));
    expect(order.indexOf('in 200 BYE')).toBeLessThan(order.lastIndexOf('out NOTIFY'));
    expect(ladderOf(s.trace, 'BYE')).toEqual(['out BYE', 'in 200 BYE']);
    // The subscription usage ended; the client leg (a pre-established session) stays up until its own BYE.
    expect(dialog.subscriptionUsages).toHaveLength(0);
    expect(dialog.hasInviteUsage).toBe(true);
    expect(s.b2bua.snapshot()).toMatchObject({ dialogs: 1, sessions: 1 });
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('reports the failure of the referred BYE in the final NOTIFY (RFC 3515 2.4.5: 408 when the other leg is gone)', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    const gone = s.bob.uri;
    await s.bob.close();
    const { response } = await sendRefer(s.alice.core, dialog, `<${gone};method=BYE>`);
    expect(response.status).toBe(202);
    await waitUntil(() => s.alice.received('NOTIFY').length >= 2, 'two NOTIFYs', 10_000);
    expect(s.alice.received('NOTIFY').map((n) => notifySummary(n))).toEqual([
      { state: 'active', reason: undefined, event: 'refer', frag: 'SIP/2.0 100 Trying' },
      {
        state: 'terminated',
        reason: 'noresource',
        event: 'refer',
        frag: 'SIP/2.0 408 Request Timeout',
      },
    ]);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.b2bua])).toEqual([ZERO, ZERO]);
  });

  it('accepts a REFER outside the dialog that names it in Target-Dialog (RFC 4538)', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    const target = s.b2bua.core.target;
    const refer = referOutOfDialog(
      s,
      `${dialog.id.callId};local-tag=${dialog.id.localTag};remote-tag=${dialog.id.remoteTag}`,
    );
    const { response, dialog: subscription } = await sendReferOutOfDialog(
      s.alice.core,
      refer,
      target,
    );
    expect(response.status).toBe(202);
    expect(subscription?.id.callId).not.toBe(dialog.id.callId);
    await waitUntil(() => s.alice.received('NOTIFY').length >= 2, 'two NOTIFYs');
    const frags = s.alice.received('NOTIFY').map((n) => notifySummary(n).frag);
    expect(frags).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
    expect(s.bob.received('BYE')).not.toHaveLength(0);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('refuses a REFER asking for an INVITE on a session of two legs with 403 (OMA PoC joins only a Pre-established Session) and one naming no dialog with 481', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    const other = await sendRefer(s.alice.core, dialog, `<${s.bob.uri}>`);
    expect(other.response.status).toBe(403);
    expect(dialog.subscriptionUsages).toHaveLength(0);
    const target = s.b2bua.core.target;
    const stray = referOutOfDialog(s, 'nosuchcall;local-tag=a;remote-tag=b');
    expect((await sendReferOutOfDialog(s.alice.core, stray, target)).response.status).toBe(481);
    expect(s.bob.received('BYE')).toHaveLength(0);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });
});
