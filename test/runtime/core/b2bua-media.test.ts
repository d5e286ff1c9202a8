import { afterEach, describe, expect, it } from 'vitest';
import {
  activeStreams,
  removeMediaStreams,
  answerStreamRemoval,
} from '../../../runtime/core/index.js';
import { parseSdp } from '../../../runtime/sip/message/index.js';
import { establish, startB2bua } from './helpers/b2bua-fixture.js';
import type { B2buaScenario } from './helpers/b2bua-fixture.js';
import { offerSdp, settleSnapshots, must } from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

describe('re-INVITE removing a media stream (RFC 3264 8.2, CPM IWF policy)', () => {
  let scenario: B2buaScenario | undefined;
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });

  it('sets the port of the removed m-line to 0, keeps the line and increments the o= version', () => {
    const offer = removeMediaStreams(offerSdp('alice'), (m) => m.type === 'message');
    const sdp = parseSdp(offer);
    expect(sdp.media.map((m) => [m.type, m.port])).toEqual([
      ['audio', 49170],
      ['message', 0],
    ]);
    expect(Number(sdp.origin?.sessionVersion)).toBe(2);
    const answer = answerStreamRemoval(offer, offerSdp('bob', 50000));
    expect(activeStreams(answer)).toEqual(['audio']);
    expect(parseSdp(answer).media).toHaveLength(2);
  });

  it('removes the MSRP stream on both legs with re-INVITEs from the B2BUA', async () => {
    const s = (scenario = await startB2bua());
    const { dialog, session } = await establish(s);
    const responses = await s.b2bua.removeStreams(session, (m) => m.type === 'message');
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const offers = [s.alice, s.bob].map((p) =>
      Buffer.from(must(p.received('INVITE').at(-1)).body).toString(),
    );
    expect(offers.map((o) => activeStreams(o))).toEqual([['audio'], ['audio']]);
    expect(activeStreams(s.alice.localSdp)).toEqual(['audio']);
    expect(activeStreams(s.bob.localSdp)).toEqual(['audio']);
    expect(session.legs().map((leg) => activeStreams(must(leg.localSdp)))).toEqual([
      ['audio'],
      ['audio'],
    ]);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('relays a re-INVITE from the client leg that removes a stream and returns the answer', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    const offer = removeMediaStreams(s.alice.localSdp, (m) => m.type === 'audio');
    const { response } = await s.alice.core.reinvite(dialog, {
      contentType: 'application/sdp',
      body: offer,
    }).result;
    expect(response.status).toBe(200);
    expect(Buffer.from(must(s.bob.received('INVITE').at(-1)).body).toString()).toBe(offer);
    expect(activeStreams(response.body)).toEqual(['message']);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });
});
