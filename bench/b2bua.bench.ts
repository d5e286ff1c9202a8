/**
 * The B2BUA core under load (issue 3 item 8): BYE/200 transactions per
 * second through the B2BUA over loopback UDP, and heap memory per idle
 * dialog. A UAC calls through the B2BUA to a UAS (INVITE/180/200/ACK on both
 * legs) for N dialogs first; then every call is released from the UAC side:
 * the B2BUA answers the BYE on the client leg and sends BYE on the server
 * leg (OMA PoC Figure 16 steps 3 -> 6), two BYE/200 transactions per call.
 */
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { B2buaCore, ReleaseOrder, UserAgentCore } from '../runtime/core/index.js';
import type { Dialog } from '../runtime/sip/dialog/index.js';
import type { Benchmark } from './registry.js';

const CALLS = 3_000;
const WINDOW = 32;
/** T1 100 ms so that INVITE transactions (Timers L/M, 64*T1) end within 6.4 s before the heap is read. */
const TIMERS = { t1: 100, t2: 800, t4: 1000 } as const;

interface Parties {
  readonly uac: UserAgentCore;
  readonly uas: UserAgentCore;
  readonly b2bua: B2buaCore;
  datagrams: number;
}

async function start(): Promise<Parties> {
  const listen = (user: string): Promise<UserAgentCore> =>
    UserAgentCore.listen({ address: '127.0.0.1', user, timers: TIMERS });
  const uac = await listen('alice');
  const uas = await listen('bob');
  const core = await listen('b2bua');
  uas.on('INVITE', (incoming) => {
    incoming.respond(180);
    incoming.respond(200);
  });
  const b2bua = new B2buaCore({
    core,
    route: () => ({ requestUri: `sip:bob@127.0.0.1:${uas.target.port}` }),
    releaseOrder: ReleaseOrder.AnswerFirst,
  });
  const parties: Parties = { uac, uas, b2bua, datagrams: 0 };
  core.transport?.addTraceHook(() => parties.datagrams++);
  return parties;
}

/** Runs `task(i)` for i < count with at most `window` in flight. */
async function windowed<T>(
  count: number,
  window: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
  return results;
}

async function call(p: Parties): Promise<Dialog> {
  const t = p.b2bua.core.target;
  const { response, dialog } = await p.uac.invite({
    requestUri: `sip:bob@${t.address}:${t.port}`,
    from: '<sip:alice@127.0.0.1>',
    to: `<sip:bob@${t.address}:${t.port}>`,
    target: t,
  }).result;
  if (!dialog) throw new RangeError(`a call through the B2BUA failed with ${response.status}`);
  return dialog;
}

async function settle(
  p: Parties,
  what: (parties: Parties) => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what(p)) {
    if (Date.now() > deadline) throw new RangeError('the cores did not settle in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const noTransactions = (p: Parties): boolean =>
  p.uac.counts().transactions + p.uas.counts().transactions + p.b2bua.core.counts().transactions ===
  0;

function collectGarbage(): () => void {
  // The bench runs without --expose-gc; this enables it for a clean heap reading.
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

async function run(): Promise<string> {
  const gc = collectGarbage();
  const p = await start();
  // Warm-up: 200 calls set up and released, so that JIT and socket buffers are in steady state.
  const warm = await windowed(200, 100, () => call(p));
  await windowed(warm.length, 100, (i) => p.uac.bye(warm[i] as Dialog));
  await settle(p, noTransactions, 20_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  const setupStart = performance.now();
  const dialogs = await windowed(CALLS, WINDOW, () => call(p));
  const setupSeconds = (performance.now() - setupStart) / 1000;
  await settle(p, noTransactions, 20_000);
  gc();
  const after = process.memoryUsage().heapUsed;
  const idle = p.b2bua.snapshot();
  const totalDialogs = p.uac.counts().dialogs + p.uas.counts().dialogs + idle.dialogs;
  p.datagrams = 0;
  const cpuStart = process.cpuUsage();
  const releaseStart = performance.now();
  await windowed(CALLS, WINDOW, (i) => p.uac.bye(dialogs[i] as Dialog));
  await settle(p, (q) => q.b2bua.snapshot().sessions === 0 && q.uas.counts().dialogs === 0, 20_000);
  const releaseSeconds = (performance.now() - releaseStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMicros = cpu.user + cpu.system;
  const datagrams = p.datagrams;
  await settle(p, noTransactions, 20_000);
  const leftover = p.b2bua.snapshot();
  await Promise.all([p.uac.close(), p.uas.close(), p.b2bua.core.close()]);
  const transactions = 2 * CALLS;
  return [
    '## B2BUA core',
    '',
    `${CALLS} calls from a UAC through the B2BUA core to a UAS over loopback UDP (127.0.0.1), ${WINDOW} in flight,`,
    `T1 ${TIMERS.t1} ms, after a warm-up of 200 calls. Each release is a BYE on the client leg, answered 200 by the`,
    'B2BUA, which then sends BYE on the server leg (OMA PoC Figure 16 steps 3 -> 6): two BYE/200 transactions per call',
    'at the B2BUA, every message parsed, matched to its transaction and dialog, and serialized.',
    '',
    '| Measure | Value |',
    '| --- | ---: |',
    `| Calls set up through the B2BUA (INVITE/180/200/ACK on both legs) | ${CALLS} in ${setupSeconds.toFixed(2)} s (${Math.round(CALLS / setupSeconds)} calls/s) |`,
    `| Idle state: dialogs at the B2BUA / sessions | ${idle.dialogs} / ${idle.sessions} |`,
    `| Releases | ${CALLS} in ${releaseSeconds.toFixed(2)} s |`,
    `| **BYE/200 transactions per second through the B2BUA** (client leg + server leg) | **${Math.round(transactions / releaseSeconds)}** |`,
    `| CPU time of the process (UAC, B2BUA and UAS together) per BYE/200 transaction at the B2BUA | ${Math.round(cpuMicros / transactions)} µs |`,
    `| Datagrams in and out at the B2BUA during the releases (4 per call without retransmission) | ${datagrams} |`,
    `| **Heap per idle dialog** (${totalDialogs} dialogs: UAC, both B2BUA legs, UAS; sessions and stored INVITE state included) | **${Math.round((after - before) / totalDialogs)} bytes** |`,
    `| Heap per idle call through the B2BUA (4 dialogs + 1 B2BUA session) | ${Math.round((after - before) / CALLS)} bytes |`,
    `| Left after the releases (dialogs / transactions / sessions) | ${leftover.dialogs} / ${leftover.transactions} / ${leftover.sessions} |`,
    '',
    `Load average during the run: ${loadavg()[0]?.toFixed(1) ?? '?'} on ${cpus().length} CPUs; the three parties share one Node process,`,
    'so the rate is a lower bound for the B2BUA alone. The window is kept small because a burst larger than a UDP',
    "socket's receive buffer (212 kB by default, not settable through SipTransport yet) is dropped by the kernel and",
    'costs a T1 retransmission; retransmitted datagrams show as the excess over 4 per call above.',
  ].join('\n');
}

/** `node dist/bench/run.js b2bua`. */
export const benchmark: Benchmark = { name: 'b2bua', run };
