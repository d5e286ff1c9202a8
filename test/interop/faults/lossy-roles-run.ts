/**
 * A generated scenario's roles through a lossy, reordering network (issue 8
 * item 3), OMA PoC Figure 16 (poc.leave.on-demand, release-all, one
 * participant: Figure 18 follows) by default: two role processes in network
 * namespaces A and B the run creates, joined through a router namespace R
 * whose two interfaces lose and reorder packets (harness/netns.ts), the
 * roles placed so that every hop of the flow crosses R, a bounded number of
 * runs of the scenario (set-up, release, every role back to idle), and
 * dumpcap on R's two interfaces, inbound only: every message of every run
 * once, as its sender sent it (also the ones R then drops), merged into one
 * capture (mergecap). Everything is kept in test-output/interop/<name>/.
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
  withTeardown,
  writeAddressMap,
  type AppliedImpairment,
  type Impairment,
  type NetnsEnd,
} from '../harness/index.js';
import { RoleProcess } from '../harness/role-process.js';
import type { WireTimers } from '../harness/role-protocol.js';
import {
  runCall,
  settle,
  startScenarioRoles,
  type PlacedRole,
  type ScenarioShape,
} from './distributed-scenario.js';
import { FIGURE_16 } from './scenarios.js';

/**
 * A scenario run through the router: its roles, the ones placed in A (every
 * other in B), chosen so that every hop of the flow crosses R, and the flow
 * id of the address map. Each run's release is cut from the capture as its
 * BYE transactions from the trigger to the end of the run (the flows run so
 * far all release with BYE; the session is their precondition).
 */
export interface LossyScenario {
  readonly shape: ScenarioShape;
  readonly flowId: string;
  readonly inA: ReadonlySet<string>;
}

/** One fault profile. */
export interface LossyRolesProfile {
  readonly name: string;
  readonly impairment: Impairment;
  /** Runs of the scenario, one after another on the same roles. */
  readonly runs: number;
}

/** What a run of the profile leaves behind. */
export interface LossyRolesRun {
  readonly dir: string;
  readonly capture: string;
  readonly map: string;
  /** Runs whose every entry point got its flow's final responses. */
  readonly completed: number;
  /**
   * Per run, its release (Figure 16 is the release; the session it ends is its
   * precondition): the BYE transactions from the trigger to the end of the
   * run, cut from the capture (tshark), one instance each.
   */
  readonly releases: readonly string[];
  /** Entry points that failed, with the reason. */
  readonly failures: readonly string[];
  /** What was left in a role after the last run and its timers (`id: dialogs=…`). */
  readonly leaks: readonly string[];
  /** Requests and responses the roles sent more than once (their own traces). */
  readonly resentByRoles: number;
  readonly applied: AppliedImpairment;
  readonly qdisc: {
    readonly towardsB: { sent: number; dropped: number };
    readonly towardsA: { sent: number; dropped: number };
  };
  readonly namespaces: readonly string[];
}

/**
 * OMA PoC Figure 16 with Figure 18: network A's client and server and the
 * SIP/IP Cores X and B's neighbours in A, the rest in B, so that every hop
 * (clientA-coreA-serverA-coreA-coreX-serverX, serverX-coreX-coreB-serverB-
 * coreB-clientB) and every response back crosses the router.
 */
export const LOSSY_FIGURE_16: LossyScenario = {
  shape: FIGURE_16,
  flowId: 'poc.leave.on-demand',
  inA: new Set(['clientA', 'serverA', 'coreX', 'serverB[0]', 'clientB[0]']),
};

/**
 * T1 50 ms: above the 5 ms by which reordering holds a message back, so that
 * retransmissions are what loss causes; Timer F 3.2 s.
 */
export const LOSSY_TIMERS: WireTimers = { t1: 50, t2: 200, t4: 250 };

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

/** A request or response key of a trace line, for counting what a role sent more than once. */
function resent(roles: readonly RoleProcess[]): number {
  let count = 0;
  for (const p of roles) {
    const seen = new Set<string>();
    for (const t of p.trace) {
      if (t.direction !== 'out') continue;
      const key = `${t.id}|${t.summary}|${t.callId ?? ''}|${t.remote.address}:${t.remote.port}`;
      if (seen.has(key)) count++;
      else seen.add(key);
    }
  }
  return count;
}

/** Runs `profile.runs` runs of `scenario` (Figure 16 by default) through the impaired router. */
export async function runLossyRoles(
  profile: LossyRolesProfile,
  scenario: LossyScenario = LOSSY_FIGURE_16,
): Promise<LossyRolesRun> {
  const { shape, flowId } = scenario;
  const dir = artifactDir(profile.name);
  return withTeardown(async (teardown) => {
    const path = await createRoutedPath(teardown);
    const { a, b } = path;
    const applied = await applyImpairment(path.routerTowardsB, profile.impairment);
    await applyImpairment(path.routerTowardsA, profile.impairment);
    // The router's ingress on both interfaces: every message as its sender sent it, before the
    // impairment (on R's egress) loses or holds it back; each message is seen once.
    const captures = await Promise.all(
      [
        { end: path.routerTowardsA, from: a, to: b },
        { end: path.routerTowardsB, from: b, to: a },
      ].map(({ end, from, to }) =>
        startCapture(
          {
            name: `${profile.name} ${end.device}`,
            file: join(dir, `ingress-${end.device}.pcapng`),
            interface: end.device,
            netns: end.netns,
            filter: `inbound and host ${a.address} and host ${b.address}`,
            sentinel: sentinel(from, to),
          },
          teardown,
        ),
      ),
    );
    const inA = await RoleProcess.start({ name: `${profile.name} A`, netns: a.netns }, teardown);
    const inB = await RoleProcess.start({ name: `${profile.name} B`, netns: b.netns }, teardown);
    const roles: Map<string, PlacedRole> = await startScenarioRoles(
      shape,
      (r) =>
        scenario.inA.has(r.id)
          ? { process: inA, address: a.address }
          : { process: inB, address: b.address },
      LOSSY_TIMERS,
    );
    const failures: string[] = [];
    const windows: { start: number; end: number }[] = [];
    let completed = 0;
    for (let run = 1; run <= profile.runs; run++) {
      let start = Date.now();
      try {
        for (const c of shape.establish) await runCall(roles, c);
        start = Date.now();
        for (const c of shape.trigger) await runCall(roles, c);
        completed++;
      } catch (err) {
        failures.push(
          `run ${run}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
        );
      }
      // The next run's entry points act on "the only dialog": wait until the release is complete
      // everywhere (transactions may still wait for Timer J/K, RFC 3261 17.2.2, 17.1.2.2).
      await settle(roles, 15_000, (l) => /dialogs=0 transactions=\d+ sessions=0$/.test(l));
      windows.push({ start, end: Date.now() });
    }
    const leaks = await settle(roles, 40_000);
    const qdisc = {
      towardsB: await impairmentStats(path.routerTowardsB),
      towardsA: await impairmentStats(path.routerTowardsA),
    };
    const parts = await Promise.all(captures.map((c) => c.stop()));
    const capture = join(dir, 'capture.pcapng');
    await runCommand('mergecap', ['-w', capture, ...parts]);
    const releases: string[] = [];
    for (const [i, w] of windows.entries()) {
      const file = join(dir, `release-${i + 1}.pcapng`);
      const filter = `sip.CSeq.method == "BYE" && frame.time_epoch >= ${w.start / 1000} && frame.time_epoch <= ${w.end / 1000}`;
      await runCommand('tshark', ['-r', capture, '-Y', filter, '-w', file]);
      releases.push(file);
    }
    const participants: Record<string, string> = {};
    for (const r of roles.values())
      participants[r.spec.participant] = `${r.target.address}:${r.target.port}`;
    const map = writeAddressMap(join(dir, 'map.yaml'), flowId, participants);
    writeFileSync(
      join(dir, 'impairment.json'),
      `${JSON.stringify({ profile, applied, qdisc }, null, 2)}\n`,
    );
    return {
      dir,
      capture,
      map,
      completed,
      releases,
      failures,
      leaks,
      resentByRoles: resent([inA, inB]),
      applied,
      qdisc,
      namespaces: path.namespaces,
    };
  });
}
