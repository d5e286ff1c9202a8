import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConformanceChecker, expandFlow, reportText } from '../../generator/conformance/index.js';
import type { ConformanceReport, ObservedMessage } from '../../generator/conformance/index.js';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import type { SessionSnapshot } from '../../runtime/session/index.js';
import type { SipMessage } from '../../runtime/sip/message/index.js';
import type { TransportTarget, TransportTraceEvent } from '../../runtime/sip/transport/index.js';
import { PcapFileWriter } from '../../runtime/trace/index.js';
import type { EntryOptions, EntryOutcome, Facts } from '../roles/role-support.js';

/** What the harness needs of a started role. */
export interface RunningRole {
  readonly uri: string;
  /** Flow actions the role took (release media, initiate release, service control ...). */
  readonly actions: readonly { readonly action: string }[];
  readonly target: TransportTarget;
  snapshot(): SessionSnapshot;
  close(): Promise<void>;
}

/** Everything a role is started with; each role reads the fields it knows. */
export interface StartConfig {
  readonly label: string;
  readonly address: string;
  readonly timers: { readonly t1: number; readonly t2: number; readonly t4: number };
  readonly onTrace: (event: TransportTraceEvent) => void;
  readonly aor: string;
  readonly user: string;
  readonly servedUsers: readonly string[];
  /** The first proxy of new requests (B2BUA server legs). */
  readonly outboundTarget?: TransportTarget;
  /** The proxy after it, as a loose Route. */
  readonly nextProxy?: string;
  /** The next B2BUA's URI, as Request-URI of server legs. */
  readonly nextHop?: string;
  readonly facts: Facts;
  /** The participant's mode in the flow (proxy or b2bua), for roles that have both. */
  readonly mode?: string;
}

/** Starts a role by its catalog name. */
export type RoleStarter = (role: string, config: StartConfig) => Promise<RunningRole>;

/** One lifeline instance: `clientB[0]` of participant `clientB`. */
export interface ScenarioRole {
  readonly id: string;
  readonly participant: string;
  readonly role: string;
  readonly mode?: string;
}

/** A call of an entry point: `at` runs `entry`, towards `to` along `route` (instance ids). */
export interface ScenarioCall {
  readonly at: string;
  readonly entry: string;
  readonly to?: string;
  readonly route?: readonly string[];
}

/** A generated scenario of one flow. */
export interface Scenario {
  readonly flowFile: string;
  /** Roles in start order (a role starts after the proxies it sends through). */
  readonly roles: readonly ScenarioRole[];
  /** B2BUA instance id -> the proxies its server legs pass, first hop first (at most two). */
  readonly outbound: Readonly<Record<string, readonly string[]>>;
  /** B2BUA instance id -> the user agent instances it serves. */
  readonly served: Readonly<Record<string, readonly string[]>>;
  /** B2BUA instance id -> the next B2BUA instance its server legs are addressed to. */
  readonly nextHop: Readonly<Record<string, string>>;
  readonly establish: readonly ScenarioCall[];
  readonly trigger: readonly ScenarioCall[];
  /** Calls that end what the flow leaves running (a session the release policy keeps), after the check. */
  readonly teardown: readonly ScenarioCall[];
  /** `participant action` for every flow action the trigger must lead to, sorted. */
  readonly actions: readonly string[];
  readonly facts: Facts;
  readonly pcap: string;
}

/** The outcome of a scenario run. */
export interface ScenarioResult {
  readonly report: ConformanceReport;
  /** The report as text, for assertion messages. */
  readonly text: string;
  /** `label: dialogs=1 transactions=0 sessions=0` for every role not idle at the end. */
  readonly leaks: readonly string[];
  readonly observed: number;
  /** `participant action` for every flow action the roles took after the trigger, sorted. */
  readonly actions: readonly string[];
  /** Every SIP message sent during the run (precondition, flow and teardown), in order. */
  readonly messages: readonly SipMessage[];
}

const TIMERS = { t1: 20, t2: 80, t4: 100 } as const;

function aorOf(id: string): string {
  return `sip:${id.replace(/\W/g, '')}@flowspec.test`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function call(
  roles: ReadonlyMap<string, RunningRole>,
  c: ScenarioCall,
): Promise<EntryOutcome> {
  const role = roles.get(c.at);
  const entry = role ? (role as unknown as Record<string, unknown>)[c.entry] : undefined;
  if (!role || typeof entry !== 'function')
    throw new Error(`${c.at} has no entry point ${c.entry}`);
  const to = c.to !== undefined ? roles.get(c.to) : undefined;
  const options: EntryOptions = to
    ? { target: { requestUri: to.uri, route: (c.route ?? []).map((r) => roles.get(r)?.uri ?? r) } }
    : {};
  return (entry as (o: EntryOptions) => Promise<EntryOutcome>).call(role, options);
}

function idle(s: SessionSnapshot): boolean {
  return s.dialogs === 0 && s.transactions === 0 && s.sessions === 0;
}

/** Waits until every role is idle (transactions end with Timer J/K, RFC 3261 17), at most `ms`. */
async function settle(roles: ReadonlyMap<string, RunningRole>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && ![...roles.values()].every((r) => idle(r.snapshot())))
    await sleep(50);
}

/** Runs a scenario; resolves with the conformance report and what leaked. */
export async function runScenario(s: Scenario, start: RoleStarter): Promise<ScenarioResult> {
  const set = await loadFlowSet([s.flowFile]);
  const flow = set.requested[0]?.flow;
  if (!flow) throw new Error(`${s.flowFile} does not load`);
  const events: TransportTraceEvent[] = [];
  const onTrace = (e: TransportTraceEvent): void => {
    if (e.direction === 'out' && e.message) events.push(e);
  };
  const roles = new Map<string, RunningRole>();
  const ids = new Map<string, string>();
  try {
    for (const r of s.roles) {
      const [first, next] = (s.outbound[r.id] ?? []).map((id) => roles.get(id));
      const nextHop = s.nextHop[r.id];
      const hop = nextHop !== undefined ? roles.get(nextHop) : undefined;
      const role = await start(r.role, {
        label: r.id,
        address: '127.0.0.1',
        timers: TIMERS,
        onTrace,
        aor: aorOf(r.id),
        user: r.id.replace(/\W/g, ''),
        servedUsers: (s.served[r.id] ?? []).map(aorOf),
        ...(first ? { outboundTarget: first.target } : {}),
        ...(next ? { nextProxy: next.uri } : {}),
        ...(hop ? { nextHop: hop.uri } : {}),
        facts: s.facts,
        ...(r.mode !== undefined ? { mode: r.mode } : {}),
      });
      roles.set(r.id, role);
      ids.set(`${role.target.address}:${role.target.port}`, r.participant);
    }
    for (const c of s.establish) await call(roles, c);
    await sleep(100);
    const from = events.length;
    const before = new Map([...roles].map(([id, r]) => [id, r.actions.length]));
    for (const c of s.trigger) await call(roles, c);
    await settle(roles, s.teardown.length > 0 ? 1500 : 8000);
    const to = events.length;
    const actions = s.roles
      .flatMap((r) => {
        const role = roles.get(r.id);
        const taken = role ? role.actions.slice(before.get(r.id) ?? 0) : [];
        return taken.map((a) => `${r.participant} ${a.action}`);
      })
      .sort();
    for (const c of s.teardown) await call(roles, c);
    await settle(roles, 8000);
    const map = new Map<string, { ip: string; port: number }[]>();
    for (const r of s.roles) {
      const t = roles.get(r.id)?.target;
      if (!t) continue;
      map.set(r.participant, [...(map.get(r.participant) ?? []), { ip: t.address, port: t.port }]);
    }
    const checker = new ConformanceChecker(
      expandFlow(flow, (id) => set.index.get(id)),
      { map },
    );
    await mkdir(dirname(s.pcap), { recursive: true });
    const pcap = new PcapFileWriter(s.pcap);
    const trace = events.slice(from, to);
    let frame = 0;
    for (const e of trace) {
      const ms = BigInt(Math.floor(e.time));
      const observed: ObservedMessage = {
        frame: ++frame,
        time: { sec: Math.floor(e.time / 1000), nsec: (e.time % 1000) * 1_000_000 },
        src: { ip: e.local.address, port: e.local.port },
        dst: { ip: e.remote.address, port: e.remote.port },
        transport: 'udp',
        ...(e.message ? { sip: e.message } : {}),
      };
      checker.push(observed);
      await pcap.write({
        timeNs: ms * 1_000_000n,
        transport: 'udp',
        src: e.local,
        dst: e.remote,
        payload: e.bytes,
      });
    }
    await pcap.close();
    const leaks = [...roles.entries()]
      .filter(([, r]) => !idle(r.snapshot()))
      .map(([id, r]) => {
        const x = r.snapshot();
        return `${id}: dialogs=${x.dialogs} transactions=${x.transactions} sessions=${x.sessions}`;
      });
    const report = checker.finish();
    const messages = events.flatMap((e) => (e.message ? [e.message] : []));
    return { report, text: reportText(report), leaks, observed: trace.length, actions, messages };
  } finally {
    for (const r of roles.values()) await r.close();
  }
}
