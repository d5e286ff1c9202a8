/**
 * B2BUA sessions with several server legs (OMA CPM 8.2.2.1: a CPM Session
 * interworked to one IWF per server leg): opening them one after the other,
 * the merged answer, release of one leg and of all, and BYE glare.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  activeStreams,
  B2buaCore,
  B2buaSessionState,
  mergeAnswers,
  ReleaseOrder,
  removeMediaStreams,
  UserAgentCore,
} from '../../../runtime/core/index.js';
import type { B2buaSession } from '../../../runtime/core/index.js';
import type { Dialog } from '../../../runtime/sip/dialog/index.js';
import type { TransportTraceEvent } from '../../../runtime/sip/transport/index.js';
import { getCallId, parseSdp } from '../../../runtime/sip/message/index.js';
import {
  FAST_CLOCK,
  must,
  offerSdp,
  Phone,
  ringing,
  settleSnapshots,
  waitUntil,
} from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

interface Interworked {
  readonly alice: Phone;
  readonly iwfs: readonly Phone[];
  readonly b2bua: B2buaCore;
  close(): Promise<void>;
}

/** alice's INVITE to the B2BUA is interworked to each IWF, one server leg each. */
async function startInterworked(count: number, order: ReleaseOrder): Promise<Interworked> {
  const alice = await Phone.start('alice');
  const iwfs = await Promise.all(
    Array.from({ length: count }, (_, i) => Phone.start(`iwf${String(i + 1)}`)),
  );
  const core = await UserAgentCore.listen({ address: '127.0.0.1', user: 'pf', clock: FAST_CLOCK });
  const b2bua = new B2buaCore({
    core,
    route: () => iwfs.map((iwf) => ({ requestUri: iwf.uri })),
    releaseOrder: order,
  });
  return {
    alice,
    iwfs,
    b2bua,
    close: async () => {
      await Promise.all([alice.close(), ...iwfs.map((iwf) => iwf.close()), core.close()]);
    },
  };
}

function call(s: Interworked) {
  const target = s.b2bua.core.target;
  const uri = `sip:chat@${target.address}:${String(target.port)}`;
  return s.alice.core.invite({
    requestUri: uri,
    from: `<${s.alice.uri}>`,
    to: `<${uri}>`,
    contentType: 'application/sdp',
    body: s.alice.localSdp,
    target,
  });
}

async function establish(s: Interworked): Promise<{ dialog: Dialog; session: B2buaSession }> {
  const { response, dialog } = await call(s).result;
  if (response.status !== 200 || !dialog)
    throw new Error(`the call failed with ${response.status}`);
  await waitUntil(
    () => s.iwfs.every((iwf) => iwf.received('ACK').length >= 1),
    'the ACK on every server leg',
  );
  return { dialog, session: must(s.b2bua.sessions.values()[0], 'a session') };
}

/** The IWFs answer the audio and the MSRP stream of the offer between them. */
function splitMedia(s: Interworked): void {
  const [audio, message] = s.iwfs;
  if (audio) audio.localSdp = removeMediaStreams(audio.localSdp, (m) => m.type === 'message');
  if (message) message.localSdp = removeMediaStreams(message.localSdp, (m) => m.type === 'audio');
}

describe('B2buaCore with several server legs over loopback UDP', () => {
  let scenario: Interworked | undefined;
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });
  const start = async (count: number, order = ReleaseOrder.ReleaseFirst) =>
    (scenario = await startInterworked(count, order));
  const idle = (s: Interworked) =>
    settleSnapshots([s.alice.core, ...s.iwfs.map((iwf) => iwf.core), s.b2bua]);

  it('opens one server leg per route, each after the previous one is answered, and merges the answers', async () => {
    const s = await start(2);
    splitMedia(s);
    const { dialog, session } = await establish(s);
    const [first, second] = s.iwfs.map((iwf) => must(iwf.received('INVITE')[0]));
    expect(getCallId(must(first))).not.toBe(getCallId(must(second)));
    // OMA CPM 8.2.2.1: the second IWF is invited once the first has answered and been ACKed.
    const firstAck = s.iwfs[0]?.trace.find(
      (e) => e.message?.kind === 'request' && e.message.method === 'ACK',
    );
    const secondInvite = s.iwfs[1]?.trace.find(
      (e) => e.message?.kind === 'request' && e.message.method === 'INVITE',
    );
    expect(must(firstAck).time).toBeLessThanOrEqual(must(secondInvite).time);
    expect(session.servers.map((leg) => leg.callId)).toEqual([
      getCallId(must(first)),
      getCallId(must(second)),
    ]);
    expect(session.servers.map((leg) => leg.streams)).toEqual([[0], [1]]);
    const answer = must(session.client.localSdp);
    expect(activeStreams(answer)).toEqual(['audio', 'message']);
    expect(parseSdp(answer).media.map((m) => m.port)).toEqual(
      s.iwfs.map((iwf, i) => parseSdp(iwf.localSdp).media[i]?.port),
    );
    expect(session.state).toBe(B2buaSessionState.Established);
    expect(s.b2bua.snapshot()).toMatchObject({ dialogs: 3, sessions: 1 });
    await s.alice.core.bye(dialog);
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
  });

  it('passes a single answer on as it came, with every stream it accepted', () => {
    const only = offerSdp('iwf');
    expect(mergeAnswers([only])).toEqual({ sdp: only, streams: [[0, 1]] });
    expect(mergeAnswers([undefined, undefined])).toEqual({ sdp: undefined, streams: [[], []] });
  });

  it('releases every IWF leg on the BYE of the client leg before answering it (OMA CPM 8.2.2.3 4.a, 4.c)', async () => {
    const s = await start(2);
    const { dialog } = await establish(s);
    const bye = await s.alice.core.bye(dialog);
    expect(bye.status).toBe(200);
    for (const iwf of s.iwfs) {
      expect(iwf.received('BYE')).toHaveLength(1);
      // Release first: each IWF answered its BYE before the client got its 200.
      const ok = must(
        iwf.trace.find(
          (e) =>
            e.direction === 'out' &&
            e.message?.kind === 'response' &&
            e.message.headers.get('CSeq')?.endsWith(' BYE'),
        ),
      );
      const aliceOk = must(
        s.alice.trace.find(
          (e) =>
            e.direction === 'in' &&
            e.message?.kind === 'response' &&
            e.message.headers.get('CSeq')?.endsWith(' BYE'),
        ),
      );
      expect(ok.time).toBeLessThanOrEqual(aliceOk.time);
    }
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
  });

  it('closes the whole session on the BYE of one IWF: the client and the other IWF get BYE (8.2.2.3 6.b)', async () => {
    const s = await start(2);
    await establish(s);
    const iwfDialog = must(s.iwfs[0]?.core.dialogs.all()[0]);
    const bye = await must(s.iwfs[0]).core.bye(iwfDialog);
    expect(bye.status).toBe(200);
    await waitUntil(() => s.alice.received('BYE').length === 1, 'the BYE to the client');
    await waitUntil(() => s.iwfs[1]?.received('BYE').length === 1, 'the BYE to the other IWF');
    expect(s.iwfs[0]?.received('BYE')).toHaveLength(0);
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
  });

  it('keeps the session when one IWF leaves and only its streams are removed on the client leg (8.2.2.3 6.a)', async () => {
    const s = await start(2);
    splitMedia(s);
    const { session } = await establish(s);
    const leg = must(session.servers[1]);
    s.b2bua.core.on('BYE', (incoming) => {
      void (async () => {
        const [response] = await s.b2bua.removeStreams(
          session,
          (_, index) => leg.streams.includes(index),
          [session.client],
        );
        expect(response?.status).toBe(200);
        incoming.respond(200);
      })();
    });
    const bye = await must(s.iwfs[1]).core.bye(must(s.iwfs[1]?.core.dialogs.all()[0]));
    expect(bye.status).toBe(200);
    expect(activeStreams(s.alice.localSdp)).toEqual(['audio']);
    expect(activeStreams(must(session.client.localSdp))).toEqual(['audio']);
    expect(s.iwfs[0]?.received('INVITE')).toHaveLength(1);
    expect(leg.active).toBe(false);
    expect(session.other(session.client)).toBe(session.servers[0]);
    // The rest of the session ends with the release of every leg still up.
    const responses = await s.b2bua.release(session);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(s.alice.received('BYE')).toHaveLength(1);
    expect(s.iwfs[0]?.received('BYE')).toHaveLength(1);
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
  });

  it('releases every leg but one with releaseOthers', async () => {
    const s = await start(2);
    const { session } = await establish(s);
    const kept = must(session.servers[0]);
    const responses = await s.b2bua.releaseOthers(session, kept);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(kept.active).toBe(true);
    expect(s.b2bua.snapshot()).toMatchObject({ sessions: 1, dialogs: 1 });
    expect((await s.b2bua.release(session)).map((r) => r.status)).toEqual([200]);
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
  });

  it('never sends BYE on a leg after its peer sent one, when BYEs cross (glare)', async () => {
    for (const order of [ReleaseOrder.AnswerFirst, ReleaseOrder.ReleaseFirst]) {
      const s = await start(2, order);
      const trace: TransportTraceEvent[] = [];
      s.b2bua.core.transport?.addTraceHook((event) => trace.push(event));
      const { dialog } = await establish(s);
      const iwfDialog = must(s.iwfs[0]?.core.dialogs.all()[0]);
      const [fromClient, fromIwf] = await Promise.all([
        s.alice.core.bye(dialog),
        must(s.iwfs[0]).core.bye(iwfDialog),
      ]);
      // RFC 3261 15.1.2: each BYE is answered, 200 or, when the dialog had already ended, 481.
      expect([200, 481]).toContain(fromClient.status);
      expect([200, 481]).toContain(fromIwf.status);
      await waitUntil(() => s.iwfs[1]?.received('BYE').length === 1, 'the BYE to the other IWF');
      expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
      const byes = trace.filter((e) => e.message?.kind === 'request' && e.message.method === 'BYE');
      for (const callId of new Set(byes.map((e) => getCallId(must(e.message))))) {
        const onLeg = byes.filter((e) => getCallId(must(e.message)) === callId);
        const received = onLeg.findIndex((e) => e.direction === 'in');
        const sent = onLeg.findIndex((e) => e.direction === 'out');
        if (received >= 0 && sent >= 0) expect(sent).toBeLessThan(received);
      }
      expect(s.iwfs[1]?.received('BYE')).toHaveLength(1);
      await s.close();
      scenario = undefined;
    }
  });

  it('answers with the legs that accepted and drops the one that refused', async () => {
    const s = await start(2);
    must(s.iwfs[0]).answerMode = 'busy';
    const { dialog, session } = await establish(s);
    expect(session.servers).toHaveLength(1);
    expect(session.server?.callId).toBe(getCallId(must(s.iwfs[1]?.received('INVITE')[0])));
    await s.alice.core.bye(dialog);
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
  });

  it('answers the client leg with the first failure when every leg refuses', async () => {
    const s = await start(2);
    for (const iwf of s.iwfs) iwf.answerMode = 'busy';
    const { response } = await call(s).result;
    expect(response.status).toBe(486);
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
  });

  it('cancels the ringing leg and opens no further one when the client leg is cancelled (RFC 3261 9.2)', async () => {
    const s = await start(2);
    must(s.iwfs[0]).answerMode = 'ring-only';
    const outgoing = call(s);
    await ringing(outgoing);
    const cancel = await outgoing.cancel();
    expect(cancel?.status).toBe(200);
    expect((await outgoing.result).response.status).toBe(487);
    await waitUntil(
      () => s.iwfs[0]?.received('CANCEL').length === 1,
      'the CANCEL on the server leg',
    );
    expect(await idle(s)).toEqual([ZERO, ZERO, ZERO, ZERO]);
    expect(s.iwfs[1]?.received('INVITE')).toHaveLength(0);
  });
});
