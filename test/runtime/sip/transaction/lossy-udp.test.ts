/**
 * Retransmission over real, lossy UDP on 127.0.0.1 with the system clock
 * and a small T1: requests and responses are dropped on purpose and the
 * transactions still complete (RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1, 17.2.2).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResponse } from '../../../../runtime/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../../../runtime/sip/message/index.js';
import { TransactionLayer, TransactionState } from '../../../../runtime/sip/transaction/index.js';
import type {
  InviteClientTransaction,
  ServerTransaction,
} from '../../../../runtime/sip/transaction/index.js';
import { LossyTransport } from './lossy-transport.js';
import { newRequest, SipTestPeer, waitUntil } from './sip-test-peer.js';

const timers = { t1: 20, t2: 80, t4: 100 };
let alice: SipTestPeer;
let bob: SipTestPeer;
let aliceLayer: TransactionLayer;
let bobLayer: TransactionLayer;
let bobLossy: LossyTransport;
let aliceLossy: LossyTransport;
let toBob: ((request: SipRequest, tx: ServerTransaction) => void) | undefined;

beforeEach(async () => {
  alice = await SipTestPeer.start();
  bob = await SipTestPeer.start();
  // Alice loses her first two copies of every request; Bob loses his first two copies of every final response.
  aliceLossy = new LossyTransport(alice.transport, (m, i) => m.kind === 'request' && i < 2);
  bobLossy = new LossyTransport(
    bob.transport,
    (m, i) => m.kind === 'response' && m.status >= 200 && i < 2,
  );
  aliceLayer = new TransactionLayer({
    transport: aliceLossy,
    timers,
    delegate: { onRequest: () => undefined },
  });
  bobLayer = new TransactionLayer({
    transport: bobLossy,
    timers,
    delegate: { onRequest: (r, tx) => toBob?.(r, tx) },
  });
});

afterEach(async () => {
  aliceLayer.dispose();
  bobLayer.dispose();
  await alice.close();
  await bob.close();
});

describe('retransmission over lossy UDP', () => {
  it('completes a BYE/200 although two requests and two responses are lost', async () => {
    toBob = (r, tx) => tx.respond(createResponse(r, 200, undefined, { toTag: 'bob' }));
    const responses: SipResponse[] = [];
    const tx = aliceLayer.sendRequest(
      newRequest('BYE', bob.target(), alice.target()),
      bob.target(),
      {
        onResponse: (r) => responses.push(r),
      },
    );
    await waitUntil(() => responses.length === 1, 5000, 'the 200');
    expect(responses[0]?.status).toBe(200);
    expect(aliceLossy.dropped.map((m) => m.kind === 'request' && m.method)).toEqual(['BYE', 'BYE']);
    expect(bobLossy.dropped.map((m) => m.kind === 'response' && m.status)).toEqual([200, 200]);
    // Bob saw the BYE three times but made one transaction; its Completed state resent the 200.
    expect(bob.received('BYE').length).toBeGreaterThanOrEqual(3);
    expect(alice.received(200)).toHaveLength(1);
    await waitUntil(() => tx.state === TransactionState.Terminated, 5000, 'Timer K');
    await waitUntil(
      () => aliceLayer.counts().total === 0 && bobLayer.counts().total === 0,
      5000,
      'no transactions left',
    );
  });

  it('completes an INVITE rejected with 486 and gets the ACK through', async () => {
    toBob = (r, tx) => tx.respond(createResponse(r, 486, undefined, { toTag: 'bob' }));
    const statuses: number[] = [];
    const tx = aliceLayer.sendRequest(
      newRequest('INVITE', bob.target(), alice.target()),
      bob.target(),
      {
        onResponse: (r) => statuses.push(r.status),
      },
    ) as InviteClientTransaction;
    await waitUntil(() => statuses.includes(486), 5000, 'the 486');
    // Bob's Timer G resent the 486 after two losses; Alice's ACK reached Bob's transaction.
    await waitUntil(() => bob.received('ACK').length >= 1, 5000, 'the ACK');
    expect(tx.generatedAck?.method).toBe('ACK');
    expect(statuses).toEqual([486]);
    await waitUntil(() => bobLayer.counts().total === 0, 5000, 'Timer I');
  });

  it('cancels a ringing INVITE end to end: 200 for CANCEL, 487 for INVITE, ACK', async () => {
    let inviteTx: ServerTransaction | undefined;
    toBob = (r, tx) => {
      inviteTx = tx;
      tx.respond(createResponse(r, 180, undefined, { toTag: 'bob' }));
    };
    const statuses: number[] = [];
    const invite = aliceLayer.sendRequest(
      newRequest('INVITE', bob.target(), alice.target()),
      bob.target(),
      {
        onResponse: (r) => statuses.push(r.status),
      },
    ) as InviteClientTransaction;
    const cancelStatuses: number[] = [];
    const cancel = await aliceLayer.cancel(invite, {
      onResponse: (r) => cancelStatuses.push(r.status),
    });
    expect(cancel?.request.method).toBe('CANCEL');
    await waitUntil(
      () => statuses.includes(487) && cancelStatuses.includes(200),
      5000,
      '487 and 200',
    );
    expect(statuses).toEqual([180, 487]);
    await waitUntil(() => bob.received('ACK').length >= 1, 5000, 'ACK for the 487');
    await waitUntil(() => inviteTx?.state === TransactionState.Terminated, 5000, 'Timer I at Bob');
  });
});
