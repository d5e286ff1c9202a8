import { afterEach, describe, expect, it } from 'vitest';
import { ProxyCore } from '../../../runtime/core/index.js';
import { createRequest, generateCallId, getVias } from '../../../runtime/sip/message/index.js';
import {
  FAST_CLOCK,
  Phone,
  settleSnapshots,
  waitUntil,
  must,
  CANCELLED_UAS_LADDER,
  ringing,
} from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

describe('ProxyCore (RFC 3261 16) over loopback UDP', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
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

  it('record-routes the INVITE and forwards ACK, BYE and its 200 along the route set (16.4, 16.6, 16.7, 16.12)', async () => {
    const { alice, bob, proxy } = await setup();
    const { response, dialog } = await alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    }).result;
    expect(response.status).toBe(200);
    const invite = bob.received('INVITE')[0];
    expect(invite?.headers.getAll('Record-Route')).toEqual([`<${proxy.uri};lr>`]);
    expect(invite?.headers.get('Route')).toBeUndefined();
    expect(invite?.headers.get('Max-Forwards')).toBe('69');
    expect(getVias(must(invite))).toHaveLength(2);
    // RFC 3261 16.7 step 3: the 200 reaches alice with the proxy's Via removed.
    expect(getVias(response)).toHaveLength(1);
    expect(dialog?.routeSet).toEqual([`<${proxy.uri};lr>`]);
    await waitUntil(() => bob.received('ACK').length >= 1, 'the ACK through the proxy');
    expect(getVias(must(bob.received('ACK')[0]))).toHaveLength(2);
    // The callee releases: its BYE follows the route set back through the proxy.
    const bobDialog = must(bob.core.dialogs.all()[0]);
    const bye = await bob.core.bye(bobDialog);
    expect(bye.status).toBe(200);
    expect(getVias(must(alice.received('BYE')[0]))).toHaveLength(2);
    expect(getVias(bye)).toHaveLength(1);
    expect(await settleSnapshots([alice.core, bob.core, proxy])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('answers CANCEL with 200 and cancels downstream, so the caller gets 487 (16.10)', async () => {
    const { alice, bob, proxy } = await setup();
    bob.answerMode = 'ring-only';
    const call = alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    });
    await ringing(call);
    expect((await call.cancel())?.status).toBe(200);
    expect((await call.result).response.status).toBe(487);
    await waitUntil(() => bob.received('ACK').length >= 1, 'the hop-by-hop ACK for the 487 at bob');
    expect(bob.received('CANCEL').length).toBeGreaterThanOrEqual(1);
    expect(bob.ringing[0]?.isCancelled).toBe(true);
    expect(bob.ladder()).toEqual(CANCELLED_UAS_LADDER);
    expect(await settleSnapshots([alice.core, bob.core, proxy])).toEqual([ZERO, ZERO, ZERO]);
  });

  it('answers Max-Forwards 0 with 483 and forwards nothing (16.3)', async () => {
    const { alice, bob, proxy } = await setup();
    const options = createRequest({
      method: 'OPTIONS',
      requestUri: bob.uri,
      from: `<${alice.uri}>;tag=x1`,
      to: `<${bob.uri}>`,
      callId: generateCallId(),
      cseq: 1,
      maxForwards: 0,
    });
    const response = await alice.core.sendOutOfDialog(options, proxy.target);
    expect(response.status).toBe(483);
    expect(bob.trace).toHaveLength(0);
    expect(await settleSnapshots([alice.core, proxy])).toEqual([ZERO, ZERO]);
  });

  it('forwards a request without Route to its Request-URI or to a located target (16.5)', async () => {
    const { alice, bob, proxy } = await setup();
    const located = await ProxyCore.listen({
      address: '127.0.0.1',
      clock: FAST_CLOCK,
      locate: () => bob.uri,
    });
    closers.push(() => located.close());
    const options = createRequest({
      method: 'OPTIONS',
      requestUri: `sip:bob@${located.address.address}:${located.address.port}`,
      from: `<${alice.uri}>;tag=x2`,
      to: `<sip:bob@example.net>`,
      callId: generateCallId(),
      cseq: 1,
    });
    const response = await alice.core.sendOutOfDialog(options, located.target);
    expect(response.status).toBe(200);
    expect(bob.received('OPTIONS')[0]?.requestUri).toBe(bob.uri);
    expect(await settleSnapshots([alice.core, bob.core, proxy, located])).toEqual([
      ZERO,
      ZERO,
      ZERO,
      ZERO,
    ]);
  });

  it('proxies a call and its BYE over IPv6 loopback (::1), Record-Route with a bracketed host', async () => {
    const proxy = await ProxyCore.listen({ address: '::1', clock: FAST_CLOCK });
    const alice = await Phone.start('alice', proxy.uri, '::1');
    const bob = await Phone.start('bob', undefined, '::1');
    closers.push(
      () => proxy.close(),
      () => alice.close(),
      () => bob.close(),
    );
    expect(proxy.uri).toBe(`sip:[::1]:${proxy.address.port}`);
    const { response, dialog } = await alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    }).result;
    expect(response.status).toBe(200);
    expect(must(bob.received('INVITE')[0]).headers.get('Record-Route')).toBe(`<${proxy.uri};lr>`);
    expect((await alice.core.bye(must(dialog))).status).toBe(200);
    expect(getVias(must(bob.received('BYE')[0]))).toHaveLength(2);
    expect(await settleSnapshots([alice.core, bob.core, proxy])).toEqual([ZERO, ZERO, ZERO]);
  });
});
