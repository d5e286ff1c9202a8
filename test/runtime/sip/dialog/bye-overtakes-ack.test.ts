/**
 * RFC 3261 13.3.1.4 through the whole stack (docs/interop.md F5): a UAS whose
 * BYE handler answers the BYE (as the generated roles and the B2BUA do) stops
 * retransmitting its 2xx when the BYE overtakes the lost ACK, although the
 * BYE ends the dialog the ACK would have matched. Two user agent cores on
 * real UDP sockets on 127.0.0.1, timers on a FakeClock, every ACK of the
 * caller lost on its way out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UserAgentCore } from '../../../../runtime/core/index.js';
import { FakeClock } from '../../../../runtime/sip/timers/index.js';
import { LossyTransport } from '../transaction/lossy-transport.js';
import { must, settle, SipTestPeer, waitUntil } from '../transaction/sip-test-peer.js';

const peers: SipTestPeer[] = [];
const cores: UserAgentCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
  for (const peer of peers.splice(0)) await peer.close();
});

describe('a BYE that overtakes the lost ACK of a 2xx (RFC 3261 13.3.1.4)', () => {
  it('stops the 2xx retransmissions of a UAS that answers the BYE itself', async () => {
    const clock = new FakeClock();
    const alicePeer = await SipTestPeer.start('127.0.0.1', () => clock.now());
    const bobPeer = await SipTestPeer.start('127.0.0.1', () => clock.now());
    peers.push(alicePeer, bobPeer);
    const aliceUri = `sip:alice@127.0.0.1:${alicePeer.target().port}`;
    const bobUri = `sip:bob@127.0.0.1:${bobPeer.target().port}`;
    // Every ACK the caller sends is lost.
    const lossy = new LossyTransport(
      alicePeer.transport,
      (m) => m.kind === 'request' && m.method === 'ACK',
    );
    const alice = new UserAgentCore({ transport: lossy, contact: `<${aliceUri}>`, clock });
    const bob = new UserAgentCore({
      transport: bobPeer.transport,
      contact: `<${bobUri}>`,
      clock,
    });
    cores.push(alice, bob);
    bob.on('INVITE', (incoming) => incoming.respond(200));
    bob.on('BYE', (incoming) => incoming.respond(200));

    const call = alice.invite({ requestUri: bobUri, from: `<${aliceUri}>`, to: `<${bobUri}>` });
    const { response, dialog } = await call.result;
    expect(response.status).toBe(200);
    // T1 passes: the 2xx is sent again, its ACK is lost again.
    clock.advance(500);
    await waitUntil(() => bobPeer.sent(200).length >= 2, 3000, 'the 2xx retransmission');
    await waitUntil(() => lossy.dropped.length >= 2, 3000, 'the second ACK, lost');
    // The BYE overtakes the ACK: bob answers it, the dialog ends.
    const bye = alice.bye(must(dialog));
    await waitUntil(() => bobPeer.received('BYE').length === 1, 3000, 'the BYE at bob');
    expect((await bye).status).toBe(200);
    const invite200s = (): number =>
      bobPeer.sent(200).filter((e) => e.message?.headers.get('CSeq')?.endsWith('INVITE')).length;
    const before = invite200s();
    // 64*T1 later: not one more 2xx (retransmitted until the ACK, 9 more would go out).
    for (let t = 0; t < 32; t++) {
      clock.advance(1000);
      await settle(2);
    }
    await settle();
    expect(invite200s()).toBe(before);
    expect(bob.dialogs.counts().total).toBe(0);
  });
});
