/**
 * OMA PoC Figure 17 through real SIP/IP Cores: one Kamailio per SIP/IP Core
 * (A, X; record-routing INVITE and REFER, one worker, each on its own
 * address), the generated PoC Servers (Participating A, Controlling X)
 * under `flowspec run`, PoC Client A in four parts on its address: SIPp
 * holding its Pre-established Session with PoC Server A (port 5060), SIPp
 * sending the REFER that joins the PoC Session through it (5062,
 * poc.establish.pre-established steps 8-24), SIPp sending the REFER
 * method=BYE that leaves it (5064, Figure 17), and the runtime's MBCP
 * endpoint on the port of its SDP offer (MBCP Connect, steps 25-26). SIPp
 * makes one Call-ID per call and each REFER is a dialog of its own, so
 * each is a SIPp of its own; the REFERs name the Pre-established Session
 * (Target-Dialog, RFC 4538) from what its SIPp wrote down. Everything is
 * captured on `lo` and kept in test-output/interop/<name>/ with the
 * topology, which is also the capture's address map.
 */
import { existsSync, readFileSync } from 'node:fs';
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
  type MbcpPeerPacket,
  type RunStatus,
  type RunStop,
  type SippResult,
} from './harness/index.js';
import { SESSION_HOLD_MS } from './poc-disconnect-pre-established-run.js';
import { topologyFromExample } from './run-topology.js';

/** The flow the run plays. */
export const LEAVE_PRE_FLOW = 'flows/poc/leave-pre-established.flow.yaml';

/** The flow of its precondition: the Pre-established Session and joining the PoC Session over it. */
export const JOIN_PRE_FLOW = 'flows/poc/establish-pre-established.flow.yaml';

/** Hosts of the run's address block (those of topologies/poc-leave-pre-established.topology.yaml). */
export const LEAVE_PRE_HOSTS = {
  coreA: 1,
  serverA: 2,
  coreX: 3,
  serverX: 4,
  clientA: 11,
} as const;

/** PoC Client A's SIP ports: its Pre-established Session, the joining REFER, the leaving REFER. */
export const CLIENT_A_PORTS = { preEstablished: 5060, join: 5062, leave: 5064 } as const;

/**
 * How long PoC Client A (SIPp) keeps its Pre-established Session before its BYE, in ms: the
 * joining REFER, the PoC Session ({@link SESSION_HOLD_MS}) and the leaving REFER run in it.
 */
export const LEAVE_PRE_HOLD_MS = SESSION_HOLD_MS + 4_000;

/** What a run leaves behind. */
export interface PocLeavePreRun {
  readonly dir: string;
  readonly capture: string;
  /** The topology `flowspec run` started from; the capture's address map. */
  readonly topology: string;
  readonly block: AddressBlock;
  /** The Target-Dialog value the REFERs carried (RFC 4538). */
  readonly targetDialog: string;
  /** The Pre-established Session's identity: the Contact PoC Server A answered with. */
  readonly sessionIdentity: string;
  readonly preEstablished: SippResult;
  readonly join: SippResult;
  readonly leave: SippResult;
  /** The MBCP PoC Client A's endpoint sent and received, in order. */
  readonly mbcp: readonly MbcpPeerPacket[];
  /** Whether the Pre-established Session's SIPp was still in its pause once the leaving REFER ended. */
  readonly heldThroughLeave: boolean;
  /** The `error:` lines of `flowspec run` (flow deviations). */
  readonly errors: readonly string[];
  /** The status once everything was released. */
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

/** Runs Figure 17 with its precondition, PoC Client A as three SIPp calls and an MBCP endpoint. */
export async function runPocLeavePre(name: string): Promise<PocLeavePreRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const at = (h: keyof typeof LEAVE_PRE_HOSTS): string => `${block.host(LEAVE_PRE_HOSTS[h])}:5060`;
  return withTeardown(async (teardown) => {
    const capture = await startBlockCapture(name, dir, block, teardown);
    const core = (id: 'coreA' | 'coreX') =>
      startKamailio(
        {
          name: id,
          template: 'sip-core.cfg.tpl',
          address: block.host(LEAVE_PRE_HOSTS[id]),
          workDir: join(dir, `kamailio-${id}`),
          probeFrom: block.probeHost,
          // The REFERs' NOTIFYs come back through SIP/IP Core A (Figure 17 steps 6, 7, 16, 17).
          recordRoute: ['REFER'],
        },
        teardown,
      );
    const [coreA] = [await core('coreA'), await core('coreX')];
    // The shipped example, moved into this run's address block.
    const topology = topologyFromExample(
      'poc-leave-pre-established.topology.yaml',
      join(dir, 'topology.yaml'),
      block.prefix,
      'timers: { t1: 50, t2: 400, t4: 500 }',
    );
    const servers = await startFlowspecRun(
      { name: 'poc-servers', topology, workDir: dir },
      teardown,
    );
    // PoC Client A's user plane: the runtime's MBCP endpoint acknowledges what asks for it.
    const peer = await startMbcpPeer(block.host(LEAVE_PRE_HOSTS.clientA), teardown);
    const mbcp = peer.packets;
    const client = {
      address: block.host(LEAVE_PRE_HOSTS.clientA),
      remote: coreA.hostport,
      calls: 1,
      timeoutSeconds: 30,
      workDir: dir,
    };
    const common = {
      route: `<sip:${at('coreA')};lr>`,
      client_uri: 'sip:clientA@networkA.test',
      client_user: 'clientA',
    };
    const dialogFile = join(dir, 'pre-established-dialog.txt');
    const preEstablished = await startSipp(
      {
        ...client,
        name: 'clientA-pre-established',
        scenario: 'poc-client-pre-established-uac.xml',
        port: CLIENT_A_PORTS.preEstablished,
        pauseMs: LEAVE_PRE_HOLD_MS,
        keys: {
          ...common,
          server_uri: `sip:ConferenceFactoryURI@${at('serverA')}`,
          mbcp_port: String(peer.port),
          dialog_file: dialogFile,
        },
      },
      teardown,
    );
    // poc.establish.pre-established step 6: the ACK reaches PoC Server A; the dialog is written down.
    await servers.process.waitForOutput(/ serverA <- udp \S+ ACK /, 15_000);
    const [targetDialog = '', sessionIdentity = ''] = await pollUntil(
      () => {
        // SIPp writes its exec command's line ends as CRLF, as in the messages it sends.
        const lines = existsSync(dialogFile) ? readFileSync(dialogFile, 'utf8').split(/\r?\n/) : [];
        return lines.length >= 2 && lines[1] !== '' ? lines : undefined;
      },
      {
        peer: 'sipp clientA-pre-established',
        what: `the Pre-established Session's dialog in ${dialogFile}`,
        timeoutMs: 5_000,
        log: () => preEstablished.process.log,
      },
    );
    const refer = (kind: 'join' | 'leave', referTo: string) =>
      startSipp(
        {
          ...client,
          name: `clientA-${kind}`,
          scenario: `poc-client-pre-${kind}-uac.xml`,
          port: CLIENT_A_PORTS[kind],
          keys: {
            ...common,
            session_identity: sessionIdentity,
            refer_to: referTo,
            target_dialog: targetDialog,
          },
        },
        teardown,
      );
    // poc.establish.pre-established steps 8-24: PoC Client A joins the PoC Session at PoC Server X.
    const joined = await (await refer('join', `sip:serverX@${at('serverX')}`)).finished();
    // Steps 25-26: PoC Server A connects PoC Client A in the user plane.
    await pollUntil(
      () =>
        mbcp.some((m) => m.direction === 'out' && m.kind === 'Acknowledgement') ? true : undefined,
      { peer: 'PoC Client A MBCP', what: 'MBCP Connect acknowledged', timeoutMs: 5_000 },
    );
    // The PoC Session goes on; then Figure 17: PoC Client A leaves it.
    await sleep(SESSION_HOLD_MS);
    const leave = await (
      await refer('leave', `sip:serverX@${at('serverX')};method=BYE`)
    ).finished();
    const heldThroughLeave = preEstablished.process.running;
    const pre = await preEstablished.finished();
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
      targetDialog,
      sessionIdentity,
      preEstablished: pre,
      join: joined,
      leave,
      mbcp,
      heldThroughLeave,
      errors,
      idle,
      stopped,
    };
  });
}
