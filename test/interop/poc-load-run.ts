/**
 * Load through real SIP/IP Cores (issue 8 item 2): SIPp as thousands of
 * PoC Clients that each join an on-demand PoC Session and leave it (OMA PoC
 * clause 6.1.3, then Figure 16), through a Kamailio per SIP/IP Core (A and
 * X) to the generated PoC Servers (Participating A, Controlling X) under
 * `flowspec run`. Measured: failed calls, CPU seconds of the generated
 * servers and of each Kamailio over the same window (from /proc), and what
 * the servers still hold afterwards. The release policy is `continue`:
 * every session of the run is its own, so the Controlling PoC Server only
 * answers the BYE of the leaving client (Figure 16 steps 8-9).
 */
import { join } from 'node:path';
import {
  allocateAddressBlock,
  artifactDir,
  groupCpuSeconds,
  REPO_ROOT,
  startFlowspecRun,
  startKamailio,
  startSipp,
  withTeardown,
  type RunStatus,
  type RunStop,
  type SippResult,
} from './harness/index.js';
import { LEAVE_FLOW, POC_HOSTS } from './poc-leave-run.js';
import { writeTopology } from './run-topology.js';

/** How much load. */
export interface LoadOptions {
  readonly calls: number;
  /** New calls per second. */
  readonly rate: number;
  /** How long each PoC Client stays in its session, ms. */
  readonly holdMs: number;
  /** T1 of the generated servers, ms (RFC 3261 17.1.1.1; Timer J = 64*T1 bounds the drain). */
  readonly t1?: number;
}

/** What a load run measured. */
export interface LoadRun {
  readonly dir: string;
  readonly calls: number;
  readonly sipp: SippResult;
  /** Seconds from the first call to the last release. */
  readonly seconds: number;
  /** CPU seconds over the window (ready to idle) of the generated servers' process. */
  readonly serversCpu: number;
  /** CPU seconds over the same window of each Kamailio (all its processes). */
  readonly coreACpu: number;
  readonly coreXCpu: number;
  /** The status once every transaction had ended. */
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

/** Runs `calls` PoC sessions, join then leave, through Kamailio to `flowspec run`. */
export async function runPocLoad(name: string, options: LoadOptions): Promise<LoadRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const host = (id: keyof typeof POC_HOSTS): string => block.host(POC_HOSTS[id]);
  const at = (id: keyof typeof POC_HOSTS): string => `${host(id)}:5060`;
  return withTeardown(async (teardown) => {
    const core = (id: 'coreA' | 'coreX') =>
      startKamailio(
        {
          name: id,
          template: 'sip-core.cfg.tpl',
          address: host(id),
          workDir: join(dir, `kamailio-${id}`),
          probeFrom: block.probeHost,
          // Thousands of transactions in their wait state at once (RFC 3261 17.2.1 Timer I, J).
          sharedMemoryMb: 256,
        },
        teardown,
      );
    const coreA = await core('coreA');
    const coreX = await core('coreX');
    const topology = writeTopology(
      join(dir, 'topology.yaml'),
      {
        flow: join(REPO_ROOT, LEAVE_FLOW),
        participants: {
          clientA: at('clientA'),
          coreA: at('coreA'),
          serverA: at('serverA'),
          coreX: at('coreX'),
          serverX: at('serverX'),
        },
        run: {
          serverA: { outbound: ['coreA', 'coreX'], served: ['sip:clientA@networkA.test'] },
          serverX: {},
        },
        policies: { 'policy.release': 'continue', 'session.kind': 'on-demand' },
        ...(options.t1 !== undefined
          ? { timers: { t1: options.t1, t2: options.t1 * 8, t4: options.t1 * 10 } }
          : {}),
      },
      `${LEAVE_FLOW} under load in ${name}`,
    );
    const servers = await startFlowspecRun(
      { name: 'poc-servers', topology, quiet: true, workDir: dir },
      teardown,
    );
    const pid = servers.process.child.pid ?? 0;
    const cpu = (): [number, number, number] => [
      groupCpuSeconds(pid),
      groupCpuSeconds(coreA.process.child.pid ?? 0),
      groupCpuSeconds(coreX.process.child.pid ?? 0),
    ];
    const before = cpu();
    const started = performance.now();
    const clients = await startSipp(
      {
        name: 'clients',
        scenario: 'poc-client-leave-uac.xml',
        address: host('clientA'),
        remote: coreA.hostport,
        calls: options.calls,
        rate: options.rate,
        limit: Math.max(10, Math.ceil(options.rate * (options.holdMs / 1000 + 2))),
        pauseMs: options.holdMs,
        timeoutSeconds: Math.ceil(options.calls / options.rate + options.holdMs / 1000 + 60),
        workDir: dir,
        keys: {
          session_uri: `sip:serverX@${at('serverX')}`,
          route: `<sip:${host('coreA')};lr>, <sip:${at('serverA')};lr>`,
          client_uri: 'sip:clientA@networkA.test',
          client_user: 'clientA',
        },
      },
      teardown,
    );
    const sipp = await clients.finished();
    const seconds = (performance.now() - started) / 1000;
    // Timer J and K (RFC 3261 17.2.2, 17.1.2.2) end the last transactions: 64*T1 after the last BYE.
    const idle = await servers.waitIdle(64 * (options.t1 ?? 500) + 15_000);
    const after = cpu();
    const stopped = await servers.stop();
    return {
      dir,
      calls: options.calls,
      sipp,
      seconds,
      serversCpu: after[0] - before[0],
      coreACpu: after[1] - before[1],
      coreXCpu: after[2] - before[2],
      idle,
      stopped,
    };
  });
}
