/**
 * One network-initiated release by the generated S-CSCF
 * (generated/roles/s-cscf.ts) between the same SIPp UEs as the Kamailio run
 * (scscf-release-run.ts): the Calling UE (SIPp UAC) sets a session up
 * through the S-CSCF with the Called UE (SIPp UAS), both with a GRUU in their
 * Contact; then the S-CSCF's release entry point (`scscfReleaseCalling`,
 * TS 24.229 5.4.5.1.2 items 1 and 2, or `scscfReleaseCalled`, items 3 and 4)
 * sends a BYE to each end from the dialog state it stored.
 *
 * `flowspec run` starts roles that react to what arrives; a network internal
 * indication (the release's trigger) cannot reach it from outside the
 * process (docs/run.md, Limits). The S-CSCF therefore runs in a role process
 * (harness/role-runner.ts), which starts the same generated role and calls
 * the entry point. Everything is captured on `lo` and kept in
 * test-output/interop/<name>/ with the address map of the three participants.
 */
import { join } from 'node:path';
import {
  allocateAddressBlock,
  artifactDir,
  pollUntil,
  startCapture,
  startKamailio,
  startSipp,
  udpSend,
  withTeardown,
  writeAddressMap,
  type AddressBlock,
  type SippResult,
} from './harness/index.js';
import { RoleProcess } from './harness/role-process.js';
import type { CallOutcome, Snapshots } from './harness/role-protocol.js';
import { CALLED_GRUU, CALLING_GRUU } from './scscf-release-run.js';

/** The release entry points of the generated S-CSCF, by the flow they play. */
export const RELEASE_ENTRIES = {
  calling: 'scscfReleaseCalling',
  called: 'scscfReleaseCalled',
} as const;

/** Which S-CSCF releases: the one serving the calling user or the called user. */
export type ReleaseSide = keyof typeof RELEASE_ENTRIES;

/** Hosts of the run's address block (the Kamailio run's numbers). */
export const SCSCF_HOSTS = { scscf: 1, callingUe: 2, calledUe: 3, pcscf: 4 } as const;

/**
 * RFC 3261 17.1.1.1 base values of the S-CSCF: Timer J and the INVITE
 * server transaction's Accepted state (64*T1, RFC 6026) end within 3.2 s.
 */
const TIMERS = { t1: 50, t2: 400, t4: 500 } as const;

/** What a release run leaves behind. */
export interface GeneratedReleaseRun {
  readonly dir: string;
  readonly capture: string;
  readonly map: string;
  readonly block: AddressBlock;
  /** host:port of the S-CSCF (an ephemeral port of the role process). */
  readonly scscf: string;
  readonly callingUe: SippResult;
  readonly calledUe: SippResult;
  /** What the entry point got: the final responses to its two BYEs. */
  readonly release: CallOutcome;
  /** The S-CSCF's state once the session was established, and once its timers had run. */
  readonly established: Snapshots;
  readonly idle: Snapshots;
  /** The flow actions the S-CSCF took (service-control, release-dialog-state). */
  readonly actions: readonly string[];
  /** Reactions that ended in an error. */
  readonly failures: readonly string[];
}

/** How a release run is set up. */
export interface GeneratedReleaseOptions {
  /**
   * Put a record-routing P-CSCF (Kamailio, pcscf.cfg.tpl) between the
   * Calling UE and the S-CSCF, as in the Kamailio run, so that the route set
   * the S-CSCF stores towards the calling user is not empty. The capture then
   * shows the S-CSCF's own interface, and the P-CSCF stands for the Calling UE
   * in the map (the flows draw no nodes between the S-CSCF and the UEs).
   */
  readonly pcscf?: boolean;
}

/** Runs one release by the generated S-CSCF. */
export async function runGeneratedScscfRelease(
  name: string,
  side: ReleaseSide,
  options: GeneratedReleaseOptions = {},
): Promise<GeneratedReleaseRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const host = (id: keyof typeof SCSCF_HOSTS): string => block.host(SCSCF_HOSTS[id]);
  return withTeardown(async (teardown) => {
    const capture = await startCapture(
      {
        name,
        file: join(dir, 'capture.pcapng'),
        filter: options.pcscf
          ? `(host ${host('scscf')} or host ${block.sentinelHost}) and not host ${block.probeHost}`
          : block.captureFilter,
        sentinel: () =>
          udpSend(block.sentinelHost, block.sentinelHost, 9, 'flowspec capture sentinel'),
      },
      teardown,
    );
    const roles = await RoleProcess.start({ name }, teardown);
    const started = await roles.startRole({
      id: 'scscf',
      role: 's-cscf',
      address: host('scscf'),
      timers: TIMERS,
      aor: `sip:scscf@${host('scscf')}`,
      user: 'scscf',
      servedUsers: [],
      facts: {},
    });
    const scscf = `${started.target.address}:${started.target.port}`;
    const pcscf = options.pcscf
      ? await startKamailio(
          {
            name: 'pcscf',
            template: 'pcscf.cfg.tpl',
            address: host('pcscf'),
            workDir: join(dir, 'kamailio-pcscf'),
            probeFrom: block.probeHost,
            values: { nextHop: scscf },
          },
          teardown,
        )
      : undefined;
    const calledUe = await startSipp(
      {
        name: 'called-ue',
        scenario: 'called-ue-uas.xml',
        address: host('calledUe'),
        calls: 1,
        timeoutSeconds: 20,
        workDir: dir,
        keys: { called_user: 'user2_public1', contact_params: CALLED_GRUU },
      },
      teardown,
    );
    const callingUe = await startSipp(
      {
        name: 'calling-ue',
        scenario: 'calling-ue-uac.xml',
        address: host('callingUe'),
        remote: pcscf?.hostport ?? scscf,
        calls: 1,
        timeoutSeconds: 20,
        workDir: dir,
        keys: {
          called_uri: `sip:user2_public1@${host('calledUe')}:5060`,
          calling_user: 'user1_public1',
          contact_params: CALLING_GRUU,
        },
      },
      teardown,
    );
    // Established means the ACK relayed to the Called UE (ims.establish.session step 6).
    await roles.waitForTrace(
      (t) => t.direction === 'out' && t.method === 'ACK' && t.remote.address === host('calledUe'),
      10_000,
    );
    const established = await roles.snapshots();
    const release = await roles.call('scscf', RELEASE_ENTRIES[side]);
    const [calling, called] = await Promise.all([callingUe.finished(), calledUe.finished()]);
    const idle = await pollUntil(
      async () => {
        const s = await roles.snapshots();
        const state = s.scscf;
        return state && state.dialogs + state.transactions + state.sessions === 0 ? s : undefined;
      },
      {
        peer: 'generated s-cscf',
        what: 'idle after the release (64*T1)',
        timeoutMs: 10_000,
        log: () => roles.log,
      },
    );
    const actions = await roles.actions('scscf');
    const failures = await roles.failures();
    await roles.stop();
    await capture.stop();
    const map = writeAddressMap(join(dir, 'map.yaml'), 'ims.scscf.release.*', {
      callingUe: pcscf?.hostport ?? `${host('callingUe')}:5060`,
      scscf,
      calledUe: `${host('calledUe')}:5060`,
    });
    return {
      dir,
      capture: capture.file,
      map,
      block,
      scscf,
      callingUe: calling,
      calledUe: called,
      release,
      established,
      idle,
      actions,
      failures,
    };
  });
}
