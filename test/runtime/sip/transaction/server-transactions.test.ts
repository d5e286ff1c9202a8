/**
 * RFC 3261 17.2 server transactions (with RFC 6026 Accepted), CANCEL (9.2)
 * and the RFC 2543 matching fallback, driven by a FakeClock over real UDP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createResponse,
  formatVia,
  generateBranch,
  getCSeq,
} from '../../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../../runtime/sip/message/index.js';
import { FakeClock } from '../../../../runtime/sip/timers/index.js';
import {
  InviteServerTransaction,
  SuccessRetransmitter,
  TransactionLayer,
  TransactionState,
  TransactionTimeoutError,
} from '../../../../runtime/sip/transaction/index.js';
import type {
  ServerTransaction,
  SuccessOutcome,
} from '../../../../runtime/sip/transaction/index.js';
import type { TransportTarget } from '../../../../runtime/sip/transport/index.js';
import { newRequest, settle, SipTestPeer, waitUntil } from './sip-test-peer.js';

let clock: FakeClock;
let client: SipTestPeer;
let server: SipTestPeer;
let layer: TransactionLayer;
let incoming: ServerTransaction[];
let acks: SipRequest[];
let cancels: SipRequest[];

beforeEach(async () => {
  clock = new FakeClock();
  client = await SipTestPeer.start();
  server = await SipTestPeer.start('127.0.0.1', () => clock.now());
  incoming = [];
  acks = [];
  cancels = [];
  layer = new TransactionLayer({
    transport: server.transport,
    clock,
    delegate: {
      onRequest: (_r, tx) => incoming.push(tx),
      onAck: (ack) => acks.push(ack),
      onCancel: (cancel) => cancels.push(cancel),
    },
  });
});

afterEach(async () => {
  layer.dispose();
  await client.close();
  await server.close();
});

/** A request as the raw client sends it, with its own Via and branch. */
function request(method: string, branch = generateBranch()): SipRequest {
  const r = newRequest(method, server.target(), client.target());
  const from = client.target();
  r.headers.prepend(
    'Via',
    formatVia({
      transport: 'UDP',
      host: from.address,
      port: from.port,
      params: [['branch', branch]],
    }),
  );
  return r;
}

/** A hop-by-hop request (ACK, CANCEL) derived from `original` with the same Via. */
function derived(original: SipRequest, method: 'ACK' | 'CANCEL', to?: string): SipRequest {
  const r = newRequest(method, server.target(), client.target(), getCSeq(original).seq);
  for (const name of ['Via', 'From', 'To', 'Call-ID'])
    r.headers.set(name, original.headers.get(name) ?? '');
  if (to) r.headers.set('To', to);
  r.headers.set('CSeq', `${getCSeq(original).seq} ${method}`);
  r.requestUri = original.requestUri;
  return r;
}

async function send(r: SipRequest, to: TransportTarget = server.target()): Promise<void> {
  await client.transport.send(r, to);
}

async function nextTransaction(count = 1): Promise<ServerTransaction> {
  await waitUntil(() => incoming.length >= count, 3000, 'server transaction');
  const tx = incoming[count - 1];
  if (!tx) throw new Error('no transaction');
  return tx;
}

describe('INVITE server transaction', () => {
  it('sends 100 Trying after 200 ms, then Accepted on 2xx, absorbs INVITE retransmissions, passes the ACK up, ends on Timer L', async () => {
    const invite = request('INVITE');
    await send(invite);
    const tx = await nextTransaction();
    expect(tx.state).toBe(TransactionState.Proceeding);
    clock.advance(199);
    await settle();
    expect(client.received(100)).toHaveLength(0);
    clock.advance(1);
    await client.waitForReceived(100);
    tx.respond(createResponse(invite, 200, undefined, { toTag: 'b' }));
    expect(tx.state).toBe(TransactionState.Accepted);
    expect(tx.activeTimers()).toEqual(['L']);
    await client.waitForReceived(200);
    await send(invite); // RFC 6026 7.1: absorbed, no response and no new TU request.
    const ack = derived(invite, 'ACK', `${invite.headers.get('To') ?? ''};tag=b`);
    await send(ack);
    await waitUntil(() => acks.length === 1);
    await settle();
    expect(client.received(200)).toHaveLength(1);
    expect(incoming).toHaveLength(1);
    clock.advance(31_999);
    expect(tx.state).toBe(TransactionState.Accepted);
    clock.advance(1);
    expect(tx.state).toBe(TransactionState.Terminated);
    expect(layer.counts()).toEqual({ client: 0, server: 0, total: 0 });
  });

  it('retransmits a non-2xx on Timer G up to T2, goes Confirmed on ACK and ends on Timer I', async () => {
    const invite = request('INVITE');
    await send(invite);
    const tx = await nextTransaction();
    tx.respond(createResponse(invite, 486, undefined, { toTag: 'b' }));
    expect(tx.state).toBe(TransactionState.Completed);
    clock.advance(15_500);
    await client.waitForReceived(486, 7);
    // RFC 3261 17.2.1: 0, then intervals 500, 1000, 2000, 4000, 4000, 4000.
    expect(server.sent(486).map((e) => e.time)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500]);
    await send(invite); // a retransmitted INVITE gets the final response again
    await client.waitForReceived(486, 8);
    await send(derived(invite, 'ACK', `${invite.headers.get('To') ?? ''};tag=b`));
    await waitUntil(() => tx.state === TransactionState.Confirmed);
    expect(acks).toHaveLength(0); // absorbed by the transaction
    expect(tx.activeTimers()).toEqual(['I']);
    clock.advance(20_000);
    await settle();
    expect(client.received(486)).toHaveLength(8);
    expect(tx.state).toBe(TransactionState.Terminated);
  });

  it('times out on Timer H when no ACK comes', async () => {
    const invite = request('INVITE');
    await send(invite);
    const tx = await nextTransaction();
    const timeouts: TransactionTimeoutError[] = [];
    tx.setUser({ onTimeout: (e) => timeouts.push(e) });
    tx.respond(createResponse(invite, 404, undefined, { toTag: 'b' }));
    clock.advance(31_999);
    expect(tx.state).toBe(TransactionState.Completed);
    clock.advance(1);
    expect(tx.state).toBe(TransactionState.Terminated);
    expect(timeouts.map((t) => t.timer)).toEqual(['H']);
  });

  it('answers CANCEL with 200, the INVITE with 487, and absorbs the ACK (RFC 3261 9.2)', async () => {
    const invite = request('INVITE');
    await send(invite);
    const tx = await nextTransaction();
    tx.respond(createResponse(invite, 180, undefined, { toTag: 'b' }));
    await send(derived(invite, 'CANCEL'));
    const [ok] = await client.waitForReceived(200);
    const [terminated] = await client.waitForReceived(487);
    expect(ok?.kind === 'response' && getCSeq(ok).method).toBe('CANCEL');
    expect(terminated?.kind === 'response' && getCSeq(terminated).method).toBe('INVITE');
    expect(cancels).toHaveLength(1);
    expect(incoming).toHaveLength(1); // the CANCEL is not a new request for the TU
    expect(tx.state).toBe(TransactionState.Completed);
    await send(derived(invite, 'ACK', `${invite.headers.get('To') ?? ''};tag=b`));
    await waitUntil(() => tx.state === TransactionState.Confirmed);
  });

  it('answers a CANCEL that matches nothing with 481', async () => {
    await send(derived(request('INVITE'), 'CANCEL'));
    const [response] = await client.waitForReceived(481);
    expect(response?.kind === 'response' && getCSeq(response).method).toBe('CANCEL');
  });
});

describe('non-INVITE server transaction', () => {
  it('resends the final response to retransmissions and ends on Timer J', async () => {
    const bye = request('BYE');
    await send(bye);
    const tx = await nextTransaction();
    expect(tx.state).toBe(TransactionState.Trying);
    await send(bye); // RFC 3261 17.2.2: in Trying a retransmission is discarded
    await settle();
    expect(client.received()).toHaveLength(0);
    tx.respond(createResponse(bye, 200, undefined, { toTag: 'b' }));
    expect(tx.state).toBe(TransactionState.Completed);
    await send(bye);
    await client.waitForReceived(200, 2);
    expect(incoming).toHaveLength(1);
    clock.advance(31_999);
    expect(tx.state).toBe(TransactionState.Completed);
    clock.advance(1);
    expect(tx.state).toBe(TransactionState.Terminated);
    expect(() => tx.respond(createResponse(bye, 200))).toThrow(/cannot send a 200/);
  });

  it('resends the last provisional in Proceeding', async () => {
    const options = request('OPTIONS');
    await send(options);
    const tx = await nextTransaction();
    tx.respond(createResponse(options, 100));
    expect(tx.state).toBe(TransactionState.Proceeding);
    await send(options);
    await client.waitForReceived(100, 2);
  });

  it('matches RFC 2543 requests without the magic cookie (17.2.3 fallback)', async () => {
    const old = request('INVITE', 'oldbranch1');
    old.headers.delete('Via');
    old.headers.append('Via', `SIP/2.0/UDP ${client.target().address}:${client.target().port}`);
    await send(old);
    const tx = await nextTransaction();
    tx.respond(createResponse(old, 486, undefined, { toTag: 'b' }));
    await send(old);
    await client.waitForReceived(486, 2);
    expect(incoming).toHaveLength(1);
    // RFC 3261 17.2.3: an ACK matches only with the To tag of the response.
    await send(derived(old, 'ACK', `${old.headers.get('To') ?? ''};tag=other`));
    await waitUntil(() => acks.length === 1);
    expect(tx.state).toBe(TransactionState.Completed);
    await send(derived(old, 'ACK', `${old.headers.get('To') ?? ''};tag=b`));
    await waitUntil(() => tx.state === TransactionState.Confirmed);
  });
});

describe('2xx retransmission by the UAS core (RFC 3261 13.3.1.4)', () => {
  async function acceptedInvite(): Promise<{ invite: SipRequest; tx: InviteServerTransaction }> {
    const invite = request('INVITE');
    await send(invite);
    const tx = await nextTransaction();
    if (!(tx instanceof InviteServerTransaction)) throw new Error('not an INVITE transaction');
    return { invite, tx };
  }

  it('resends the 2xx at T1 doubling to T2 until the ACK arrives', async () => {
    const { invite, tx } = await acceptedInvite();
    const outcomes: SuccessOutcome[] = [];
    const ok = createResponse(invite, 200, undefined, { toTag: 'b', contact: '<sip:b@127.0.0.1>' });
    const retransmitter = new SuccessRetransmitter(tx, ok, clock, layer.timerBase, (o) =>
      outcomes.push(o),
    );
    retransmitter.start();
    clock.advance(11_500);
    await client.waitForReceived(200, 6);
    expect(server.sent(200).map((e) => e.time)).toEqual([0, 500, 1500, 3500, 7500, 11_500]);
    retransmitter.acknowledge();
    clock.advance(20_000);
    await settle();
    expect(client.received(200)).toHaveLength(6);
    expect(outcomes).toEqual(['acknowledged']);
  });

  /** A request of the UAC in the dialog the 2xx (To tag `toTag`) established, on a new branch. */
  function inDialog(
    invite: SipRequest,
    method: 'ACK' | 'BYE',
    toTag: string,
    seq: number,
  ): SipRequest {
    const r = request(method);
    for (const name of ['From', 'Call-ID']) r.headers.set(name, invite.headers.get(name) ?? '');
    r.headers.set('To', `${invite.headers.get('To') ?? ''};tag=${toTag}`);
    r.headers.set('CSeq', `${seq} ${method}`);
    return r;
  }

  it('stops when a BYE of the dialog overtakes the lost ACK (the BYE proves the 2xx arrived)', async () => {
    const { invite, tx } = await acceptedInvite();
    const outcomes: SuccessOutcome[] = [];
    const ok = createResponse(invite, 200, undefined, { toTag: 'b' });
    new SuccessRetransmitter(tx, ok, clock, layer.timerBase, (o) => outcomes.push(o)).start();
    clock.advance(500);
    await client.waitForReceived(200, 2);
    // A BYE of another dialog (another To tag) proves nothing about this 2xx.
    await send(inDialog(invite, 'BYE', 'other', 2));
    await nextTransaction(2);
    clock.advance(1000);
    await client.waitForReceived(200, 3);
    expect(outcomes).toEqual([]);
    // The ACK is lost; the BYE of the dialog arrives: RFC 3261 13.3.1.4, retransmissions cease.
    await send(inDialog(invite, 'BYE', 'b', 2));
    await nextTransaction(3);
    expect(outcomes).toEqual(['acknowledged']);
    clock.advance(40_000);
    await settle();
    expect(server.sent(200).map((e) => e.time)).toEqual([0, 500, 1500]);
    expect(tx.state).toBe(TransactionState.Terminated);
  });

  it('stops on the ACK of the 2xx even when no core acknowledges it (its dialog has ended)', async () => {
    const { invite, tx } = await acceptedInvite();
    const outcomes: SuccessOutcome[] = [];
    const seq = getCSeq(invite).seq;
    const ok = createResponse(invite, 200, undefined, { toTag: 'b' });
    new SuccessRetransmitter(tx, ok, clock, layer.timerBase, (o) => outcomes.push(o)).start();
    clock.advance(500);
    await client.waitForReceived(200, 2);
    // An ACK with another CSeq number acknowledges another 2xx (RFC 3261 13.2.2.4).
    await send(inDialog(invite, 'ACK', 'b', seq + 1));
    await waitUntil(() => acks.length === 1);
    expect(outcomes).toEqual([]);
    await send(inDialog(invite, 'ACK', 'b', seq));
    await waitUntil(() => acks.length === 2);
    expect(outcomes).toEqual(['acknowledged']);
    clock.advance(40_000);
    await settle();
    expect(client.received(200)).toHaveLength(2);
  });

  it('gives up after 64*T1 without an ACK', async () => {
    const { invite, tx } = await acceptedInvite();
    const outcomes: SuccessOutcome[] = [];
    const ok = createResponse(invite, 200, undefined, { toTag: 'b' });
    new SuccessRetransmitter(tx, ok, clock, layer.timerBase, (o) => outcomes.push(o)).start();
    clock.advance(31_999);
    expect(outcomes).toEqual([]);
    clock.advance(1);
    expect(outcomes).toEqual(['timed-out']);
    expect(
      () => new SuccessRetransmitter(tx, createResponse(invite, 486), clock, layer.timerBase),
    ).toThrow(/not a 2xx/);
  });
});
