import { afterEach, describe, expect, it } from 'vitest';
import {
  createTargetDialogRefer,
  referOutcome,
  sendReferOutOfDialog,
} from '../../../runtime/core/index.js';
import type { B2buaSession } from '../../../runtime/core/index.js';
import type { Dialog } from '../../../runtime/sip/dialog/index.js';
import {
  getFrom,
  getSubscriptionState,
  getTargetDialog,
  parseSipFrag,
} from '../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../runtime/sip/message/index.js';
import { startB2bua } from './helpers/b2bua-fixture.js';
import type { B2buaScenario } from './helpers/b2bua-fixture.js';
import { establish } from './helpers/b2bua-fixture.js';
import { must, settleSnapshots, waitUntil } from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

/** alice sets up a session of one leg with the B2BUA, which answers it itself (OMA PoC: the Pre-established Session). */
async function preEstablish(s: B2buaScenario): Promise<Dialog> {
  s.b2bua.answerInvite = (incoming) => {
    s.b2bua.answerLocally(incoming, 200);
    return true;
  };
  const target = s.b2bua.core.target;
  const uri = `sip:b2bua@${target.address}:${target.port}`;
  const { response, dialog } = await s.alice.core.invite({
    requestUri: uri,
    from: `<${s.alice.uri}>`,
    to: `<${uri}>`,
    target,
  }).result;
  expect(response.status).toBe(200);
  return must(dialog, 'the Pre-established Session dialog');
}

/** alice's REFER about `about` (RFC 4538 Target-Dialog), with the NOTIFY that ends its subscription. */
async function referAbout(
  s: B2buaScenario,
  about: Dialog,
  referTo: string,
): Promise<{ status: number; outcome: Promise<SipRequest> }> {
  const refer = createTargetDialogRefer(about, {
    from: `<${s.alice.uri}>`,
    contact: s.alice.core.contact,
    referTo,
  });
  const outcome = referOutcome(s.alice.core, refer);
  const { response } = await sendReferOutOfDialog(s.alice.core, refer);
  if (response.status >= 300) outcome.cancel();
  return { status: response.status, outcome: outcome.notify };
}

function frag(notify: SipRequest): string {
  return parseSipFrag(notify.body).startLine;
}

describe('REFER method=INVITE at the B2BUA: joining over a session of one leg (RFC 3515, OMA PoC Pre-established Session)', () => {
  let scenario: B2buaScenario | undefined;
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });

  it('opens the server leg towards the Refer-To URI, runs `joined` after the only NOTIFY was answered, and a later REFER method=BYE releases that leg and keeps the session', async () => {
    const s = (scenario = await startB2bua());
    const dialog = await preEstablish(s);
    const joined: B2buaSession[] = [];
    const notifiesWhenJoined: number[] = [];
    s.b2bua.joined = (session) => {
      joined.push(session);
      notifiesWhenJoined.push(s.alice.received('NOTIFY').length);
      return Promise.resolve();
    };
    const join = await referAbout(s, dialog, `<${s.bob.uri};method=INVITE>`);
    expect(join.status).toBe(202);
    const final = await join.outcome;
    // RFC 3515 2.4.5: one NOTIFY with the INVITE's final response ends the subscription.
    expect(getSubscriptionState(final)).toMatchObject({
      state: 'terminated',
      reason: 'noresource',
    });
    expect(frag(final)).toBe('SIP/2.0 200 OK');
    expect(s.alice.received('NOTIFY')).toHaveLength(1);
    // RFC 3261 19.1.1: the method parameter is not part of the INVITE's Request-URI.
    const [invite] = s.bob.received('INVITE');
    expect(must(invite).requestUri).toBe(s.bob.uri);
    expect(getFrom(must(invite)).uri.raw).toBe(s.alice.uri);
    await waitUntil(() => joined.length >= 1, 'joined, once the NOTIFY was answered');
    // OMA PoC: the final NOTIFY and its 200 come before the MBCP Connect the role sends once joined.
    expect(notifiesWhenJoined).toEqual([1]);
    const session = must(joined[0], 'the joined session');
    expect(session.server?.active).toBe(true);
    await waitUntil(() => s.bob.received('ACK').length >= 1, 'the ACK on the server leg');
    // The REFER's own dialog ended with its subscription.
    expect(s.alice.core.dialogs.all()).toEqual([dialog]);

    const leave = await referAbout(s, dialog, `<${s.bob.uri};method=BYE>`);
    expect(leave.status).toBe(202);
    const done = await leave.outcome;
    expect(frag(done)).toBe('SIP/2.0 200 OK');
    expect(s.bob.received('BYE')).toHaveLength(1);
    expect(s.alice.received('NOTIFY').map((n) => getSubscriptionState(n)?.state)).toEqual([
      'terminated',
      'active',
      'terminated',
    ]);
    // The Pre-established Session stays up until its own BYE.
    expect(dialog.hasInviteUsage).toBe(true);
    expect(s.b2bua.sessions.size).toBe(1);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('sends its Target-Dialog with the sender tag as local-tag (RFC 4538 7)', async () => {
    const s = (scenario = await startB2bua());
    const dialog = await preEstablish(s);
    const refer = createTargetDialogRefer(dialog, {
      from: `<${s.alice.uri}>`,
      contact: s.alice.core.contact,
      referTo: `<${s.bob.uri};method=INVITE>`,
    });
    expect(refer.requestUri).toBe(dialog.remoteTarget);
    expect(getTargetDialog(refer)).toMatchObject({
      callId: dialog.id.callId,
      localTag: dialog.id.localTag,
      remoteTag: dialog.id.remoteTag,
    });
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
  });

  it('reports a refused INVITE in the final NOTIFY and keeps the session of one leg', async () => {
    const s = (scenario = await startB2bua());
    s.bob.answerMode = 'busy';
    const dialog = await preEstablish(s);
    const join = await referAbout(s, dialog, `<${s.bob.uri}>`);
    expect(join.status).toBe(202);
    expect(frag(await join.outcome)).toBe('SIP/2.0 486 Busy Here');
    const session = must(s.b2bua.sessions.values()[0], 'the session');
    expect(session.server).toBeUndefined();
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('refuses a join of a session that has two legs (403) and a method it does not act on (403)', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    expect((await referAbout(s, dialog, `<${s.bob.uri};method=INVITE>`)).status).toBe(403);
    expect((await referAbout(s, dialog, `<${s.bob.uri};method=OPTIONS>`)).status).toBe(403);
    expect(s.bob.received('INVITE')).toHaveLength(1);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });
});
