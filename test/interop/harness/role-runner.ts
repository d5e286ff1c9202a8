/**
 * A process that runs generated roles (generated/roles/*) for the interop
 * fault tests, so that a role can be placed in a network namespace
 * (`ip netns exec`), killed with SIGKILL and restarted on the same address.
 * It takes {@link RoleRequest}s on stdin and answers on stdout
 * (role-protocol.ts); it never catches a role's own crash: an uncaught
 * exception ends the process, which is what the tests look for.
 *
 * Run as `node --import test/interop/harness/ts-register.mjs test/interop/harness/role-runner.ts`.
 */
import process from 'node:process';
import { createInterface } from 'node:readline';
import { CpmClient } from '../../../generated/roles/cpm-client.js';
import { PocClient } from '../../../generated/roles/poc-client.js';
import { PocServerParticipating } from '../../../generated/roles/poc-server-participating.js';
import type { EntryOptions, EntryOutcome } from '../../../generated/roles/role-support.js';
import { startRole } from '../../../generated/tests/role-starters.js';
import type { RunningRole, StartConfig } from '../../../generated/tests/scenario-harness.js';
import { getCallId, getCSeq } from '../../../runtime/sip/message/index.js';
import type { TransportTraceEvent } from '../../../runtime/sip/transport/index.js';
import {
  RPC_PREFIX,
  type KillTrigger,
  type RoleReply,
  type RoleRequest,
  type StartRequest,
  type StartedRole,
  type TraceLine,
} from './role-protocol.js';

const roles = new Map<string, RunningRole>();

function emit(line: RoleReply | TraceLine): void {
  process.stdout.write(`${RPC_PREFIX}${JSON.stringify(line)}\n`);
}

function traceLine(id: string, e: TransportTraceEvent): TraceLine {
  const base = {
    event: 'trace' as const,
    id,
    time: e.time,
    direction: e.direction,
    local: e.local,
    remote: e.remote,
  };
  const m = e.message;
  if (!m) return { ...base, summary: `unparsable: ${e.error?.message ?? 'no message'}` };
  let callId: string | undefined;
  let cseqMethod = '?';
  try {
    callId = getCallId(m);
    cseqMethod = getCSeq(m).method;
  } catch {
    // A request that parsed but lacks these (RFC 4475 3.3.1 insuf) is still traced.
  }
  const ids = callId !== undefined ? { callId } : {};
  return m.kind === 'request'
    ? { ...base, ...ids, summary: `${m.method} ${m.requestUri}`, method: m.method }
    : {
        ...base,
        ...ids,
        summary: `${m.status} ${m.reason} (${cseqMethod})`,
        status: m.status,
      };
}

function onTraceOf(id: string, kill: KillTrigger | undefined): (e: TransportTraceEvent) => void {
  return (e) => {
    emit(traceLine(id, e));
    if (
      kill &&
      e.direction === kill.direction &&
      e.message?.kind === 'request' &&
      e.message.method === kill.method
    )
      // The fault itself: no handler, no flush, no close; the sockets vanish with the process.
      process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * `startRole` of the generated tests binds an ephemeral port; a role that is
 * restarted on the same address needs its port, so the roles the release
 * faults kill are started here with it.
 */
async function startOnPort(role: string, c: StartConfig, port: number): Promise<RunningRole> {
  const base = { label: c.label, address: c.address, port, timers: c.timers, onTrace: c.onTrace };
  switch (role) {
    case 'poc-client':
      return PocClient.start({
        ...base,
        aor: c.aor,
        user: c.user,
        servedUsers: c.servedUsers,
        facts: c.facts,
      });
    case 'cpm-client':
      return CpmClient.start({ ...base, aor: c.aor, user: c.user });
    case 'poc-server-participating':
      return PocServerParticipating.start({
        ...base,
        servedUsers: c.servedUsers,
        ...(c.outboundTarget ? { outboundProxy: c.outboundTarget } : {}),
        ...(c.nextProxy !== undefined ? { nextProxy: c.nextProxy } : {}),
        ...(c.nextHop !== undefined ? { nextHop: c.nextHop } : {}),
        facts: c.facts,
      });
    default:
      throw new TypeError(`role ${role} cannot be started on a fixed port here`);
  }
}

async function start(r: StartRequest): Promise<StartedRole> {
  const { op: _op, id, role: name, port, killOn, ...rest } = r;
  if (roles.has(id)) throw new TypeError(`role ${id} is already running`);
  const config: StartConfig = { ...rest, label: id, onTrace: onTraceOf(id, killOn) };
  const role =
    port !== undefined ? await startOnPort(name, config, port) : await startRole(name, config);
  roles.set(id, role);
  return { uri: role.uri, target: role.target };
}

function roleOf(id: string): RunningRole {
  const role = roles.get(id);
  if (!role) throw new TypeError(`no role ${id} in this process`);
  return role;
}

async function call(id: string, entry: string, options: EntryOptions): Promise<EntryOutcome> {
  const role = roleOf(id) as unknown as Record<string, unknown>;
  const fn = role[entry];
  if (typeof fn !== 'function') throw new TypeError(`${id} has no entry point ${entry}`);
  return (fn as (o: EntryOptions) => Promise<EntryOutcome>).call(role, options);
}

async function handle(request: RoleRequest): Promise<unknown> {
  switch (request.op) {
    case 'start':
      return start(request);
    case 'call': {
      const outcome = await call(request.id, request.entry, {
        ...(request.target ? { target: request.target } : {}),
        ...(request.callId !== undefined ? { callId: request.callId } : {}),
      });
      const callId = outcome.dialog?.id.callId;
      return {
        statuses: outcome.responses.map((r) => r.status),
        ...(callId !== undefined ? { callId } : {}),
      };
    }
    case 'snapshot':
      return Object.fromEntries([...roles].map(([id, r]) => [id, r.snapshot()]));
    case 'actions':
      return roleOf(request.id).actions.map((a) => a.action);
    case 'failures':
      return [...roles].flatMap(([id, r]) =>
        r.failures.map((f) => `${id} ${f.method}: ${f.error.message.split('\n')[0] ?? ''}`),
      );
    case 'close':
      for (const r of roles.values()) await r.close();
      roles.clear();
      return null;
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const { seq, ...request } = JSON.parse(line) as RoleRequest & { seq: number };
  // Requests run concurrently (an entry point may wait while a snapshot is asked for).
  handle(request as RoleRequest).then(
    (result) => emit({ seq, ok: true, result }),
    (error: unknown) =>
      emit({ seq, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
// stdin closed: the test is gone; nothing may outlive it.
lines.on('close', () => process.exit(0));
emit({ seq: 0, ok: true, result: 'ready' });
