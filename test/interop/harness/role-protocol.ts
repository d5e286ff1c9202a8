/**
 * The line protocol between an interop test and a role process
 * (role-runner.ts): one JSON request per stdin line, one JSON reply or event
 * per stdout line after {@link RPC_PREFIX}. Everything in it is plain data,
 * so the roles can run in another process or network namespace.
 */
import type { SessionSnapshot } from '../../../runtime/session/index.js';
import type { Endpoint, TransportTarget } from '../../../runtime/sip/transport/index.js';
import type { CallTarget } from '../../../generated/roles/role-support.js';
import type { StartConfig } from '../../../generated/tests/scenario-harness.js';

/** Marks the protocol's lines on stdout (anything else there is a role's own output). */
export const RPC_PREFIX = '@flowspec-role ';

/** RFC 3261 17.1.1.1 base values, in ms. */
export type WireTimers = StartConfig['timers'];

/**
 * Starts one generated role in the process: the scenario harness's
 * StartConfig (without what only exists in the process: its label is the
 * id, its trace hook the runner's), and where and how to run it.
 */
export type StartRequest = Omit<StartConfig, 'label' | 'onTrace'> & {
  readonly op: 'start';
  readonly id: string;
  readonly role: string;
  /** A fixed port (to restart a role on the same address); ephemeral when absent. */
  readonly port?: number;
  /** The process kills itself with SIGKILL when this role's transport sees such a message (a fault). */
  readonly killOn?: KillTrigger;
};

/** A message that makes the role process SIGKILL itself, before the stack above the transport sees it (`in`) or right after the bytes left (`out`). */
export interface KillTrigger {
  readonly direction: 'in' | 'out';
  /** Request method. */
  readonly method: string;
}

/** Runs an entry point of a started role (`establishOnDemand`, `leaveOnDemand` ...). */
export interface CallRequest {
  readonly op: 'call';
  readonly id: string;
  readonly entry: string;
  readonly target?: CallTarget;
  /** For entry points that act on a stored dialog (the S-CSCF's release): its Call-ID. */
  readonly callId?: string;
}

/** Every request a role process takes. */
export type RoleRequest =
  | StartRequest
  | CallRequest
  | { readonly op: 'snapshot' }
  | { readonly op: 'actions'; readonly id: string }
  /** The reactions that ended in an error, of every role in the process (`id method: message`). */
  | { readonly op: 'failures' }
  | { readonly op: 'close' };

/** What a started role tells the test. */
export interface StartedRole {
  readonly uri: string;
  readonly target: TransportTarget;
}

/** What an entry point got: the status of each final response in order, and the Call-ID of the dialog it made. */
export interface CallOutcome {
  readonly statuses: readonly number[];
  readonly callId?: string;
}

/** One message in or out of a role's transport, as a line of text. */
export interface TraceLine {
  readonly event: 'trace';
  readonly id: string;
  readonly time: number;
  readonly direction: 'in' | 'out';
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** `INVITE sip:…`, `400 Bad Request (INVITE)`, or `unparsable: <reason>`. */
  readonly summary: string;
  readonly method?: string;
  readonly status?: number;
  readonly callId?: string;
}

/** A reply to the request with the same `seq`. */
export interface RoleReply {
  readonly seq: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

/** Snapshots by role id. */
export type Snapshots = Readonly<Record<string, SessionSnapshot>>;
