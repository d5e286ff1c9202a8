/**
 * A generated role killed in the middle of a release and restarted on the
 * same address (issue 8 item 3): the scenario's roles in a survivors' role
 * process, the victim in one of its own that SIGKILLs itself on the message
 * named (from its transport hook: the message has left, or has arrived and
 * nothing above the transport has seen it), the release run, the victim
 * restarted on the same address and port (at once, or once the survivors
 * have settled), and the scenario run once more with it. What happened is
 * kept in test-output/interop/<name>/result.json; the checks of RFC 3261
 * 8.1.3.1, 12.2.2, 15.1.1, 16.8 and 17.1.2.2 are {@link expectCleanRelease}.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateAddressBlock, artifactDir, type AddressBlock } from '../harness/index.js';
import { RoleProcess, type RoleExit } from '../harness/role-process.js';
import type { KillTrigger, TraceLine, WireTimers } from '../harness/role-protocol.js';
import {
  runCall,
  settle,
  startRequestOf,
  startScenarioRoles,
  type PlacedRole,
  type ScenarioShape,
} from './distributed-scenario.js';

/** One fault: which role dies on which message, and when it comes back. */
export interface KillCase {
  readonly name: string;
  readonly scenario: ScenarioShape;
  readonly victim: string;
  readonly killOn: KillTrigger;
  /** Restart at once (retransmissions reach the new process) or after the survivors have settled. */
  readonly restart: 'at-once' | 'after-timeouts';
  readonly timers: WireTimers;
}

/** What a kill case left. */
export interface KillResult {
  readonly exit: RoleExit;
  /** The release's entry points: statuses, or the error they ended with. */
  readonly outcome: readonly string[];
  /** The survivors' reactions that ended in an error (`id method: message`); they served on. */
  readonly failures: readonly string[];
  /** Survivors not idle once their timers have run. */
  readonly left: readonly string[];
  /** The survivors' messages from the release on (`id in|out summary`). */
  readonly survivorsTrace: readonly string[];
  /** The restarted victim's messages. */
  readonly restartedTrace: readonly string[];
  /** The scenario run once more, restarted victim included. */
  readonly rerun: readonly string[];
  readonly afterRerun: readonly string[];
  /** The survivors' process: still running (undefined) or how it ended. */
  readonly survivorsExit: RoleExit | undefined;
  readonly survivorsLog: string;
}

/** Timer F (RFC 3261 17.1.2.2): 64*T1. */
export function timerF(t: WireTimers): number {
  return 64 * t.t1;
}

/** The whole scenario once: set-up, then the release; the entry points' outcomes or errors. */
async function runOnce(
  roles: ReadonlyMap<string, PlacedRole>,
  s: ScenarioShape,
): Promise<string[]> {
  const out: string[] = [];
  for (const c of [...s.establish, ...s.trigger]) {
    try {
      const r = await runCall(roles, c);
      out.push(`${c.at}.${c.entry}: ${r.statuses.join(' ')}`);
    } catch (err) {
      out.push(
        `${c.at}.${c.entry}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      );
    }
  }
  return out;
}

function lines(trace: readonly TraceLine[], since: number): string[] {
  return trace
    .filter((t) => t.time >= since && t.callId !== undefined)
    .map((t) => `${t.id} ${t.direction} ${t.summary.replace(/ sip:\S+/, '')}`);
}

/** What {@link settle} leaves, or how the survivors' process ended while it waited. */
async function settleOrDied(
  roles: ReadonlyMap<string, PlacedRole>,
  survivors: RoleProcess,
  timeoutMs: number,
): Promise<string[]> {
  try {
    return await settle(roles, timeoutMs);
  } catch (err) {
    if (survivors.exit === undefined) throw err;
    return [
      `survivors' process ended: ${survivors.exit.signal ?? `code ${String(survivors.exit.code)}`}`,
    ];
  }
}

/**
 * Runs one kill case; every process it starts is pushed to `started` (for
 * the test's teardown).
 */
export async function runKillCase(k: KillCase, started: RoleProcess[]): Promise<KillResult> {
  const dir = artifactDir(k.name);
  const block: AddressBlock = allocateAddressBlock();
  const survivors = await RoleProcess.start({ name: `${k.name} survivors` });
  const victim = await RoleProcess.start({ name: `${k.name} victim` });
  started.push(survivors, victim);
  let host = 1;
  const victimPlace = { address: block.host(100), port: 5060 };
  const roles = await startScenarioRoles(
    k.scenario,
    (r) =>
      r.id === k.victim
        ? { process: victim, ...victimPlace, killOn: k.killOn }
        : { process: survivors, address: block.host(host++) },
    k.timers,
  );
  const others = new Map([...roles].filter(([id]) => id !== k.victim));

  for (const c of k.scenario.establish) await runCall(roles, c);
  const releaseStart = Date.now();
  const release = Promise.all(
    k.scenario.trigger.map((c) =>
      runCall(roles, c).then(
        (r) => `${c.at}.${c.entry}: ${r.statuses.join(' ')}`,
        (err: unknown) =>
          `${c.at}.${c.entry}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      ),
    ),
  );
  // The fault: SIGKILL, from the role's own transport hook, on the message named.
  const exit = await victim.exited;

  const restart = async (): Promise<RoleProcess> => {
    const again = await RoleProcess.start({ name: `${k.name} restarted` });
    started.push(again);
    const spec = roles.get(k.victim)?.spec;
    if (!spec) throw new TypeError(`no role ${k.victim}`);
    const role = await again.startRole(
      startRequestOf(k.scenario, spec, roles, { process: again, ...victimPlace }, k.timers),
    );
    roles.set(k.victim, { ...role, spec, process: again });
    return again;
  };

  const restarted = k.restart === 'at-once' ? await restart() : undefined;
  const outcome = await release;
  // Every survivor is idle once its timers have run (Timer F, then Timer K / J).
  const left = await settleOrDied(others, survivors, timerF(k.timers) + 15_000);
  const afterTimeouts = k.restart === 'after-timeouts' ? await restart() : undefined;
  const again = restarted ?? afterTimeouts;
  if (!again) throw new TypeError('not restarted');

  const failures = survivors.exit === undefined ? await survivors.failures() : [];
  const survivorsTrace = lines(survivors.trace, releaseStart);
  const restartedTrace = lines(again.trace, releaseStart);
  // The restarted role runs the flow again with the same survivors.
  const rerun = survivors.exit === undefined ? await runOnce(roles, k.scenario) : [];
  const afterRerun =
    survivors.exit === undefined
      ? await settleOrDied(roles, survivors, timerF(k.timers) + 15_000)
      : [];
  const result: KillResult = {
    exit,
    outcome,
    failures,
    left,
    survivorsTrace,
    restartedTrace,
    rerun,
    afterRerun,
    survivorsExit: survivors.exit,
    survivorsLog: survivors.log,
  };
  writeFileSync(join(dir, 'result.json'), `${JSON.stringify({ case: k, ...result }, null, 2)}\n`);
  return result;
}

/**
 * The survivors end the release as RFC 3261 says and keep serving: none of
 * their processes died; each is idle once its timers have run; a BYE the
 * victim died on ends, at the release's initiator, with Timer F (17.1.2.2)
 * or a proxy's 408 (16.8) when nobody answered, or with the restarted
 * role's 481 (12.2.2); a BYE the victim sent before it died completes; and
 * the scenario runs again, restarted victim included, to its end.
 */
export function expectCleanRelease(k: KillCase, r: KillResult): void {
  expect(r.exit.signal).toBe('SIGKILL');
  expect(r.survivorsExit, r.survivorsLog).toBeUndefined();
  expect(r.left).toEqual([]);
  expect(
    r.rerun.every((x) => /: 2\d\d( 2\d\d)*$/.test(x)),
    r.rerun.join('\n'),
  ).toBe(true);
  expect(r.afterRerun).toEqual([]);
  const initiated = k.scenario.trigger.filter((c) => c.at !== k.victim);
  if (k.killOn.direction === 'in') {
    const expected = k.restart === 'at-once' ? /got 481/ : /timed out \(Timer F\)|got 408/;
    // The BYE the victim died on was sent by the initiator or by a survivor reacting to it.
    expect([...r.outcome, ...r.failures].join('\n')).toMatch(expected);
    if (k.restart === 'at-once')
      expect(
        r.restartedTrace.some((l) => /out 481 /.test(l)),
        r.restartedTrace.join('\n'),
      ).toBe(true);
    else
      expect(
        r.survivorsTrace.some((l) => /out 408 Request Timeout \(BYE\)/.test(l)),
        r.survivorsTrace.join('\n'),
      ).toBe(true);
  } else if (initiated.length > 0) {
    // The victim's BYE left before it died: the release the others started completes.
    expect(r.outcome.join('\n')).toMatch(/: 200$/);
  }
}

/** One test per case: run it, check it, stop every process it started. */
export function describeKillCases(cases: readonly KillCase[]): void {
  describe.each(cases)('$name', (k) => {
    const started: RoleProcess[] = [];

    afterEach(async () => {
      for (const p of started.splice(0)) await p.stop();
    });

    it(`survivors end the release cleanly and ${k.victim} serves again after its restart`, async () => {
      expectCleanRelease(k, await runKillCase(k, started));
    });
  });
}
