/**
 * OMA PoC Figure 16 with Figure 18 through real SIP/IP Cores: one Kamailio
 * per SIP/IP Core (A, X, B; record-routing, one worker, each on its own
 * address), the generated PoC Servers (Participating A and B, Controlling
 * X) under `flowspec run`, SIPp as the two PoC Clients. PoC Client B joins
 * the on-demand PoC Session, PoC Client A joins and leaves it (Figure 16);
 * with the release policy release-all the Controlling PoC Server then
 * disconnects PoC Client B (Figure 18). Everything is captured on `lo` and
 * kept in test-output/interop/<name>/ with the topology, which is also the
 * capture's address map.
 */
import { join } from 'node:path';
import {
  allocateAddressBlock,
  artifactDir,
  startBlockCapture,
  startFlowspecRun,
  startKamailio,
  startSipp,
  withTeardown,
  type AddressBlock,
  type RunStatus,
  type RunStop,
  type SippResult,
} from './harness/index.js';
import { topologyFromExample } from './run-topology.js';

/** The flow the run plays. */
export const LEAVE_FLOW = 'flows/poc/leave-on-demand.flow.yaml';

/** Hosts of the run's address block. */
export const POC_HOSTS = {
  coreA: 1,
  serverA: 2,
  coreX: 3,
  serverX: 4,
  coreB: 5,
  serverB: 6,
  clientA: 11,
  clientB: 12,
} as const;

/** What a run leaves behind. */
export interface PocLeaveRun {
  readonly dir: string;
  readonly capture: string;
  /** The topology `flowspec run` started from; the capture's address map. */
  readonly topology: string;
  readonly block: AddressBlock;
  readonly clientA: SippResult;
  readonly clientB: SippResult;
  /** The status once everything was released. */
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

/** Runs Figure 16 (PoC Client A leaves) with Figure 18 (PoC Client B disconnected). */
export async function runPocLeave(name: string): Promise<PocLeaveRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const at = (h: keyof typeof POC_HOSTS): string => `${block.host(POC_HOSTS[h])}:5060`;
  return withTeardown(async (teardown) => {
    const capture = await startBlockCapture(name, dir, block, teardown);
    const core = (id: 'coreA' | 'coreX' | 'coreB') =>
      startKamailio(
        {
          name: id,
          template: 'sip-core.cfg.tpl',
          address: block.host(POC_HOSTS[id]),
          workDir: join(dir, `kamailio-${id}`),
          probeFrom: block.probeHost,
        },
        teardown,
      );
    const [coreA, , coreB] = [await core('coreA'), await core('coreX'), await core('coreB')];
    // The shipped example, moved into this run's address block.
    const topology = topologyFromExample(
      'poc-leave-on-demand.topology.yaml',
      join(dir, 'topology.yaml'),
      block.prefix,
      'timers: { t1: 50, t2: 400, t4: 500 }',
    );
    const servers = await startFlowspecRun(
      { name: 'poc-servers', topology, workDir: dir },
      teardown,
    );
    const client = (id: 'clientA' | 'clientB', via: string, server: string) => ({
      session_uri: `sip:serverX@${at('serverX')}`,
      route: `<sip:${via};lr>, <sip:${server};lr>`,
      client_uri: `sip:${id}@network${id.slice(-1)}.test`,
      client_user: id,
    });
    // PoC Client B joins first and stays until the Controlling PoC Server disconnects it.
    const clientB = await startSipp(
      {
        name: 'clientB',
        scenario: 'poc-client-join-uac.xml',
        address: block.host(POC_HOSTS.clientB),
        remote: coreB.hostport,
        calls: 1,
        timeoutSeconds: 30,
        workDir: dir,
        keys: client('clientB', block.host(POC_HOSTS.coreB), at('serverB')),
      },
      teardown,
    );
    await servers.process.waitForOutput(/ serverX <- udp \S+ ACK /, 15_000);
    const clientA = await startSipp(
      {
        name: 'clientA',
        scenario: 'poc-client-leave-uac.xml',
        address: block.host(POC_HOSTS.clientA),
        remote: coreA.hostport,
        calls: 1,
        pauseMs: 500,
        timeoutSeconds: 30,
        workDir: dir,
        keys: client('clientA', block.host(POC_HOSTS.coreA), at('serverA')),
      },
      teardown,
    );
    const [a, b] = await Promise.all([clientA.finished(), clientB.finished()]);
    // Timer J and K (RFC 3261 17.2.2, 17.1.2.2) end the last transactions: 64*T1.
    const idle = await servers.waitIdle(15_000);
    const stopped = await servers.stop();
    await capture.stop();
    return {
      dir,
      capture: capture.file,
      topology,
      block,
      clientA: a,
      clientB: b,
      idle,
      stopped,
    };
  });
}
