/** Transactions between two transaction layers over IPv6 loopback (::1), UDP and TCP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResponse, getTopVia } from '../../../../runtime/sip/message/index.js';
import type { SipResponse } from '../../../../runtime/sip/message/index.js';
import { TransactionLayer } from '../../../../runtime/sip/transaction/index.js';
import { newRequest, SipTestPeer, waitUntil } from './sip-test-peer.js';

let alice: SipTestPeer;
let bob: SipTestPeer;
let aliceLayer: TransactionLayer;
let bobLayer: TransactionLayer;

beforeEach(async () => {
  alice = await SipTestPeer.start('::1');
  bob = await SipTestPeer.start('::1');
  aliceLayer = new TransactionLayer({
    transport: alice.transport,
    delegate: { onRequest: () => undefined },
  });
  bobLayer = new TransactionLayer({
    transport: bob.transport,
    delegate: {
      onRequest: (r, tx) =>
        tx.respond(
          createResponse(r, r.method === 'INVITE' ? 486 : 200, undefined, { toTag: 'b6' }),
        ),
    },
  });
});

afterEach(async () => {
  aliceLayer.dispose();
  bobLayer.dispose();
  await alice.close();
  await bob.close();
});

describe('transactions over ::1', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`completes BYE/200 and INVITE/486/ACK over ${transport}`, async () => {
      const statuses: number[] = [];
      const onResponse = (r: SipResponse): void => void statuses.push(r.status);
      aliceLayer.sendRequest(
        newRequest('BYE', bob.target(transport), alice.target(transport)),
        bob.target(transport),
        {
          onResponse,
        },
      );
      aliceLayer.sendRequest(
        newRequest('INVITE', bob.target(transport), alice.target(transport)),
        bob.target(transport),
        { onResponse },
      );
      await waitUntil(() => statuses.length === 2);
      expect(statuses.sort()).toEqual([200, 486]);
      await bob.waitForReceived('ACK');
      const via = getTopVia(bob.lastRequest('BYE'));
      // RFC 3261 18.1.1 with RFC 5118: an IPv6 sent-by is a bracketed reference.
      expect(via.host).toBe('[::1]');
      expect(via.port).toBe(alice.target(transport).port);
      expect(via.transport).toBe(transport.toUpperCase());
    });
  }
});
