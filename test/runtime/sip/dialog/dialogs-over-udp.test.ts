/**
 * Dialogs between two user agents over real UDP on 127.0.0.1: INVITE/200/ACK
 * on both sides, BYE in either direction with the right CSeq and target, and
 * REFER's implicit subscription (RFC 3515, RFC 6665) with NOTIFY sipfrag.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRequest,
  getCSeq,
  getEvent,
  getSubscriptionState,
  statusSipFrag,
} from '../../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../../runtime/sip/message/index.js';
import {
  addReferUsage,
  createNotify,
  DialogState,
  SubscriptionUsageState,
} from '../../../../runtime/sip/dialog/index.js';
import type { Dialog } from '../../../../runtime/sip/dialog/index.js';
import { TestUserAgent } from './test-user-agent.js';
import { must, waitUntil } from '../transaction/sip-test-peer.js';

let alice: TestUserAgent;
let bob: TestUserAgent;

beforeEach(async () => {
  alice = await TestUserAgent.start();
  bob = await TestUserAgent.start();
});

afterEach(async () => {
  // Nothing leaks: every test ends with no dialog and no 2xx waiting for its ACK.
  for (const ua of [alice, bob]) {
    expect(ua.counts()).toEqual({ dialogs: 0, awaitingAck: 0 });
  }
  await alice.close();
  await bob.close();
});

describe('INVITE dialogs', () => {
  it('creates both sides, then the caller hangs up with BYE', async () => {
    const { dialog, invite } = await alice.call(bob);
    await waitUntil(() => bob.acks.length === 1);
    const [bobDialog] = bob.dialogs.all();
    if (!bobDialog) throw new Error('no dialog at Bob');
    expect(dialog.state).toBe(DialogState.Confirmed);
    expect(bobDialog.state).toBe(DialogState.Confirmed);
    expect(alice.dialogs.counts().confirmed).toBe(1);
    // The ACK for the 2xx carries the INVITE's CSeq number (RFC 3261 13.2.2.4).
    expect(getCSeq(must(bob.acks[0]))).toEqual({ seq: getCSeq(invite).seq, method: 'ACK' });
    const bye = dialog.createRequest('BYE');
    expect(bye.requestUri).toBe(`sip:ua@127.0.0.1:${bob.target().port}`);
    const response = await alice.sendInDialog(dialog, bye);
    expect(response.status).toBe(200);
    const [received] = await bob.waitForRequests('BYE', 1);
    expect(getCSeq(must(received))).toEqual({ seq: getCSeq(invite).seq + 1, method: 'BYE' });
    // RFC 3261 15.1.1 / 15.1.2: both cores end the dialog with the BYE transaction.
    expect(dialog.state).toBe(DialogState.Terminated);
    expect(alice.dialogs.counts().total).toBe(0);
    expect(bob.dialogs.counts().total).toBe(0);
  });

  it('lets the callee hang up, with its own CSeq space, and answers a stale CSeq with 500', async () => {
    const { dialog } = await alice.call(bob);
    await waitUntil(() => bob.dialogs.counts().total === 1);
    const bobDialog = must(bob.dialogs.all()[0]);
    const info = bobDialog.createRequest('INFO');
    expect((await bob.sendInDialog(bobDialog, info)).status).toBe(200);
    expect(dialog.remoteSeq).toBe(getCSeq(info).seq);
    const stale = bobDialog.createRequest('INFO');
    stale.headers.set('CSeq', `${getCSeq(info).seq - 1} INFO`);
    expect((await bob.sendInDialog(bobDialog, stale)).status).toBe(500);
    const bye = bobDialog.createRequest('BYE');
    expect(bye.requestUri).toBe(`sip:alice@127.0.0.1:${alice.target().port}`);
    expect((await bob.sendInDialog(bobDialog, bye)).status).toBe(200);
    expect(bobDialog.state).toBe(DialogState.Terminated);
    expect(dialog.state).toBe(DialogState.Terminated);
    expect(bob.dialogs.counts().total).toBe(0);
    // A request for a dialog that is gone: 481 (RFC 3261 12.2.2).
    const late = newInfoLike(bobDialog, alice);
    expect((await bob.send(late, alice.target())).status).toBe(481);
  });
});

describe('INVITE over lossy UDP', () => {
  it('completes the call when the first two 200 OKs are lost: the UAS core retransmits until the ACK', async () => {
    const lossyBob = await TestUserAgent.start(
      (m, i) => m.kind === 'response' && m.status === 200 && i < 2,
    );
    try {
      const { dialog } = await alice.call(lossyBob);
      expect(dialog.state).toBe(DialogState.Confirmed);
      await waitUntil(() => lossyBob.acks.length === 1, 5000, 'the ACK');
      expect(lossyBob.counts().awaitingAck).toBe(0);
      expect(lossyBob.peer.sent(200)).toHaveLength(1);
      expect(alice.peer.received(200)).toHaveLength(1);
      expect((await alice.sendInDialog(dialog, dialog.createRequest('BYE'))).status).toBe(200);
      expect(lossyBob.counts().dialogs).toBe(0);
    } finally {
      await lossyBob.close();
    }
  });
});

describe("REFER's implicit subscription", () => {
  it('creates a dialog from REFER/202 and ends it with NOTIFY terminated;reason=noresource', async () => {
    let notifier: Dialog | undefined;
    bob.onRefer = (d) => (notifier = d);
    const subscriber = await alice.refer(bob, `<sip:carol@127.0.0.1;method=BYE>`);
    expect(subscriber.subscriptionUsages).toHaveLength(1);
    if (!notifier) throw new Error('no notifier dialog');
    const usage = must(notifier.subscriptionUsages[0]);
    const trying = createNotify(notifier, usage, {
      state: SubscriptionUsageState.Active,
      expires: 60,
      body: statusSipFrag(100, 'Trying'),
    });
    expect((await bob.sendInDialog(notifier, trying)).status).toBe(200);
    expect(subscriber.subscriptionUsages[0]?.state).toBe(SubscriptionUsageState.Active);
    const done = createNotify(notifier, usage, {
      state: SubscriptionUsageState.Terminated,
      reason: 'noresource',
      body: statusSipFrag(200, 'OK'),
    });
    expect(notifier.state).toBe(DialogState.Terminated);
    expect((await bob.sendInDialog(notifier, done)).status).toBe(200);
    const notifies = await alice.waitForRequests('NOTIFY', 2);
    expect(notifies.map((n) => getSubscriptionState(n)?.state)).toEqual(['active', 'terminated']);
    expect(getSubscriptionState(must(notifies[1]))?.reason).toBe('noresource');
    expect(notifies[0]?.headers.get('Content-Type')).toBe('message/sipfrag;version=2.0');
    expect(Buffer.from(must(notifies[1]).body).toString()).toBe('SIP/2.0 200 OK\r\n');
    expect(getCSeq(must(notifies[1])).seq).toBe(getCSeq(must(notifies[0])).seq + 1);
    expect(subscriber.state).toBe(DialogState.Terminated);
    expect(alice.dialogs.counts().total + bob.dialogs.counts().total).toBe(0);
  });

  it('creates the subscriber dialog from a NOTIFY that arrives before the 202 (RFC 6665 4.1.2.4)', async () => {
    let release: () => void = () => undefined;
    bob.hold202 = new Promise<void>((r) => (release = r));
    bob.onRefer = (d) => {
      const notify = createNotify(d, must(d.subscriptionUsages[0]), {
        state: SubscriptionUsageState.Active,
        body: statusSipFrag(100, 'Trying'),
      });
      void bob.sendInDialog(d, notify).then(() => release());
    };
    const subscriber = await alice.refer(bob, '<sip:carol@127.0.0.1>');
    expect(alice.dialogs.all()).toEqual([subscriber]);
    expect(subscriber.remoteTarget).toBe(`sip:ua@127.0.0.1:${bob.target().port}`);
    expect(subscriber.subscriptionUsages[0]?.state).toBe(SubscriptionUsageState.Active);
    // The notifier ends the subscription, and with it both dialogs.
    const notifier = must(bob.dialogs.all()[0]);
    const done = createNotify(notifier, must(notifier.subscriptionUsages[0]), {
      state: SubscriptionUsageState.Terminated,
      reason: 'noresource',
      body: statusSipFrag(200, 'OK'),
    });
    expect((await bob.sendInDialog(notifier, done)).status).toBe(200);
    expect(subscriber.state).toBe(DialogState.Terminated);
  });

  it('adds a usage with id = REFER CSeq inside an INVITE dialog; the dialog outlives the subscription', async () => {
    const { dialog } = await alice.call(bob);
    await waitUntil(() => bob.dialogs.counts().total === 1);
    const bobDialog = must(bob.dialogs.all()[0]);
    const refer = dialog.createRequest('REFER', {
      headers: [['Refer-To', '<sip:carol@127.0.0.1>']],
    });
    const subscriberUsage = addReferUsage(dialog, refer, 'subscriber');
    expect((await alice.sendInDialog(dialog, refer)).status).toBe(202);
    const [receivedRefer] = await bob.waitForRequests('REFER', 1);
    const notifierUsage = addReferUsage(bobDialog, must(receivedRefer), 'notifier');
    expect(notifierUsage.id).toBe(String(getCSeq(refer).seq));
    const notify = createNotify(bobDialog, notifierUsage, {
      state: SubscriptionUsageState.Terminated,
      reason: 'noresource',
      body: statusSipFrag(200, 'OK'),
    });
    // RFC 3515 2.4.6: NOTIFYs for a REFER inside a dialog carry id = the REFER's CSeq.
    expect(getEvent(notify)).toMatchObject({ package: 'refer', id: String(getCSeq(refer).seq) });
    expect((await bob.sendInDialog(bobDialog, notify)).status).toBe(200);
    expect(subscriberUsage.state).toBe(SubscriptionUsageState.Terminated);
    expect(dialog.state).toBe(DialogState.Confirmed);
    expect(bobDialog.state).toBe(DialogState.Confirmed);
    expect((await alice.sendInDialog(dialog, dialog.createRequest('BYE'))).status).toBe(200);
    expect(dialog.state).toBe(DialogState.Terminated);
    expect(bobDialog.state).toBe(DialogState.Terminated);
  });
});

/** A request carrying the tags of a dialog the peer no longer has. */
function newInfoLike(dialog: Dialog, to: TestUserAgent): SipRequest {
  return createRequest({
    method: 'INFO',
    requestUri: `sip:alice@127.0.0.1:${to.target().port}`,
    from: dialog.localAddress,
    to: dialog.remoteAddress,
    callId: dialog.id.callId,
    cseq: 999_999,
  });
}
