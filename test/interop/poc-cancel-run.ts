/**
 * Both PoC CANCEL procedures through real SIP/IP Cores: a Kamailio as the
 * SIP/IP Core (record-routing, transaction stateful: its tm module answers a
 * CANCEL itself and cancels its own branch, RFC 3261 16.10), the generated
 * Participating PoC Server under `flowspec run` from the shipped topology,
 * SIPp as the PoC Clients.
 *
 * - Originating (poc.cancel.originating, race.winner 487): PoC Client A
 *   (SIPp, poc-client-cancel-uac.xml) invites the PoC Session through Core A
 *   and PoC Server A, and cancels after Core A's 100 Trying; PoC Server A
 *   holds the INVITE and answers the CANCEL with 200 and the INVITE with 487.
 * - Terminating (poc.cancel.terminating): an inviting side the flow does not
 *   draw (SIPp, poc-server-cancel-uac.xml, as PoC Server X) invites PoC
 *   Client B through PoC Server B, and cancels after the 180; PoC Server B
 *   cancels its server leg through Core B; PoC Client B (SIPp,
 *   poc-client-cancelled-uas.xml) answers 180, then 200 and 487; or, its
 *   final response crossing the CANCEL (alt `final`, operand 2), the
 *   scenario `flowspec export-sipp --participant "PoC Client B" --alt
 *   final=2` writes: 200 to the CANCEL and 200 to the INVITE, which Kamailio
 *   relays and PoC Server B acknowledges and ends with BYE.
 *
 * Everything is captured on `lo` and kept in test-output/interop/<name>/
 * with the topology, which is also the capture's address map.
 */
import { join } from 'node:path';
import {
  allocateAddressBlock,
  artifactDir,
  runFlowspec,
  startBlockCapture,
  startFlowspecRun,
  startKamailio,
  startSipp,
  withTeardown,
  type AddressBlock,
  type RunStatus,
  type RunStop,
  type SippResult,
  type Teardown,
} from './harness/index.js';
import { topologyFromExample } from './run-topology.js';

/** The flows the runs play. */
export const CANCEL_FLOWS = {
  originating: 'flows/poc/cancel-originating.flow.yaml',
  terminating: 'flows/poc/cancel-terminating.flow.yaml',
} as const;

/** Which CANCEL procedure. */
export type CancelSide = keyof typeof CANCEL_FLOWS;

/** Hosts of the run's address block (the shipped topologies' numbers). */
export const CANCEL_HOSTS = {
  coreA: 1,
  serverA: 2,
  serverX: 4,
  coreB: 5,
  serverB: 6,
  clientA: 11,
  clientB: 12,
} as const;

/**
 * Short timers, so that Timer J / K and the 487's Timer G/H/I end within seconds (64*T1);
 * Timer D 64*T1 too (loopback holds no response back for the 32 s RFC 3261 17.1.1.2 asks).
 */
const TIMERS = 'timers: { t1: 50, t2: 400, t4: 500, timerD: 3200 }';

/** What a run leaves behind. */
export interface PocCancelRun {
  readonly dir: string;
  readonly capture: string;
  /** The topology `flowspec run` started from; the capture's address map. */
  readonly topology: string;
  readonly block: AddressBlock;
  /** The SIPp peers by name: clientA, or inviter and clientB. */
  readonly sipp: Readonly<Record<string, SippResult>>;
  /** The servers' status once everything ended. */
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

function coreOf(
  id: 'coreA' | 'coreB',
  dir: string,
  block: AddressBlock,
  teardown: Teardown,
): ReturnType<typeof startKamailio> {
  return startKamailio(
    {
      name: id,
      template: 'sip-core.cfg.tpl',
      address: block.host(CANCEL_HOSTS[id]),
      workDir: join(dir, `kamailio-${id}`),
      probeFrom: block.probeHost,
    },
    teardown,
  );
}

/**
 * Runs poc.cancel.originating (the 487 operand) or poc.cancel.terminating once; `crossing`
 * (terminating): PoC Client B answers the INVITE as the CANCEL comes in (its 2xx crosses the
 * CANCEL, alt `final` operand 2), played by the scenario export-sipp writes for it.
 */
export async function runPocCancel(
  name: string,
  side: CancelSide,
  crossing = false,
): Promise<PocCancelRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const host = (h: keyof typeof CANCEL_HOSTS): string => block.host(CANCEL_HOSTS[h]);
  const at = (h: keyof typeof CANCEL_HOSTS): string => `${host(h)}:5060`;
  return withTeardown(async (teardown) => {
    const capture = await startBlockCapture(name, dir, block, teardown);
    const core = await coreOf(side === 'originating' ? 'coreA' : 'coreB', dir, block, teardown);
    // The shipped example, moved into this run's address block.
    const topology = topologyFromExample(
      `poc-cancel-${side}.topology.yaml`,
      join(dir, 'topology.yaml'),
      block.prefix,
      TIMERS,
    );
    const servers = await startFlowspecRun(
      { name: 'poc-servers', topology, workDir: dir },
      teardown,
    );
    const sipp: Record<string, SippResult> = {};
    if (side === 'originating') {
      const clientA = await startSipp(
        {
          name: 'clientA',
          scenario: 'poc-client-cancel-uac.xml',
          address: host('clientA'),
          remote: core.hostport,
          calls: 1,
          timeoutSeconds: 20,
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
      sipp['clientA'] = await clientA.finished();
    } else {
      // The crossing case's PoC Client B is the flow's own, as `flowspec export-sipp` writes it.
      const exported = join(dir, 'clientB-exported.xml');
      if (crossing) {
        const r = await runFlowspec([
          'export-sipp',
          CANCEL_FLOWS.terminating,
          '--participant',
          'PoC Client B',
          '--alt',
          'final=2',
          '--out',
          exported,
        ]);
        if (r.exitCode !== 0) throw new Error(`export-sipp: ${r.stderr}`);
      }
      const clientB = await startSipp(
        {
          name: 'clientB',
          scenario: crossing ? exported : 'poc-client-cancelled-uas.xml',
          address: host('clientB'),
          calls: 1,
          timeoutSeconds: 20,
          workDir: dir,
          keys: { client_user: 'clientB' },
        },
        teardown,
      );
      const inviter = await startSipp(
        {
          name: 'inviter',
          scenario: 'poc-server-cancel-uac.xml',
          address: host('serverX'),
          remote: at('serverB'),
          calls: 1,
          timeoutSeconds: 20,
          workDir: dir,
          keys: {
            invitee_uri: `sip:clientB@${at('clientB')}`,
            route: `<sip:${at('serverB')};lr>`,
            inviter_uri: `sip:serverX@${at('serverX')}`,
            inviter_user: 'serverX',
          },
        },
        teardown,
      );
      const [i, b] = await Promise.all([inviter.finished(), clientB.finished()]);
      sipp['inviter'] = i;
      sipp['clientB'] = b;
    }
    // PoC Server A (a UAS of the cancelled INVITE): Timer J of the CANCEL and Timer H/I of the 487
    // (RFC 3261 17.2.2, 17.2.1), 64*T1 at most. PoC Server B also keeps its INVITE client
    // transaction for Timer D after the 487 (17.1.1.2), set to 64*T1 in the topology.
    const idle = await servers.waitIdle(15_000);
    const stopped = await servers.stop();
    await capture.stop();
    return { dir, capture: capture.file, topology, block, sipp, idle, stopped };
  });
}
