/**
 * The media of a CPM Session in SDP (MSRP message streams, RFC 4975 8.1;
 * offer/answer, RFC 3264 6) and a re-INVITE in a dialog the B2BUA started as
 * its own end (OMA CPM 8.3.2.3 4.a: the other CPM entity is sent the
 * re-INVITE removing an IWF's streams).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  activeStreams,
  answerMessageOffer,
  answerStreamRemoval,
  messageSdp,
  removeMediaStreams,
} from '../../../runtime/core/index.js';
import { parseSdp } from '../../../runtime/sip/message/index.js';
import { startB2bua } from './helpers/b2bua-fixture.js';
import type { B2buaScenario } from './helpers/b2bua-fixture.js';
import { must, offerSdp, settleSnapshots } from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

describe('CPM Session media in SDP (RFC 4975 8.1, RFC 3264 6)', () => {
  it('offers one MSRP message stream with its path on the given address', () => {
    const sdp = parseSdp(messageSdp({ address: '127.0.0.1', port: 5070 }, 42));
    expect(sdp.media.map((m) => [m.type, m.port, m.protocol, m.payloads])).toEqual([
      ['message', 5070, 'TCP/MSRP', '*'],
    ]);
    expect(messageSdp({ address: '::1', port: 5070 }, 42)).toContain(
      'a=path:msrp://[::1]:5070/42;tcp',
    );
  });

  it('accepts the message streams of an offer and rejects the others with port 0, in order', () => {
    const answer = must(
      answerMessageOffer(offerSdp('alice'), { address: '127.0.0.1', port: 6000 }),
    );
    expect(parseSdp(answer).media.map((m) => [m.type, m.port])).toEqual([
      ['audio', 0],
      ['message', 6000],
    ]);
    expect(answerMessageOffer('not SDP', { address: '127.0.0.1', port: 6000 })).toBeUndefined();
  });
});

describe('a re-INVITE in a dialog the B2BUA started as its own end (RFC 3261 14.2)', () => {
  let scenario: B2buaScenario | undefined;
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });

  async function ownSession(s: B2buaScenario) {
    const offer = messageSdp({ address: '127.0.0.1', port: 7000 });
    const { response, dialog } = await s.b2bua.core.invite({
      requestUri: s.bob.uri,
      from: `<sip:pf@127.0.0.1>`,
      to: `<${s.bob.uri}>`,
      contentType: 'application/sdp',
      body: offer,
      target: s.bob.core.target,
    }).result;
    expect(response.status).toBe(200);
    return { offer, dialog: must(dialog), bobDialog: must(s.bob.core.dialogs.all()[0]) };
  }

  it('is refused with 481 when no hook takes it', async () => {
    const s = (scenario = await startB2bua());
    const { dialog, bobDialog } = await ownSession(s);
    const { response } = await s.bob.core.reinvite(bobDialog, {
      contentType: 'application/sdp',
      body: removeMediaStreams(s.bob.localSdp, (_, index) => index === 0),
    }).result;
    expect(response.status).toBe(481);
    expect((await s.b2bua.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.bob.core, s.b2bua])).toEqual([ZERO, ZERO]);
  });

  it('is answered through the answerInvite hook, and answerLocally makes no session of it', async () => {
    const s = (scenario = await startB2bua());
    const { offer, dialog, bobDialog } = await ownSession(s);
    let made: unknown = 'not called';
    s.b2bua.answerInvite = (incoming) => {
      const removal = Buffer.from(incoming.request.body).toString('utf8');
      made = s.b2bua.answerLocally(incoming, 200, {
        contentType: 'application/sdp',
        body: answerStreamRemoval(removal, offer),
      });
      return true;
    };
    const { response } = await s.bob.core.reinvite(bobDialog, {
      contentType: 'application/sdp',
      body: removeMediaStreams(s.bob.localSdp, (_, index) => index === 0),
    }).result;
    expect(response.status).toBe(200);
    expect(activeStreams(response.body)).toEqual([]);
    expect(made).toBeUndefined();
    expect(s.b2bua.snapshot()).toMatchObject({ sessions: 0, dialogs: 1 });
    expect((await s.b2bua.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.bob.core, s.b2bua])).toEqual([ZERO, ZERO]);
  });
});
