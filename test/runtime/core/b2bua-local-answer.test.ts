import { afterEach, describe, expect, it } from 'vitest';
import { mbcpPeerOf, mbcpSdp } from '../../../runtime/core/index.js';
import { MbcpEndpoint } from '../../../runtime/mbcp/index.js';
import type { MbcpPacketRecord } from '../../../runtime/mbcp/index.js';
import { startB2bua } from './helpers/b2bua-fixture.js';
import type { B2buaScenario } from './helpers/b2bua-fixture.js';
import { offerSdp, settleSnapshots, waitUntil } from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

describe('MBCP media in SDP (OMA PoC user plane)', () => {
  it('offers the MBCP endpoint as an application stream and reads the peer back', () => {
    const sdp = mbcpSdp({ address: '127.0.0.1', port: 40000 }, 7);
    expect(sdp).toContain('m=application 40000 udp MBCP');
    expect(mbcpPeerOf(sdp)).toEqual({ address: '127.0.0.1', port: 40000 });
    expect(mbcpPeerOf(mbcpSdp({ address: '::1', port: 40002 }))).toEqual({
      address: '::1',
      port: 40002,
    });
  });

  it('finds no MBCP peer in SDP without an MBCP stream, with its port 0, or in a body that is not SDP', () => {
    expect(mbcpPeerOf(offerSdp('alice'))).toBeUndefined();
    expect(
      mbcpPeerOf(mbcpSdp({ address: '127.0.0.1', port: 40000 }).replace(' 40000 ', ' 0 ')),
    ).toBeUndefined();
    expect(mbcpPeerOf('INVITE is not SDP')).toBeUndefined();
    expect(mbcpPeerOf(undefined)).toBeUndefined();
  });
});

describe('an INVITE the B2BUA answers as its own end (OMA PoC Pre-established Session)', () => {
  let scenario: B2buaScenario | undefined;
  const endpoints: MbcpEndpoint[] = [];
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
    for (const e of endpoints.splice(0)) await e.close();
  });

  it('answers with its MBCP media, holds a session of one leg, disconnects over MBCP and forgets the session with the BYE', async () => {
    const s = (scenario = await startB2bua());
    const packets: MbcpPacketRecord[] = [];
    const server = await MbcpEndpoint.open({ onPacket: (p) => packets.push(p) });
    const client = await MbcpEndpoint.open({ onPacket: (p) => packets.push(p) });
    endpoints.push(server, client);
    let peer: ReturnType<typeof mbcpPeerOf>;
    s.b2bua.answerInvite = (incoming) => {
      peer = mbcpPeerOf(incoming.request.body);
      s.b2bua.answerLocally(incoming, 200, {
        contentType: 'application/sdp',
        body: mbcpSdp(server.local),
      });
      return true;
    };
    const target = s.b2bua.core.target;
    const uri = `sip:b2bua@${target.address}:${target.port}`;
    const { response, dialog } = await s.alice.core.invite({
      requestUri: uri,
      from: `<${s.alice.uri}>`,
      to: `<${uri}>`,
      contentType: 'application/sdp',
      body: mbcpSdp(client.local),
      target,
    }).result;
    expect(response.status).toBe(200);
    expect(mbcpPeerOf(response.body)).toEqual(server.local);
    expect(peer).toEqual(client.local);
    // Nothing was relayed: bob saw no INVITE.
    expect(s.bob.received('INVITE')).toHaveLength(0);
    expect(s.b2bua.sessions.size).toBe(1);
    const session = s.b2bua.sessions.values()[0];
    expect(session?.server).toBeUndefined();
    // OMA PoC Figure 19 steps A and B: the Disconnect is acknowledged by the client's endpoint.
    const sent = await server.send(
      { kind: 'Disconnect', ssrc: server.ssrc, ackRequired: true },
      client.local,
    );
    expect(sent.acknowledgement?.kind).toBe('Acknowledgement');
    expect(packets.filter((p) => p.direction === 'out').map((p) => p.message?.kind)).toEqual([
      'Disconnect',
      'Acknowledgement',
    ]);
    if (!dialog) throw new Error('no dialog');
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    await waitUntil(() => s.b2bua.sessions.size === 0, 'the session to end with its dialog');
    expect(await settleSnapshots([s.alice.core, s.b2bua])).toEqual([ZERO, ZERO]);
  });

  it('leaves nothing behind when it answers with a failure', async () => {
    const s = (scenario = await startB2bua());
    s.b2bua.answerInvite = (incoming) => {
      expect(s.b2bua.answerLocally(incoming, 486)).toBeUndefined();
      return true;
    };
    const target = s.b2bua.core.target;
    const uri = `sip:b2bua@${target.address}:${target.port}`;
    const { response } = await s.alice.core.invite({
      requestUri: uri,
      from: `<${s.alice.uri}>`,
      to: `<${uri}>`,
      target,
    }).result;
    expect(response.status).toBe(486);
    expect(await settleSnapshots([s.alice.core, s.b2bua])).toEqual([ZERO, ZERO]);
  });
});
