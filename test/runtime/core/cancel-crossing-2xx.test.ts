/**
 * A CANCEL that crosses a 2xx (RFC 3261 9.1): what the B2BUA, the proxy and the
 * user agents do so that the 2xx wins the race cleanly (OMA PoC CANCEL,
 * `race.winner=2xx` and 6.2.X.1 `session.finalResponseSent`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyCore } from '../../../runtime/core/index.js';
import { getVias } from '../../../runtime/sip/message/index.js';
import { buildCancel } from '../../../runtime/sip/transaction/index.js';
import { establish, ladderOf, startB2bua } from './helpers/b2bua-fixture.js';
import type { B2buaScenario } from './helpers/b2bua-fixture.js';
import { FAST_CLOCK, Phone, must, ringing, settleSnapshots, waitUntil } from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

describe('B2buaCore: the INVITE relayed and a CANCEL after the 2xx', () => {
  let scenario: B2buaScenario | undefined;
  afterEach(async () => {
    await scenario?.close();
    scenario = undefined;
  });

  it('sends 100 Trying on the client leg at once when it relays an INVITE (RFC 3261 17.2.1)', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    // The 100 goes out before the server leg's INVITE, not 200 ms later.
    expect(ladderOf(s.trace, 'INVITE').slice(0, 3)).toEqual([
      'in INVITE',
      'out 100 INVITE',
      'out INVITE',
    ]);
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
  });

  it('answers 200 to a CANCEL that crosses its 2xx and keeps the session (RFC 3261 9.2, RFC 6026 7.1)', async () => {
    const s = (scenario = await startB2bua());
    const { dialog } = await establish(s);
    const invite = must(s.alice.messages('out')[0]);
    if (invite.kind !== 'request') throw new Error('alice sent no INVITE first');
    await must(s.alice.core.transport).send(buildCancel(invite), s.b2bua.core.target);
    await waitUntil(
      () => ladderOf(s.trace, 'CANCEL').includes('out 200 CANCEL'),
      'the 200 for the CANCEL',
    );
    expect(ladderOf(s.trace, 'CANCEL')).toEqual(['in CANCEL', 'out 200 CANCEL']);
    expect(s.bob.received('CANCEL')).toHaveLength(0);
    expect(s.b2bua.snapshot()).toMatchObject({ dialogs: 2, sessions: 1 });
    expect((await s.alice.core.bye(dialog)).status).toBe(200);
    expect(await settleSnapshots([s.alice.core, s.bob.core, s.b2bua])).toEqual([ZERO, ZERO, ZERO]);
  });
});

describe('ProxyCore between two user agents: the 2xx, its ACK and a CANCEL', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  /** alice sends through the proxy to bob. */
  const setup = async (): Promise<{ alice: Phone; bob: Phone; proxy: ProxyCore }> => {
    const proxy = await ProxyCore.listen({ address: '127.0.0.1', clock: FAST_CLOCK });
    const alice = await Phone.start('alice', proxy.uri);
    const bob = await Phone.start('bob');
    closers.push(
      () => proxy.close(),
      () => alice.close(),
      () => bob.close(),
    );
    return { alice, bob, proxy };
  };

  it('forwards a retransmitted ACK for a 2xx with the branch of the first (RFC 3261 16.11)', async () => {
    const { alice, bob, proxy } = await setup();
    const { response } = await alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    }).result;
    expect(response.status).toBe(200);
    // What reaches bob's transport (its core absorbs an ACK it already has).
    const acks = (): string[] =>
      bob.trace.flatMap((e) =>
        e.direction === 'in' && e.message?.kind === 'request' && e.message.method === 'ACK'
          ? [getVias(e.message)[0]?.branch ?? '']
          : [],
      );
    await waitUntil(() => acks().length >= 1, 'the ACK through the proxy');
    // RFC 3261 13.2.2.4: the UAC sends the same ACK again for a retransmitted 2xx.
    const ack = must(alice.messages('out').find((m) => m.kind === 'request' && m.method === 'ACK'));
    await must(alice.core.transport).send(ack, proxy.target);
    await waitUntil(() => acks().length >= 2, 'the second ACK through the proxy');
    const [first, again] = acks();
    expect(first).toMatch(/^z9hG4bK/);
    expect(again).toBe(first);
    const bobDialog = must(bob.core.dialogs.all()[0]);
    expect((await bob.core.bye(bobDialog)).status).toBe(200);
    expect(await settleSnapshots([alice.core, bob.core, proxy])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('answers the CANCEL 200 without 487, relays the 2xx, and the UAC acknowledges it and ends it with BYE (RFC 3261 9.2, 16.7, 13.2.2.4, 15; RFC 6026 7.1)', async () => {
    const { alice, bob, proxy } = await setup();
    bob.answerMode = 'ring-only';
    // Bob's user accepts while the proxy's CANCEL is on its way (OMA PoC 6.2.X.1, PoC Client B):
    // the 2xx leaves before bob's core reads the CANCEL.
    must(bob.core.transport).addTraceHook((e) => {
      if (e.direction !== 'in' || e.message?.kind !== 'request' || e.message.method !== 'CANCEL')
        return;
      bob.ringing.shift()?.respond(200, { contentType: 'application/sdp', body: bob.localSdp });
    });
    const call = alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    });
    await ringing(call);
    expect((await call.cancel())?.status).toBe(200);
    const { response, dialog } = await call.result;
    expect(response.status).toBe(200);
    expect((await alice.core.bye(must(dialog, 'the dialog of the 2xx'))).status).toBe(200);
    expect(bob.ladder()).toEqual([
      'in INVITE',
      'out 180 INVITE',
      'in CANCEL',
      'out 200 INVITE',
      'out 200 CANCEL',
      'in ACK',
      'in BYE',
      'out 200 BYE',
    ]);
    expect(alice.ladder()).not.toContain('in 487 INVITE');
    expect(await settleSnapshots([alice.core, bob.core, proxy])).toEqual([ZERO, ZERO, ZERO]);
  });
});
