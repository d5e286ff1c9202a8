import { afterEach, describe, expect, it } from 'vitest';
import { B2buaSessionState, ReleaseOrder } from '../../../runtime/core/index.js';
import { getCallId, getFrom, getTag, getTo } from '../../../runtime/sip/message/index.js';
import { establish, ladderOf, startB2bua } from './helpers/b2bua-fixture.js';
import type { B2buaScenario } from './helpers/b2bua-fixture.js';
import {
  settleSnapshots,
  waitUntil,
  must,
  CANCELLED_UAS_LADDER,
  ringing,
} from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

describe('B2buaCore over loopback UDP', () => {
  let scenario: B2buaScenario | undefined;
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });
  const start = async (order?: ReleaseOrder): Promise<B2buaScenario> =>
    (scenario = await startB2bua(order));
  const allIdle = async (s: B2buaScenario) => settleSnapshots([s.alice.core, s.bob.core, s.b2bua]);

  it('pairs two legs with their own Call-IDs and tags and passes the SDP through', async () => {
    const s = await start();
    const { dialog, session } = await establish(s);
    const clientInvite = s.b2bua.core.dialogs
      .all()
      .find((d) => d.key === session.client.dialog?.key);
    const aliceInvite = must(s.alice.messages('out')[0]);
    const bobInvite = must(s.bob.received('INVITE')[0]);
    expect(getCallId(bobInvite)).not.toBe(getCallId(aliceInvite));
    expect(getTag(getFrom(bobInvite))).not.toBe(getTag(getFrom(aliceInvite)));
    expect(session.server?.callId).toBe(getCallId(bobInvite));
    expect(clientInvite?.id.callId).toBe(getCallId(aliceInvite));
    expect(Buffer.from(bobInvite.body).toString()).toBe(s.alice.localSdp);
    expect(session.state).toBe(B2buaSessionState.Established);
    expect(s.b2bua.snapshot()).toMatchObject({ dialogs: 2, sessions: 1 });
    await s.alice.core.bye(dialog);
    expect(await allIdle(s)).toEqual([ZERO, ZERO, ZERO]);
  });

  it('answers the BYE on the client leg, then releases the server leg (OMA PoC Figure 16, answer first)', async () => {
    const s = await start(ReleaseOrder.AnswerFirst);
    const { dialog } = await establish(s);
    const bye = await s.alice.core.bye(dialog);
    expect(bye.status).toBe(200);
    await waitUntil(() => s.bob.received('BYE').length >= 1, 'the BYE on the server leg');
    await waitUntil(() => ladderOf(s.trace, 'BYE').length === 4, 'the 200 for the server leg BYE');
    expect(ladderOf(s.trace, 'BYE')).toEqual(['in BYE', 'out 200 BYE', 'out BYE', 'in 200 BYE']);
    expect(await allIdle(s)).toEqual([ZERO, ZERO, ZERO]);
  });

  it('releases the server leg, then answers the client leg (OMA CPM 8.2.2.3 4.c, release first)', async () => {
    const s = await start(ReleaseOrder.ReleaseFirst);
    const { dialog } = await establish(s);
    const bye = await s.alice.core.bye(dialog);
    expect(bye.status).toBe(200);
    expect(s.bob.received('BYE')).not.toHaveLength(0);
    expect(ladderOf(s.trace, 'BYE')).toEqual(['in BYE', 'out BYE', 'in 200 BYE', 'out 200 BYE']);
    expect(await allIdle(s)).toEqual([ZERO, ZERO, ZERO]);
  });

  it('releases the client leg when the server leg sends BYE', async () => {
    const s = await start();
    await establish(s);
    const bobDialog = must(s.bob.core.dialogs.all()[0]);
    expect((await s.bob.core.bye(bobDialog)).status).toBe(200);
    await waitUntil(() => s.alice.received('BYE').length >= 1, 'the BYE on the client leg');
    expect(getCallId(must(s.alice.received('BYE')[0]))).toBe(
      getCallId(must(s.alice.messages('out')[0])),
    );
    expect(await allIdle(s)).toEqual([ZERO, ZERO, ZERO]);
  });

  it('cancels the server leg when the client leg is cancelled (RFC 3261 9.2)', async () => {
    const s = await start();
    s.bob.answerMode = 'ring-only';
    const target = s.b2bua.core.target;
    const call = s.alice.core.invite({
      requestUri: `sip:bob@${target.address}:${target.port}`,
      from: `<${s.alice.uri}>`,
      to: `<sip:bob@${target.address}:${target.port}>`,
      target,
    });
    await ringing(call);
    expect((await call.cancel())?.status).toBe(200);
    expect((await call.result).response.status).toBe(487);
    await waitUntil(
      () => s.bob.received('ACK').length >= 1,
      'the ACK for the 487 on the server leg',
    );
    expect(s.bob.ladder()).toEqual(CANCELLED_UAS_LADDER);
    expect(await allIdle(s)).toEqual([ZERO, ZERO, ZERO]);
  });

  it('answers the client leg with the final error of the server leg', async () => {
    const s = await start();
    s.bob.answerMode = 'busy';
    const target = s.b2bua.core.target;
    const { response } = await s.alice.core.invite({
      requestUri: `sip:bob@${target.address}:${target.port}`,
      from: `<${s.alice.uri}>`,
      to: `<sip:bob@${target.address}:${target.port}>`,
      target,
    }).result;
    expect(response.status).toBe(486);
    expect(getTag(getTo(response))).toBeDefined();
    expect(await allIdle(s)).toEqual([ZERO, ZERO, ZERO]);
  });
});
