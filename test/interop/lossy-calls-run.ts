/**
 * Calls through a lossy link (issue 8 item 3): a SIPp UAC in one network
 * namespace and a SIPp UAS in another, joined through a router namespace
 * whose two interfaces lose and reorder packets (`tc netem`, or its
 * equivalent where the kernel has none, see harness/netns.ts), a bounded
 * number of calls, and dumpcap on the UAC's interface. Everything (capture,
 * map, SIPp logs and statistics, qdisc counters) is kept in
 * test-output/interop/<name>/.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyImpairment,
  artifactDir,
  createRoutedPath,
  impairmentStats,
  runCommand,
  startCapture,
  startSipp,
  withTeardown,
  writeAddressMap,
  type AppliedImpairment,
  type Impairment,
  type NetnsEnd,
  type SippResult,
} from './harness/index.js';

/** One fault profile. */
export interface LossyProfile {
  readonly name: string;
  /** Loss and reordering on the egress of both veth ends. */
  readonly impairment: Impairment;
  readonly calls: number;
  /** Calls per second. */
  readonly rate: number;
}

/** What a run leaves behind. */
export interface LossyRun {
  readonly dir: string;
  readonly capture: string;
  readonly map: string;
  readonly calling: SippResult;
  readonly called: SippResult;
  /** How the impairment was applied. */
  readonly applied: AppliedImpairment;
  /** Packets the router sent and dropped in each direction. */
  readonly qdisc: {
    readonly towardsB: { sent: number; dropped: number };
    readonly towardsA: { sent: number; dropped: number };
  };
  readonly namespaces: readonly string[];
}

/** A datagram from inside `from`'s namespace to `to` (port 9, discard): the capture sentinel. */
function sentinel(from: NetnsEnd, to: NetnsEnd): () => Promise<void> {
  return async () => {
    await runCommand('ip', [
      'netns',
      'exec',
      from.netns,
      'bash',
      '-c',
      `echo flowspec-capture-sentinel > /dev/udp/${to.address}/9`,
    ]);
  };
}

/** Runs `profile.calls` calls from namespace A to namespace B through the impaired link. */
export async function runLossyCalls(profile: LossyProfile): Promise<LossyRun> {
  const dir = artifactDir(profile.name);
  return withTeardown(async (teardown) => {
    const path = await createRoutedPath(teardown);
    const { a, b } = path;
    // Both directions lose and reorder in the router; the capture on A's interface sees A's every try.
    const applied = await applyImpairment(path.routerTowardsB, profile.impairment);
    await applyImpairment(path.routerTowardsA, profile.impairment);
    const capture = await startCapture(
      {
        name: profile.name,
        file: join(dir, 'capture.pcapng'),
        interface: a.device,
        netns: a.netns,
        filter: `host ${a.address} and host ${b.address}`,
        sentinel: sentinel(a, b),
      },
      teardown,
    );
    // SIPp's own limit: the calls at the rate, each retransmitted at worst for Timer B (32 s), and margin.
    const timeoutSeconds = Math.ceil(profile.calls / profile.rate) + 45;
    const calledUe = await startSipp(
      {
        name: 'called-ue',
        scenario: 'lossy-uas.xml',
        address: b.address,
        calls: profile.calls,
        timeoutSeconds,
        workDir: dir,
        netns: b.netns,
      },
      teardown,
    );
    const callingUe = await startSipp(
      {
        name: 'calling-ue',
        scenario: 'lossy-uac.xml',
        address: a.address,
        remote: `${b.address}:5060`,
        calls: profile.calls,
        rate: profile.rate,
        timeoutSeconds,
        workDir: dir,
        netns: a.netns,
      },
      teardown,
    );
    const [calling, called] = await Promise.all([callingUe.finished(), calledUe.finished()]);
    const qdisc = {
      towardsB: await impairmentStats(path.routerTowardsB),
      towardsA: await impairmentStats(path.routerTowardsA),
    };
    await capture.stop();
    const map = writeAddressMap(join(dir, 'map.yaml'), 'interop.basic-call', {
      callingUe: `${a.address}:5060`,
      calledUe: `${b.address}:5060`,
    });
    writeFileSync(
      join(dir, 'impairment.json'),
      `${JSON.stringify({ profile, applied, qdisc }, null, 2)}\n`,
    );
    return {
      dir,
      capture: capture.file,
      map,
      calling,
      called,
      applied,
      qdisc,
      namespaces: path.namespaces,
    };
  });
}
