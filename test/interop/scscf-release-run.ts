/**
 * One network-initiated release by an independent S-CSCF: Kamailio with its
 * dialog module record-routes a session between two SIPp UAs (the Calling
 * UE as UAC, the Called UE as UAS, each with a GRUU in its Contact), then
 * ends it with `kamcmd dlg.end_dlg`, which sends a BYE to each end from the
 * dialog state it stored (TS 24.229 5.4.5.1.2). Everything is captured on
 * `lo` and kept in test-output/interop/<name>/ with the address map of the
 * three participants.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allocateAddressBlock,
  artifactDir,
  listDialogs,
  pollUntil,
  startBlockCapture,
  startKamailio,
  startSipp,
  withTeardown,
  writeAddressMap,
  type AddressBlock,
  type SippResult,
} from './harness/index.js';

/** The GRUUs (RFC 5627 "gr" parameter) the two UEs put in their Contacts. */
export const CALLING_GRUU = ';gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
export const CALLED_GRUU = ';gr=urn:uuid:2ad8950e-48a5-4a74-8d99-ad76cc7fc74';

/** What a release run leaves behind. */
export interface ReleaseRun {
  readonly dir: string;
  readonly capture: string;
  readonly map: string;
  readonly block: AddressBlock;
  readonly callingUe: SippResult;
  readonly calledUe: SippResult;
  /** `kamcmd dlg.list` while the session was established. */
  readonly dialogList: string;
}

/** How a release run is set up. */
export interface ReleaseOptions {
  /** dlg.end_dlg's optional third argument: full header lines added to both BYEs. */
  readonly extraHeaders?: string;
  /**
   * Put a record-routing P-CSCF (a second Kamailio) between the Calling UE
   * and the S-CSCF, so that the route set the S-CSCF stores towards the
   * calling user is not empty. The capture then shows the S-CSCF's own
   * interface: the P-CSCF stands for the Calling UE in the map, as the flow
   * draws no nodes between the S-CSCF and the UEs.
   */
  readonly pcscf?: boolean;
}

/** Runs one release. */
export async function runScscfRelease(
  name: string,
  options: ReleaseOptions = {},
): Promise<ReleaseRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const scscfAddress = block.host(1);
  const callingAddress = block.host(2);
  const calledAddress = block.host(3);
  const pcscfAddress = block.host(4);
  const { extraHeaders } = options;
  return withTeardown(async (teardown) => {
    const capture = await startBlockCapture(
      name,
      dir,
      block,
      teardown,
      options.pcscf
        ? `(host ${scscfAddress} or host ${block.sentinelHost}) and not host ${block.probeHost}`
        : block.captureFilter,
    );
    const scscf = await startKamailio(
      {
        name: 'scscf',
        template: 'scscf.cfg.tpl',
        address: scscfAddress,
        workDir: join(dir, 'kamailio'),
        probeFrom: block.probeHost,
      },
      teardown,
    );
    const pcscf = options.pcscf
      ? await startKamailio(
          {
            name: 'pcscf',
            template: 'pcscf.cfg.tpl',
            address: pcscfAddress,
            workDir: join(dir, 'kamailio-pcscf'),
            probeFrom: block.probeHost,
            values: { nextHop: scscf.hostport },
          },
          teardown,
        )
      : undefined;
    const calledUe = await startSipp(
      {
        name: 'called-ue',
        scenario: 'called-ue-uas.xml',
        address: calledAddress,
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
        address: callingAddress,
        remote: (pcscf ?? scscf).hostport,
        calls: 1,
        timeoutSeconds: 20,
        workDir: dir,
        keys: {
          called_uri: `sip:user2_public1@${calledAddress}:5060`,
          calling_user: 'user1_public1',
          contact_params: CALLING_GRUU,
        },
      },
      teardown,
    );
    // Established means confirmed by the ACK (dialog state 4), as Kamailio itself sees it.
    const dialog = await pollUntil(
      async () => (await listDialogs(scscf)).find((d) => d.state === 4),
      {
        peer: 'kamailio scscf',
        what: 'holding a confirmed dialog',
        timeoutMs: 10_000,
        log: () => scscf.process.log,
      },
    );
    const dialogList = await scscf.kamcmd('dlg.list');
    writeFileSync(join(dir, 'dlg-list.txt'), dialogList);
    await scscf.kamcmd(
      'dlg.end_dlg',
      dialog.hEntry,
      dialog.hId,
      ...(extraHeaders ? [extraHeaders] : []),
    );
    const [calling, called] = await Promise.all([callingUe.finished(), calledUe.finished()]);
    // Kamailio forgets the dialog once both BYEs are answered (5.4.5.1.2, last paragraph).
    await pollUntil(async () => ((await listDialogs(scscf)).length === 0 ? true : undefined), {
      peer: 'kamailio scscf',
      what: 'without dialogs after the release',
      timeoutMs: 10_000,
      log: () => scscf.process.log,
    });
    await capture.stop();
    const map = writeAddressMap(join(dir, 'map.yaml'), 'ims.scscf.release.*', {
      callingUe: `${pcscf ? pcscfAddress : callingAddress}:5060`,
      scscf: `${scscfAddress}:5060`,
      calledUe: `${calledAddress}:5060`,
    });
    return {
      dir,
      capture: capture.file,
      map,
      block,
      callingUe: calling,
      calledUe: called,
      dialogList,
    };
  });
}
