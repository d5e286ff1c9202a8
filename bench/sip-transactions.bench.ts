/**
 * Transaction and dialog costs of the SIP stack (issue 3 item 8):
 * BYE/200 non-INVITE transactions per second between two transaction layers
 * over loopback UDP (RFC 3261 17.1.2 / 17.2.2, real sockets, real timers),
 * and heap memory per idle dialog (RFC 3261 12) held in a DialogStore. The
 * B2BUA variant of the throughput figure belongs with the B2BUA core.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createUasDialog, DialogStore } from '../runtime/sip/dialog/index.js';
import {
  createRequest,
  createResponse,
  generateCallId,
  generateTag,
  parseMessage,
  serializeMessage,
} from '../runtime/sip/message/index.js';
import type { SipRequest, SipResponse } from '../runtime/sip/message/index.js';
import { TransactionLayer } from '../runtime/sip/transaction/index.js';
import { SipTransport } from '../runtime/sip/transport/index.js';
import type { TransportTarget } from '../runtime/sip/transport/index.js';
import type { Benchmark } from './registry.js';

const TRANSACTIONS = 20_000;
const WARMUP = 2_000;
const WINDOW = 200;
const DIALOGS = 10_000;

interface ThroughputResult {
  readonly transactions: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly byeDatagrams: number;
  readonly okDatagrams: number;
  readonly lingering: number;
}

/** A BYE as a UA builds it in a dialog (the transaction layer adds the Via). */
function bye(target: TransportTarget, callId: string, seq: number): SipRequest {
  return createRequest({
    method: 'BYE',
    requestUri: `sip:bob@127.0.0.1:${target.port}`,
    from: '<sip:alice@127.0.0.1>;tag=a1b2c3',
    to: '<sip:bob@127.0.0.1>;tag=d4e5f6',
    callId,
    cseq: seq,
    headers: [['Reason', 'SIP;cause=200;text="Call completed elsewhere"']],
  });
}

async function byeThroughput(total: number, window: number): Promise<ThroughputResult> {
  const uacTransport = await SipTransport.listen({ udp: [{ address: '127.0.0.1', port: 0 }] });
  const uasTransport = await SipTransport.listen({ udp: [{ address: '127.0.0.1', port: 0 }] });
  let byeDatagrams = 0;
  let okDatagrams = 0;
  uacTransport.addTraceHook((e) => {
    if (e.direction === 'out') byeDatagrams++;
  });
  uasTransport.addTraceHook((e) => {
    if (e.direction === 'out') okDatagrams++;
  });
  const uas = new TransactionLayer({
    transport: uasTransport,
    delegate: {
      onRequest: (request, tx) =>
        tx.respond(createResponse(request, 200, undefined, { toTag: 'd4e5f6' })),
    },
  });
  const uac = new TransactionLayer({
    transport: uacTransport,
    delegate: { onRequest: () => undefined },
  });
  const target: TransportTarget = { transport: 'udp', ...uasTransport.localEndpoint('udp') };
  const callId = generateCallId('bench.flowspec');
  const run = (count: number): Promise<number> =>
    new Promise((resolve, reject) => {
      let started = 0;
      let done = 0;
      const begin = performance.now();
      const launch = (): void => {
        const seq = ++started;
        uac.sendRequest(bye(target, callId, seq), target, {
          onResponse: (r: SipResponse) => {
            if (r.status < 200) return;
            done++;
            if (done === count) resolve((performance.now() - begin) / 1000);
            else if (started < count) launch();
          },
          onTimeout: reject,
          onTransportError: reject,
        });
      };
      for (let i = 0; i < Math.min(window, count); i++) launch();
    });
  await run(WARMUP);
  byeDatagrams = 0;
  okDatagrams = 0;
  const seconds = await run(total);
  const lingering = uac.counts().total + uas.counts().total;
  uac.dispose();
  uas.dispose();
  await uacTransport.close();
  await uasTransport.close();
  return {
    transactions: total,
    seconds,
    perSecond: total / seconds,
    byeDatagrams,
    okDatagrams,
    lingering,
  };
}

/** The INVITE and 200 of one dialog, through the wire format as a real UAS would hold them. */
function dialogMessages(i: number): { invite: SipRequest; ok: SipResponse } {
  const built = createRequest({
    method: 'INVITE',
    requestUri: 'sip:PoC-Session-Identity1@127.0.0.1:5080',
    via: [`SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${i.toString(36)}x;rport`],
    from: `"PoC Client A" <sip:PoC-ClientA@networkA.net>;tag=${generateTag()}`,
    to: '<sip:PoC-Session-Identity1@PoC-ServerX.networkX.net>',
    callId: generateCallId('pc33.networkA.net'),
    cseq: 314159,
    contact:
      '<sip:PoC-ClientAUserA@127.0.0.1:5070;gr=urn:uuid:00000000-0000-1000-8000-000E128>;+sip.instance="<urn:gsma:imei:90420156-025763-0>"',
    headers: [['Record-Route', '<sip:127.0.0.1:5090;lr>, <sip:127.0.0.1:5091;lr>']],
  });
  const invite = parseMessage(serializeMessage(built)) as SipRequest;
  const response = createResponse(invite, 200, undefined, {
    toTag: generateTag(),
    contact: '<sip:serverX@127.0.0.1:5080>',
  });
  for (const rr of invite.headers.getAll('Record-Route'))
    response.headers.append('Record-Route', rr);
  return { invite, ok: parseMessage(serializeMessage(response)) as SipResponse };
}

function collectGarbage(): () => void {
  // The bench runs without --expose-gc; this enables it for a clean heap reading.
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

function dialogMemory(count: number): { bytesPerDialog: number; count: number } {
  const gc = collectGarbage();
  const store = new DialogStore();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    const { invite, ok } = dialogMessages(i);
    store.add(createUasDialog(invite, ok));
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  if (store.counts().confirmed !== count)
    throw new RangeError(`expected ${count} dialogs, store has ${store.counts().confirmed}`);
  return { bytesPerDialog: (after - before) / count, count };
}

async function run(): Promise<string> {
  const t = await byeThroughput(TRANSACTIONS, WINDOW);
  const m = dialogMemory(DIALOGS);
  return [
    '## SIP transactions and dialogs',
    '',
    `BYE/200 non-INVITE transactions between two transaction layers over loopback UDP (127.0.0.1), ${WINDOW} in flight,`,
    'default timers (T1 500 ms), after a warm-up of ' +
      `${WARMUP}; every BYE and 200 parsed, matched and serialized.`,
    '',
    '| Measure | Value |',
    '| --- | ---: |',
    `| Transactions | ${t.transactions} |`,
    `| Elapsed | ${t.seconds.toFixed(2)} s |`,
    `| **BYE/200 transactions per second** | **${Math.round(t.perSecond)}** |`,
    `| BYE datagrams sent (retransmissions = excess over transactions) | ${t.byeDatagrams} |`,
    `| 200 datagrams sent | ${t.okDatagrams} |`,
    `| Transactions still in Completed at the end (Timers J/K) | ${t.lingering} |`,
    `| **Heap per idle confirmed dialog** (UAS, 2-entry route set, GRUU Contact; ${m.count} dialogs in a DialogStore) | **${Math.round(m.bytesPerDialog)} bytes** |`,
    '',
    'Through the B2BUA core: measured by the B2BUA benchmark once that core exists.',
  ].join('\n');
}

/** `npm run bench -- sip-transactions`. */
export const benchmark: Benchmark = { name: 'sip-transactions', run };
