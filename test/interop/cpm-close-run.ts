/**
 * OMA CPM one-to-one session closing through real SIP/IP Cores: a Kamailio
 * per SIP/IP Core (A and B; record-routing, one worker, each on its own
 * address), the generated CPM Participating Functions A (originating) and B
 * (terminating) under `flowspec run`, SIPp as the CPM Clients (A the UAC
 * that sets the session up and closes it, B the UAS). Figure 10: both
 * Participating Functions stay on the media path as B2BUAs; Figure 9: they
 * are proxies that record-route. Everything is captured on `lo` and kept in
 * test-output/interop/<name>/ with the topology, the capture's address map.
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

/** Hosts of the run's address block. */
export const CPM_HOSTS = { coreA: 1, pfA: 2, coreB: 3, pfB: 4, clientA: 11, clientB: 12 } as const;

/** The two closings of OMA CPM C.2.3. */
export type CpmCase = 'on-media-path' | 'off-media-path';

/** The flow of each case. */
export const CPM_FLOWS: Readonly<Record<CpmCase, string>> = {
  'on-media-path': 'flows/cpm/close-pf-on-media-path.flow.yaml',
  'off-media-path': 'flows/cpm/close-pf-off-media-path.flow.yaml',
};

/** What a run leaves behind. */
export interface CpmCloseRun {
  readonly dir: string;
  readonly capture: string;
  readonly topology: string;
  readonly block: AddressBlock;
  readonly clientA: SippResult;
  readonly clientB: SippResult;
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

/** Sets a one-to-one CPM session up through both Participating Functions and closes it from CPM Client A. */
export async function runCpmClose(name: string, which: CpmCase): Promise<CpmCloseRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const host = (id: keyof typeof CPM_HOSTS): string => block.host(CPM_HOSTS[id]);
  const at = (id: keyof typeof CPM_HOSTS): string => `${host(id)}:5060`;
  return withTeardown(async (teardown) => {
    const capture = await startBlockCapture(name, dir, block, teardown);
    const core = (id: 'coreA' | 'coreB') =>
      startKamailio(
        {
          name: id,
          template: 'sip-core.cfg.tpl',
          address: host(id),
          workDir: join(dir, `kamailio-${id}`),
          probeFrom: block.probeHost,
        },
        teardown,
      );
    const coreA = await core('coreA');
    await core('coreB');
    // The shipped example, moved into this run's address block. Figure 10: B2BUAs, the server
    // leg of A addressed to B (its next hop); Figure 9: proxies.
    const topology = topologyFromExample(
      `cpm-close-pf-${which}.topology.yaml`,
      join(dir, 'topology.yaml'),
      block.prefix,
      'timers: { t1: 50, t2: 400, t4: 500 }',
    );
    const pfs = await startFlowspecRun({ name: 'cpm-pfs', topology, workDir: dir }, teardown);
    const clientB = await startSipp(
      {
        name: 'clientB',
        scenario: 'called-ue-uas.xml',
        address: host('clientB'),
        calls: 1,
        timeoutSeconds: 30,
        workDir: dir,
        keys: { called_user: 'clientB', contact_params: ';ob' },
      },
      teardown,
    );
    // The route CPM Client A preloads: to its Participating Function (Figure 10), or through
    // both Participating Functions and both SIP/IP Cores (Figure 9, the proxies record-route).
    const route = (
      which === 'on-media-path'
        ? [host('coreA'), at('pfA')]
        : [host('coreA'), at('pfA'), host('coreA'), host('coreB'), at('pfB'), host('coreB')]
    )
      .map((hop) => `<sip:${hop};lr>`)
      .join(', ');
    const clientA = await startSipp(
      {
        name: 'clientA',
        scenario: 'poc-client-leave-uac.xml',
        address: host('clientA'),
        remote: coreA.hostport,
        calls: 1,
        pauseMs: 300,
        timeoutSeconds: 30,
        workDir: dir,
        keys: {
          session_uri: `sip:clientB@${at('clientB')}`,
          route,
          client_uri: 'sip:clientA@networkA.test',
          client_user: 'clientA',
        },
      },
      teardown,
    );
    const [a, b] = await Promise.all([clientA.finished(), clientB.finished()]);
    const idle = await pfs.waitIdle(15_000);
    const stopped = await pfs.stop();
    await capture.stop();
    return { dir, capture: capture.file, topology, block, clientA: a, clientB: b, idle, stopped };
  });
}
