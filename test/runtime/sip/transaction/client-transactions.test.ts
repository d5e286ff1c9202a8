/**
 * RFC 3261 17.1 client transactions (with RFC 6026 Accepted) driven by a
 * FakeClock, over real UDP and TCP sockets on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createResponse,
  getCSeq,
  getTag,
  getTo,
  getTopVia,
  getVias,
} from '../../../../runtime/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../../../runtime/sip/message/index.js';
import { FakeClock } from '../../../../runtime/sip/timers/index.js';
import {
  InviteClientTransaction,
  TransactionLayer,
  TransactionMatchError,
  TransactionRequestError,
  TransactionState,
  TransactionTimeoutError,
} from '../../../../runtime/sip/transaction/index.js';
import { TransportError } from '../../../../runtime/sip/transport/index.js';
import type { TransportTarget } from '../../../../runtime/sip/transport/index.js';
import { newRequest, settle, SipTestPeer, sourceOf } from './sip-test-peer.js';

let clock: FakeClock;
let client: SipTestPeer;
let server: SipTestPeer;
let layer: TransactionLayer;
let layerErrors: Error[];

beforeEach(async () => {
  clock = new FakeClock();
  client = await SipTestPeer.start('127.0.0.1', () => clock.now());
  server = await SipTestPeer.start();
  layerErrors = [];
  layer = new TransactionLayer({
    transport: client.transport,
    delegate: { onRequest: () => undefined },
    clock,
  });
});

afterEach(async () => {
  layer.dispose();
  await client.close();
  await server.close();
});

/** Sends `response` to the client the way a UAS would (back to where the request came from). */
async function reply(request: SipRequest, status: number, toTag = 'uas-tag'): Promise<SipResponse> {
  const response = createResponse(request, status, undefined, {
    toTag,
    contact: `<sip:bob@${server.target().address}:${server.target().port}>`,
  });
  await server.transport.send(response, client.target());
  return response;
}

function sendTimes(method: string): number[] {
  return client.sent(method).map((e) => e.time);
}

describe('non-INVITE client transaction over UDP', () => {
  it('retransmits on Timer E doubling to T2 and times out on Timer F', async () => {
    const timeouts: TransactionTimeoutError[] = [];
    const tx = layer.sendRequest(
      newRequest('BYE', server.target(), client.target()),
      server.target(),
      {
        onTimeout: (e) => timeouts.push(e),
      },
    );
    expect(tx.state).toBe(TransactionState.Trying);
    expect(tx.activeTimers()).toEqual(['E', 'F']);
    clock.advance(31_999);
    await server.waitForReceived('BYE', 11);
    // RFC 3261 17.1.2.2: intervals 500, 1000, 2000, then capped at T2 = 4000.
    expect(sendTimes('BYE')).toEqual([
      0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500,
    ]);
    expect(tx.state).toBe(TransactionState.Trying);
    clock.advance(1);
    expect(tx.state).toBe(TransactionState.Terminated);
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]?.timer).toBe('F');
    expect(layer.counts().total).toBe(0);
  });

  it('moves to Proceeding on 1xx, retransmits every T2, completes on 200 and ends after Timer K', async () => {
    const responses: number[] = [];
    const tx = layer.sendRequest(
      newRequest('BYE', server.target(), client.target()),
      server.target(),
      {
        onResponse: (r) => responses.push(r.status),
      },
    );
    const [bye] = await server.waitForReceived('BYE');
    await reply(bye as SipRequest, 100);
    await waitState(tx, TransactionState.Proceeding);
    clock.advance(500); // Timer E fires in Proceeding: retransmit, next interval T2.
    clock.advance(4000);
    clock.advance(4000);
    await server.waitForReceived('BYE', 4);
    expect(sendTimes('BYE')).toEqual([0, 500, 4500, 8500]);
    await reply(bye as SipRequest, 200);
    await waitState(tx, TransactionState.Completed);
    await reply(bye as SipRequest, 200); // RFC 3261 17.1.2.2: absorbed in Completed.
    await settle();
    expect(responses).toEqual([100, 200]);
    expect(tx.activeTimers()).toEqual(['K']);
    clock.advance(4999);
    expect(tx.state).toBe(TransactionState.Completed);
    clock.advance(1);
    expect(tx.state).toBe(TransactionState.Terminated);
    expect(server.received('BYE')).toHaveLength(4);
  });
});

describe('INVITE client transaction over UDP', () => {
  it('retransmits on Timer A doubling without cap and times out on Timer B', async () => {
    const timeouts: TransactionTimeoutError[] = [];
    const tx = layer.sendRequest(
      newRequest('INVITE', server.target(), client.target()),
      server.target(),
      {
        onTimeout: (e) => timeouts.push(e),
      },
    );
    expect(tx.state).toBe(TransactionState.Calling);
    clock.advance(31_999);
    await server.waitForReceived('INVITE', 7);
    // RFC 3261 17.1.1.2: 500, 1000, 2000, 4000, 8000, 16000 (INVITE is not capped at T2).
    expect(sendTimes('INVITE')).toEqual([0, 500, 1500, 3500, 7500, 15_500, 31_500]);
    clock.advance(1);
    expect(tx.state).toBe(TransactionState.Terminated);
    expect(timeouts.map((t) => t.timer)).toEqual(['B']);
  });

  it('stops retransmitting on 1xx, ACKs a non-2xx hop by hop, re-ACKs retransmissions and ends on Timer D', async () => {
    const responses: number[] = [];
    const tx = layer.sendRequest(
      newRequest('INVITE', server.target(), client.target()),
      server.target(),
      {
        onResponse: (r) => responses.push(r.status),
      },
    ) as InviteClientTransaction;
    const [invite] = (await server.waitForReceived('INVITE')) as SipRequest[];
    if (!invite) throw new Error('no INVITE');
    await reply(invite, 180);
    await waitState(tx, TransactionState.Proceeding);
    clock.advance(10_000);
    await settle();
    expect(server.received('INVITE')).toHaveLength(1);
    await reply(invite, 486);
    const [ack] = (await server.waitForReceived('ACK')) as SipRequest[];
    expect(tx.state).toBe(TransactionState.Completed);
    // RFC 3261 17.1.1.3: same Request-URI, Call-ID, From, CSeq number; To of the response; one Via = top Via of the INVITE.
    if (!ack) throw new Error('no ACK');
    expect(ack.requestUri).toBe(invite.requestUri);
    expect(ack.headers.get('Call-ID')).toBe(invite.headers.get('Call-ID'));
    expect(ack.headers.get('From')).toBe(invite.headers.get('From'));
    expect(getCSeq(ack)).toEqual({ seq: getCSeq(invite).seq, method: 'ACK' });
    expect(getTag(getTo(ack))).toBe('uas-tag');
    expect(getVias(ack)).toHaveLength(1);
    expect(getTopVia(ack).branch).toBe(getTopVia(invite).branch);
    await reply(invite, 486);
    await server.waitForReceived('ACK', 2);
    expect(responses).toEqual([180, 486]);
    clock.advance(31_999);
    expect(tx.state).toBe(TransactionState.Completed);
    clock.advance(1);
    expect(tx.state).toBe(TransactionState.Terminated);
  });

  it('enters Accepted on 2xx, passes 2xx retransmissions to the TU and ends on Timer M (RFC 6026)', async () => {
    const responses: number[] = [];
    const tx = layer.sendRequest(
      newRequest('INVITE', server.target(), client.target()),
      server.target(),
      {
        onResponse: (r) => responses.push(r.status),
      },
    );
    const [invite] = (await server.waitForReceived('INVITE')) as SipRequest[];
    if (!invite) throw new Error('no INVITE');
    await reply(invite, 200);
    await waitState(tx, TransactionState.Accepted);
    expect(tx.activeTimers()).toEqual(['M']);
    await reply(invite, 200);
    await waitUntilCount(() => responses.length, 2);
    expect(responses).toEqual([200, 200]);
    // The transaction sends no ACK for a 2xx: that is the TU's (RFC 3261 13.2.2.4).
    expect(server.received('ACK')).toHaveLength(0);
    clock.advance(32_000);
    expect(tx.state).toBe(TransactionState.Terminated);
  });
});

describe('client matching (RFC 3261 17.1.3)', () => {
  it('reports a response it cannot match and passes an unknown branch to the TU as stray', async () => {
    const strays: number[] = [];
    const other = new TransactionLayer({
      transport: client.transport,
      delegate: {
        onRequest: () => undefined,
        onError: (e) => layerErrors.push(e),
        onStrayResponse: (r) => strays.push(r.status),
      },
      clock,
    });
    const request = newRequest('BYE', server.target(), client.target());
    request.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${client.target().port}`);
    await server.transport.send(
      createResponse(request, 200, undefined, { toTag: 'x' }),
      client.target(),
    );
    await waitUntilCount(() => layerErrors.length, 1);
    expect(layerErrors[0]).toBeInstanceOf(TransactionMatchError);
    request.headers.set(
      'Via',
      `SIP/2.0/UDP 127.0.0.1:${client.target().port};branch=z9hG4bKunknown`,
    );
    await server.transport.send(
      createResponse(request, 200, undefined, { toTag: 'x' }),
      client.target(),
    );
    await waitUntilCount(() => strays.length, 1);
    expect(strays).toEqual([200]);
    expect(() =>
      other.sendRequest(newRequest('ACK', server.target(), client.target()), server.target()),
    ).toThrow(TransactionRequestError);
    other.dispose();
  });
});

describe('transport errors (RFC 3261 17.1.4)', () => {
  it('terminates the transaction and informs the TU when the TCP connect is refused', async () => {
    const closed = await SipTestPeer.start();
    const target = closed.target('tcp');
    await closed.close(); // nothing listens on this port any more
    const errors: TransportError[] = [];
    const tx = layer.sendRequest(newRequest('BYE', target, client.target('tcp')), target, {
      onTransportError: (e) => errors.push(e),
    });
    await waitState(tx, TransactionState.Terminated);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(layer.counts().total).toBe(0);
  });
});

describe('client transactions over TCP', () => {
  it('never retransmits and ends Completed at once (Timers D and K are zero)', async () => {
    const target: TransportTarget = server.target('tcp');
    const bye = layer.sendRequest(newRequest('BYE', target, client.target('tcp')), target);
    const invite = layer.sendRequest(newRequest('INVITE', target, client.target('tcp')), target);
    expect(bye.activeTimers()).toEqual(['F']);
    expect(invite.activeTimers()).toEqual(['B']);
    clock.advance(20_000);
    await server.waitForReceived('INVITE');
    await server.waitForReceived('BYE');
    await settle();
    expect(server.received('BYE')).toHaveLength(1);
    expect(server.received('INVITE')).toHaveLength(1);
    const byeRequest = server.lastRequest('BYE');
    await server.transport.send(
      createResponse(byeRequest, 200, undefined, { toTag: 't' }),
      sourceOf(server, byeRequest),
    );
    await waitState(bye, TransactionState.Terminated);
    const inviteRequest = server.lastRequest('INVITE');
    await server.transport.send(
      createResponse(inviteRequest, 603, undefined, { toTag: 't' }),
      sourceOf(server, inviteRequest),
    );
    await server.waitForReceived('ACK');
    await waitState(invite, TransactionState.Terminated);
    // RFC 3261 18: the responses and the ACK reused the one connection the client opened.
    expect(client.transport.tcpConnectionCount()).toBe(1);
  });
});

async function waitState(tx: { state: TransactionState }, state: TransactionState): Promise<void> {
  await waitUntilCount(() => (tx.state === state ? 1 : 0), 1);
}

async function waitUntilCount(count: () => number, n: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while (count() < n) {
    if (Date.now() > deadline) throw new Error('timed out');
    await settle(2);
  }
}
