/**
 * OMA PoC Figure 19 through real SIP/IP Cores: one Kamailio per SIP/IP Core
 * (X, B; record-routing, one worker, each on its own address), the
 * generated PoC Servers (Controlling X, Participating B) under
 * `flowspec run --commands`, PoC Client B in two parts: SIPp for its SIP
 * (the Pre-established Session with PoC Server B, poc.establish.terminating.
 * pre-established steps 1-6, and its BYE at the end) and the runtime's MBCP
 * endpoint for its user plane, on the port SIPp's SDP offers (SIPp does not
 * speak MBCP: it acknowledges MBCP Connect and Disconnect on receipt). PoC
 * Server X invites PoC Client B over the Pre-established Session (steps
 * 7-16: PoC Server B answers itself after MBCP Connect), then disconnects it
 * (Figure 19: BYE, 200, MBCP Disconnect, MBCP Acknowledgement). Everything
 * is captured on `lo` and kept in test-output/interop/<name>/ with the
 * topology, which is also the capture's address map.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allocateAddressBlock,
  artifactDir,
  pollUntil,
  startBlockCapture,
  startFlowspecRun,
  startKamailio,
  startMbcpPeer,
  startSipp,
  withTeardown,
  type AddressBlock,
  type EntryResult,
  type MbcpPeerPacket,
  type RunStatus,
  type RunStop,
  type SippResult,
} from './harness/index.js';
import { topologyFromExample } from './run-topology.js';

/** The flow the run plays. */
export const DISCONNECT_PRE_FLOW = 'flows/poc/disconnect-pre-established.flow.yaml';

/** The flow of its precondition: the Pre-established Session and the invitation over it. */
export const ESTABLISH_PRE_FLOW = 'flows/poc/establish-terminating-pre-established.flow.yaml';

/** Hosts of the run's address block (those of topologies/poc-disconnect-pre-established.topology.yaml). */
export const PRE_HOSTS = {
  coreX: 3,
  serverX: 4,
  coreB: 5,
  serverB: 6,
  clientB: 12,
} as const;

/**
 * How long the PoC Session goes on between the invitation and the disconnection, in ms. More
 * than the 4 s of capture time `flowspec diff` keeps a complete instance open for late
 * retransmissions (completeGraceSeconds): a BYE in the dialog sooner than that would count as
 * an unexpected message of the establishment's instance (docs/interop.md, Figure 19).
 */
export const SESSION_HOLD_MS = 5_000;

/**
 * How long PoC Client B (SIPp) keeps its Pre-established Session before its BYE, in ms: SIPp
 * sees nothing of the PoC Session (PoC Server B answers for it, MBCP tells the client), so the
 * invitation, the session and the disconnection run in this pause; the test checks they ended
 * inside it.
 */
export const PRE_ESTABLISHED_HOLD_MS = SESSION_HOLD_MS + 4_000;

/** What a run leaves behind. */
export interface PocDisconnectPreRun {
  readonly dir: string;
  readonly capture: string;
  /** The topology `flowspec run` started from; the capture's address map. */
  readonly topology: string;
  readonly block: AddressBlock;
  readonly clientB: SippResult;
  /** `call serverX establishTerminatingPreEstablished to=serverB`. */
  readonly invited: EntryResult;
  /** `call serverX disconnectPreEstablished`. */
  readonly disconnected: EntryResult;
  /** The MBCP PoC Client B's endpoint sent and received, in order. */
  readonly mbcp: readonly MbcpPeerPacket[];
  /** Whether SIPp was still in its pause (the Pre-established Session up) once the Disconnect was acknowledged. */
  readonly heldThroughDisconnect: boolean;
  /** The `error:` lines of `flowspec run` (flow deviations). */
  readonly errors: readonly string[];
  /** The status once everything was released. */
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

/** Runs Figure 19 with its precondition, PoC Client B as SIPp plus an MBCP endpoint. */
export async function runPocDisconnectPre(name: string): Promise<PocDisconnectPreRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const at = (h: keyof typeof PRE_HOSTS): string => `${block.host(PRE_HOSTS[h])}:5060`;
  return withTeardown(async (teardown) => {
    const capture = await startBlockCapture(name, dir, block, teardown);
    const core = (id: 'coreX' | 'coreB') =>
      startKamailio(
        {
          name: id,
          template: 'sip-core.cfg.tpl',
          address: block.host(PRE_HOSTS[id]),
          workDir: join(dir, `kamailio-${id}`),
          probeFrom: block.probeHost,
        },
        teardown,
      );
    const [, coreB] = [await core('coreX'), await core('coreB')];
    // The shipped example, moved into this run's address block.
    const topology = topologyFromExample(
      'poc-disconnect-pre-established.topology.yaml',
      join(dir, 'topology.yaml'),
      block.prefix,
      'timers: { t1: 50, t2: 400, t4: 500 }',
    );
    const servers = await startFlowspecRun(
      { name: 'poc-servers', topology, workDir: dir, commands: true },
      teardown,
    );
    // PoC Client B's user plane: the runtime's MBCP endpoint acknowledges what asks for it.
    const peer = await startMbcpPeer(block.host(PRE_HOSTS.clientB), teardown);
    const mbcp = peer.packets;
    const clientB = await startSipp(
      {
        name: 'clientB',
        scenario: 'poc-client-pre-established-uac.xml',
        address: block.host(PRE_HOSTS.clientB),
        remote: coreB.hostport,
        calls: 1,
        pauseMs: PRE_ESTABLISHED_HOLD_MS,
        timeoutSeconds: 30,
        workDir: dir,
        keys: {
          server_uri: `sip:ConferenceFactoryURI@${at('serverB')}`,
          route: `<sip:${at('coreB')};lr>`,
          client_uri: 'sip:clientB@networkB.test',
          client_user: 'clientB',
          mbcp_port: String(peer.port),
          dialog_file: join(dir, 'pre-established-dialog.txt'),
        },
      },
      teardown,
    );
    // poc.establish.terminating.pre-established step 6: the ACK reaches PoC Server B.
    await servers.process.waitForOutput(/ serverB <- udp \S+ ACK /, 15_000);
    // Steps 7-16: PoC Server X invites PoC Client B over its Pre-established Session.
    const invited = await servers.call('serverX', 'establishTerminatingPreEstablished', {
      to: 'serverB',
    });
    // The PoC Session goes on; then Figure 19 steps 1-7 (and A, B at PoC Server B).
    await sleep(SESSION_HOLD_MS);
    const disconnected = await servers.call('serverX', 'disconnectPreEstablished');
    await pollUntil(() => (acksDisconnect(mbcp) ? true : undefined), {
      peer: 'PoC Client B MBCP',
      what: 'MBCP Disconnect acknowledged',
      timeoutMs: 5_000,
    });
    const heldThroughDisconnect = clientB.process.running;
    const b = await clientB.finished();
    // Timer J and K (RFC 3261 17.2.2, 17.1.2.2) end the last transactions: 64*T1.
    const idle = await servers.waitIdle(15_000);
    const errors = servers.errors();
    const stopped = await servers.stop();
    await capture.stop();
    return {
      dir,
      capture: capture.file,
      topology,
      block,
      clientB: b,
      invited,
      disconnected,
      mbcp,
      heldThroughDisconnect,
      errors,
      idle,
      stopped,
    };
  });
}

/** Whether an Acknowledgement went out after a Disconnect came in. */
function acksDisconnect(mbcp: readonly MbcpPeerPacket[]): boolean {
  const disconnect = mbcp.findIndex((m) => m.direction === 'in' && m.kind === 'Disconnect');
  return (
    disconnect >= 0 &&
    mbcp.slice(disconnect + 1).some((m) => m.direction === 'out' && m.kind === 'Acknowledgement')
  );
}
