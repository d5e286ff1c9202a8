/**
 * One network-initiated release by the generated S-CSCF
 * (generated/roles/s-cscf.ts) between the same SIPp UEs as the Kamailio run
 * (scscf-release-run.ts): the Calling UE (SIPp UAC) sets a session up
 * through the S-CSCF with the Called UE (SIPp UAS), both with a GRUU in their
 * Contact; then the S-CSCF's release entry point (`scscfReleaseCalling`,
 * TS 24.229 5.4.5.1.2 items 1 and 2, or `scscfReleaseCalled`, items 3 and 4)
 * sends a BYE to each end from the dialog state it stored.
 *
 * The S-CSCF runs under `flowspec run --commands` on a topology of the
 * three participants; the release's trigger, a network internal indication,
 * reaches it as the command line `call scscf scscfReleaseCalling`
 * (docs/run.md, Commands), and `status` reports its state and the flow
 * actions it took. Everything is captured on `lo` and kept in
 * test-output/interop/<name>/ with the address map of the three participants.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allocateAddressBlock,
  artifactDir,
  pollUntil,
  startBlockCapture,
  startKamailio,
  startSipp,
  withTeardown,
  writeAddressMap,
  type AddressBlock,
  type RunStop,
  type SippResult,
} from './harness/index.js';
import { startFlowspecRun, type ParticipantState } from './harness/flowspec-run.js';
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

/** The port the S-CSCF listens on, on its own host of the block. */
const SCSCF_PORT = 5060;

/**
 * The topology `flowspec run` starts the S-CSCF from. RFC 3261 17.1.1.1 base
 * values: Timer J and the INVITE server transaction's Accepted state
 * (64*T1, RFC 6026) end within 3.2 s.
 */
function scscfTopology(scscf: string, callingUe: string, calledUe: string): string {
  return [
    'participants:',
    `  scscf: ${scscf}`,
    `  callingUe: ${callingUe}`,
    `  calledUe: ${calledUe}`,
    'run:',
    '  scscf: { role: s-cscf }',
    'timers: { t1: 50, t2: 400, t4: 500 }',
    '',
  ].join('\n');
}

/** What a release run leaves behind. */
export interface GeneratedReleaseRun {
  readonly dir: string;
  readonly capture: string;
  readonly map: string;
  readonly block: AddressBlock;
  /** host:port of the S-CSCF. */
  readonly scscf: string;
  readonly callingUe: SippResult;
  readonly calledUe: SippResult;
  /** What the entry point got (its `result:` line): the final responses to its two BYEs. */
  readonly release: { readonly statuses: readonly number[] };
  /** The S-CSCF's state (`status`) once the session was established, and once its timers had run. */
  readonly established: Readonly<Record<string, ParticipantState>>;
  readonly idle: Readonly<Record<string, ParticipantState>>;
  /** The flow actions the S-CSCF took (service-control, release-dialog-state). */
  readonly actions: readonly string[];
  /** Reactions and entry points that ended in an error (`error:` lines). */
  readonly failures: readonly string[];
  /** How `flowspec run` stopped (SIGTERM). */
  readonly stopped: RunStop;
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
    const capture = await startBlockCapture(
      name,
      dir,
      block,
      teardown,
      options.pcscf
        ? `(host ${host('scscf')} or host ${block.sentinelHost}) and not host ${block.probeHost}`
        : block.captureFilter,
    );
    const scscf = `${host('scscf')}:${SCSCF_PORT}`;
    const topology = join(dir, 'scscf.topology.yaml');
    writeFileSync(
      topology,
      scscfTopology(
        scscf,
        options.pcscf ? `${host('pcscf')}:5060` : `${host('callingUe')}:5060`,
        `${host('calledUe')}:5060`,
      ),
    );
    const run = await startFlowspecRun(
      { name: 'scscf', topology, commands: true, workDir: dir },
      teardown,
    );
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
    await run.process.waitForOutput(
      new RegExp(` scscf -> udp ${host('calledUe').replace(/\./g, '\\.')}:5060 ACK `),
      10_000,
    );
    const established = await run.states();
    const release = await run.call('scscf', RELEASE_ENTRIES[side]);
    const [calling, called] = await Promise.all([callingUe.finished(), calledUe.finished()]);
    const idle = await pollUntil(
      async () => {
        const s = await run.states();
        const state = s.scscf;
        return state && state.dialogs + state.transactions + state.sessions === 0 ? s : undefined;
      },
      {
        peer: 'flowspec run scscf',
        what: 'idle after the release (64*T1)',
        timeoutMs: 10_000,
        intervalMs: 200,
        log: () => run.process.log,
      },
    );
    const actions = idle.scscf?.actions ?? [];
    const failures = run.errors();
    const stopped = await run.stop();
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
      stopped,
    };
  });
}
