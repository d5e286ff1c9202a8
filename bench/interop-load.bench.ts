/**
 * Issue 8 item 2: PoC sessions under load through Kamailio to the generated
 * servers. SIPp sets up and releases thousands of on-demand PoC Sessions
 * (OMA PoC clause 6.1.3, then Figure 16) through two Kamailio SIP/IP Cores
 * to the generated Participating and Controlling PoC Servers started by
 * `flowspec run` (test/interop/poc-load-run.ts). Measured in the same run:
 * CPU seconds per 1000 releases of the generated servers next to Kamailio's
 * CPU per 1000 calls (from /proc/<pid>/stat, every process of each peer),
 * failed calls, and what the servers hold afterwards.
 * Goal: the servers within 2x of Kamailio's CPU per call, no failed call.
 */
import { cpus, loadavg } from 'node:os';
import { runPocLoad } from '../test/interop/poc-load-run.js';
import type { Benchmark } from './registry.js';

const CALLS = 3000;
const RATE = 100;
const HOLD_MS = 1000;

function perThousand(cpuSeconds: number, calls: number): string {
  return `${((cpuSeconds * 1000) / calls).toFixed(2)} s`;
}

async function run(): Promise<string> {
  const r = await runPocLoad('interop-load', { calls: CALLS, rate: RATE, holdMs: HOLD_MS });
  const load = loadavg()[0] ?? 0;
  const released = r.sipp.stats.successfulCalls;
  const kamailio = r.coreACpu + r.coreXCpu;
  // Per call a Kamailio SIP/IP Core relays: core A both legs of the B2BUA, core X the server leg.
  const ratio = r.serversCpu / released / (kamailio / r.calls);
  const idle = `${r.idle.sessions} / ${r.idle.dialogs} / ${r.idle.transactions}`;
  const open = r.stopped.open
    ? `${r.stopped.open.sessions} / ${r.stopped.open.dialogs} / ${r.stopped.open.transactions}`
    : 'not reported';
  const met = ratio <= 2 && r.sipp.stats.failedCalls === 0 && r.idle.errors === 0;
  return [
    '## Interop load: PoC sessions through Kamailio to `flowspec run` (issue 8 item 2)',
    '',
    `SIPp (one UAC, \`test/interop/sipp/poc-client-leave-uac.xml\`) makes ${CALLS} calls at ${RATE} calls/s, each an`,
    `on-demand PoC Session joined, held ${HOLD_MS} ms and left (OMA PoC clause 6.1.3, then Figure 16 steps 2-11), through`,
    'Kamailio as SIP/IP Core A and X (`test/interop/kamailio/sip-core.cfg.tpl`: record-routing, transaction stateful, one',
    'worker) to the generated PoC Server A (Participating, a B2BUA) and PoC Server X (Controlling, release policy',
    '`continue`) in one `flowspec run --quiet` process, runtime default timers (T1 500 ms). CPU is user + system time',
    'from /proc/<pid>/stat over the same window for every peer: from `ready` to the servers reporting no transaction',
    '(Timer J, 64*T1, after the last BYE), every process of each peer counted.',
    '',
    '| Measure | Value |',
    '| --- | ---: |',
    `| Calls set up and released (SIPp successful / failed) | ${released} / ${r.sipp.stats.failedCalls} |`,
    `| SIPp retransmissions | ${r.sipp.stats.retransmissions} |`,
    `| Wall time of the calls | ${r.seconds.toFixed(1)} s |`,
    `| **CPU per 1000 releases, generated servers** (PoC Server A + X, one Node process) | **${perThousand(r.serversCpu, released)}** |`,
    `| CPU per 1000 calls, Kamailio SIP/IP Core A (both legs of the B2BUA pass it) | ${perThousand(r.coreACpu, r.calls)} |`,
    `| CPU per 1000 calls, Kamailio SIP/IP Core X | ${perThousand(r.coreXCpu, r.calls)} |`,
    `| **CPU per 1000 calls, Kamailio (A + X)** | **${perThousand(kamailio, r.calls)}** |`,
    `| Generated servers / Kamailio (A + X), CPU per call | ${ratio.toFixed(2)}x |`,
    `| Messages in / out at the servers | ${r.idle.received} / ${r.idle.sent} |`,
    `| Flow deviations the servers reported (an answer a flow step does not expect) | ${r.idle.errors} |`,
    `| Left in the servers after the run (sessions / dialogs / transactions) | ${idle} |`,
    `| Reported on SIGTERM (sessions / dialogs / transactions), exit code | ${open}, ${String(r.stopped.exitCode)} |`,
    '',
    `Goal: within 2x of Kamailio's CPU per call, no failed call: **${met ? 'met' : 'not met'}**.`,
    `Load average at the end: ${load.toFixed(1)} on ${cpus().length} CPUs (SIPp, both Kamailios and the servers share them).`,
  ].join('\n');
}

/** The interop load benchmark (`npm run bench -- interop-load`). */
export const benchmark: Benchmark = { name: 'interop-load', run };
