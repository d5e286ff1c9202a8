/**
 * A generated scenario (generated/tests/*.test.ts) run on roles spread over
 * role processes (harness/role-process.ts), possibly in different network
 * namespaces: the roles are started in the scenario's order with the same
 * wiring as generated/tests/scenario-harness.ts (outbound proxies, served
 * users, next hops, loose routes), and entry points are called by id.
 */
import type { SessionSnapshot } from '../../../runtime/session/index.js';
import type {
  Scenario,
  ScenarioCall,
  ScenarioRole,
} from '../../../generated/tests/scenario-harness.js';
import type {
  CallOutcome,
  KillTrigger,
  StartedRole,
  WireTimers,
} from '../harness/role-protocol.js';
import type { RoleProcess } from '../harness/role-process.js';

/** What a scenario run needs of a generated scenario. */
export type ScenarioShape = Pick<
  Scenario,
  | 'flowFile'
  | 'roles'
  | 'outbound'
  | 'served'
  | 'nextHop'
  | 'facts'
  | 'establish'
  | 'trigger'
  | 'teardown'
>;

/** Where one role of the scenario runs. */
export interface RolePlace {
  readonly process: RoleProcess;
  readonly address: string;
  /** A fixed port (a role restarted on the same address); ephemeral when absent. */
  readonly port?: number;
  readonly killOn?: KillTrigger;
}

/** A started role of the scenario. */
export interface PlacedRole extends StartedRole {
  readonly spec: ScenarioRole;
  readonly process: RoleProcess;
}

/** The scenario harness's URI of a lifeline instance as address of record. */
export function aorOf(id: string): string {
  return `sip:${id.replace(/\W/g, '')}@flowspec.test`;
}

/** The start request of one role of `s`, given the roles already started (its proxies and next hop). */
export function startRequestOf(
  s: ScenarioShape,
  r: ScenarioRole,
  started: ReadonlyMap<string, PlacedRole>,
  place: RolePlace,
  timers: WireTimers,
): Parameters<RoleProcess['startRole']>[0] {
  const [first, next] = (s.outbound[r.id] ?? []).map((id) => started.get(id));
  const nextHop = s.nextHop[r.id];
  const hop = nextHop !== undefined ? started.get(nextHop) : undefined;
  return {
    id: r.id,
    role: r.role,
    ...(r.mode !== undefined ? { mode: r.mode } : {}),
    address: place.address,
    ...(place.port !== undefined ? { port: place.port } : {}),
    timers,
    aor: aorOf(r.id),
    user: r.id.replace(/\W/g, ''),
    servedUsers: (s.served[r.id] ?? []).map(aorOf),
    ...(first ? { outboundTarget: first.target } : {}),
    ...(next ? { nextProxy: next.uri } : {}),
    ...(hop ? { nextHop: hop.uri } : {}),
    facts: s.facts,
    ...(place.killOn ? { killOn: place.killOn } : {}),
  };
}

/** Starts every role of `s` in order, each where `place` says. */
export async function startScenarioRoles(
  s: ScenarioShape,
  place: (role: ScenarioRole) => RolePlace,
  timers: WireTimers,
): Promise<Map<string, PlacedRole>> {
  const started = new Map<string, PlacedRole>();
  for (const r of s.roles) {
    const where = place(r);
    const role = await where.process.startRole(startRequestOf(s, r, started, where, timers));
    started.set(r.id, { ...role, spec: r, process: where.process });
  }
  return started;
}

/** Calls an entry point of the scenario (its target and loose route resolved to the roles' URIs; `callId` picks a stored dialog). */
export function runCall(
  roles: ReadonlyMap<string, PlacedRole>,
  c: ScenarioCall,
  callId?: string,
): Promise<CallOutcome> {
  const at = roles.get(c.at);
  if (!at) throw new TypeError(`no role ${c.at} in the scenario`);
  const to = c.to !== undefined ? roles.get(c.to) : undefined;
  const target = to
    ? { requestUri: to.uri, route: (c.route ?? []).map((id) => roles.get(id)?.uri ?? id) }
    : undefined;
  return at.process.call(c.at, c.entry, {
    ...(target ? { target } : {}),
    ...(callId !== undefined ? { callId } : {}),
  });
}

/** Snapshots of the given roles, by id. */
export async function snapshotsOf(
  roles: ReadonlyMap<string, PlacedRole>,
): Promise<Map<string, SessionSnapshot>> {
  const processes = [...new Set([...roles.values()].map((r) => r.process))];
  const all = await Promise.all(processes.map((p) => p.snapshots()));
  const out = new Map<string, SessionSnapshot>();
  for (const id of roles.keys()) {
    const found = all.find((s) => s[id] !== undefined)?.[id];
    if (found) out.set(id, found);
  }
  return out;
}

/** `id: dialogs=… transactions=… sessions=…` for every role that is not idle. */
export async function leaksOf(roles: ReadonlyMap<string, PlacedRole>): Promise<string[]> {
  const snaps = await snapshotsOf(roles);
  return [...snaps]
    .filter(([, s]) => s.dialogs + s.transactions + s.sessions > 0)
    .map(
      ([id, s]) =>
        `${id}: dialogs=${s.dialogs} transactions=${s.transactions} sessions=${s.sessions}`,
    );
}

/**
 * Waits until every role is idle (their RFC 3261 17 timers have run), at
 * most `timeoutMs`; what is left, except the lines `known` accepts (a leak
 * a pending test pins).
 */
export async function settle(
  roles: ReadonlyMap<string, PlacedRole>,
  timeoutMs: number,
  known: (leak: string) => boolean = () => false,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const left = async (): Promise<string[]> => (await leaksOf(roles)).filter((l) => !known(l));
  let leaks = await left();
  while (leaks.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    leaks = await left();
  }
  return leaks;
}
