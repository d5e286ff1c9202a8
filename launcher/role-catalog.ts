/**
 * The roles `flowspec run` can start: the generated role classes by their
 * catalog name, what each needs from a topology (a served-user list, an
 * outbound path, an AOR) and the operator policies each reads, with their
 * values. The policy tables are checked against the generated `XxxConfig`
 * types, so a policy added to or removed from a flow shows up here as a
 * type error after `flowspec generate`.
 */
import {
  CpmClient,
  CpmPfOriginating,
  CpmPfOriginatingProxy,
  CpmPfTerminating,
  CpmPfTerminatingProxy,
  Iwf,
  PocClient,
  PocServerControlling,
  PocServerParticipating,
  SCscf,
  SipCore,
  Ue,
  type CpmPfOriginatingConfig,
  type CpmPfTerminatingConfig,
  type PocClientConfig,
  type PocServerControllingConfig,
  type PocServerParticipatingConfig,
  type ReactionFailure,
} from '../generated/roles/index.js';
import type { SessionSnapshot } from '../runtime/session/index.js';
import type { TimerBaseValues } from '../runtime/sip/timers/index.js';
import type { TransportTarget, TransportTraceHook } from '../runtime/sip/transport/index.js';

/** A policy value as a topology writes it. */
export type PolicyValue = string | number | boolean;

/** The values a policy accepts: a list of literals, or any number. */
export type PolicyValues = readonly PolicyValue[] | 'number';

type PolicyTable<C extends { readonly facts?: object }> = {
  readonly [K in keyof NonNullable<C['facts']>]-?: PolicyValues;
};

const POC_CLIENT_POLICIES = {
  'session.finalResponseSent': [true, false],
} as const satisfies PolicyTable<PocClientConfig>;

const POC_PARTICIPATING_POLICIES = {
  'race.winner': ['487', '2xx'],
} as const satisfies PolicyTable<PocServerParticipatingConfig>;

const POC_CONTROLLING_POLICIES = {
  'policy.release': ['release-all', 'continue'],
  'session.kind': ['on-demand', 'pre-established'],
} as const satisfies PolicyTable<PocServerControllingConfig>;

const CPM_PF_POLICIES = {
  'participant.mode': ['proxy', 'b2bua'],
  'policy.allowOfflineStorage': [true, false],
  'policy.iwfRelease': ['close-sender-media', 'close-session'],
  'session.interworked': [true, false],
  'session.iwfCount': 'number',
  'trigger.from': ['served-client', 'other-entity', 'iwf', 'controlling-server'],
} as const satisfies PolicyTable<CpmPfOriginatingConfig> & PolicyTable<CpmPfTerminatingConfig>;

/** What a started participant offers the launcher. */
export interface StartedRole {
  /** Where it is reached over UDP. */
  readonly target: TransportTarget;
  /** Its SIP URI (the Contact URI). */
  readonly uri: string;
  snapshot(): SessionSnapshot;
  close(): Promise<void>;
}

/** Everything a role may be started with; each role reads the fields it knows. */
export interface RoleStartConfig {
  /** The participant id; B2BUA and proxy roles put it in their Contact user part. */
  readonly label: string;
  readonly address: string;
  readonly port: number;
  readonly onTrace: TransportTraceHook;
  /** Told of a reaction that ended in an error; the role keeps serving. */
  readonly onFailure: (failure: ReactionFailure) => void;
  /** T1, T2, T4 (RFC 3261 17.1.1.1) the topology sets; the runtime's defaults otherwise. */
  readonly timers: Partial<TimerBaseValues>;
  readonly aor: string;
  readonly user: string;
  readonly servedUsers: readonly string[];
  /** Preloaded route of requests the role originates (RFC 3261 8.1.2), first hop first. */
  readonly route: readonly string[];
  /** First proxy of a B2BUA's server legs (sent there; no Route header). */
  readonly outboundProxy?: TransportTarget;
  /** Proxy after it, as a loose Route (RFC 3261 8.1.2). */
  readonly nextProxy?: string;
  /** The next B2BUA's URI, as Request-URI of server legs (OMA CPM: the terminating Participating Function). */
  readonly nextHop?: string;
  readonly facts: Readonly<Record<string, PolicyValue>>;
  /** proxy or b2bua, for the roles that have both. */
  readonly mode?: string;
}

/** One role of the catalog. */
export interface CatalogRole {
  /** The modes the role runs in; the first is the default. */
  readonly modes: readonly string[];
  /** The operator policies and session facts it reads. */
  readonly policies: Readonly<Record<string, PolicyValues>>;
  start(config: RoleStartConfig): Promise<StartedRole>;
}

function endpoint(c: RoleStartConfig): {
  label: string;
  address: string;
  port: number;
  onTrace: TransportTraceHook;
  onFailure: (failure: ReactionFailure) => void;
  timers: Partial<TimerBaseValues>;
} {
  return {
    label: c.label,
    address: c.address,
    port: c.port,
    onTrace: c.onTrace,
    onFailure: c.onFailure,
    timers: c.timers,
  };
}

/** B2BUA fields: served users, the server legs' outbound path and next hop. */
function b2buaFields(c: RoleStartConfig): {
  servedUsers: readonly string[];
  outboundProxy?: TransportTarget;
  nextProxy?: string;
  nextHop?: string;
} {
  return {
    servedUsers: c.servedUsers,
    ...(c.outboundProxy ? { outboundProxy: c.outboundProxy } : {}),
    ...(c.nextProxy !== undefined ? { nextProxy: c.nextProxy } : {}),
    ...(c.nextHop !== undefined ? { nextHop: c.nextHop } : {}),
  };
}

/** The roles by catalog name (flows: `participants.<id>.role`). */
export const ROLE_CATALOG: Readonly<Record<string, CatalogRole>> = {
  'poc-client': {
    modes: ['-'],
    policies: POC_CLIENT_POLICIES,
    start: (c) =>
      PocClient.start({
        ...endpoint(c),
        aor: c.aor,
        user: c.user,
        route: c.route,
        servedUsers: c.servedUsers,
        facts: c.facts as PocClientConfig['facts'],
      }),
  },
  'poc-server-participating': {
    modes: ['b2bua'],
    policies: POC_PARTICIPATING_POLICIES,
    start: (c) =>
      PocServerParticipating.start({
        ...endpoint(c),
        ...b2buaFields(c),
        facts: c.facts as PocServerParticipatingConfig['facts'],
      }),
  },
  'poc-server-controlling': {
    modes: ['-'],
    policies: POC_CONTROLLING_POLICIES,
    start: (c) =>
      PocServerControlling.start({
        ...endpoint(c),
        aor: c.aor,
        user: c.user,
        route: c.route,
        servedUsers: c.servedUsers,
        facts: c.facts as PocServerControllingConfig['facts'],
      }),
  },
  'sip-core': {
    modes: ['proxy'],
    policies: {},
    start: (c) =>
      SipCore.start({
        ...endpoint(c),
        ...(c.nextProxy !== undefined ? { outboundProxy: c.nextProxy } : {}),
      }),
  },
  's-cscf': {
    modes: ['proxy'],
    policies: {},
    start: (c) =>
      SCscf.start({
        ...endpoint(c),
        ...(c.nextProxy !== undefined ? { outboundProxy: c.nextProxy } : {}),
      }),
  },
  ue: {
    modes: ['-'],
    policies: {},
    start: (c) =>
      Ue.start({
        ...endpoint(c),
        aor: c.aor,
        user: c.user,
        route: c.route,
        servedUsers: c.servedUsers,
      }),
  },
  'cpm-client': {
    modes: ['-'],
    policies: {},
    start: (c) => CpmClient.start({ ...endpoint(c), aor: c.aor, user: c.user, route: c.route }),
  },
  'cpm-pf-originating': {
    modes: ['b2bua', 'proxy'],
    policies: CPM_PF_POLICIES,
    start: (c) => {
      const facts = { ...c.facts, 'participant.mode': c.mode } as CpmPfOriginatingConfig['facts'];
      return c.mode === 'proxy'
        ? CpmPfOriginatingProxy.start({ ...endpoint(c), facts })
        : CpmPfOriginating.start({ ...endpoint(c), ...b2buaFields(c), facts });
    },
  },
  'cpm-pf-terminating': {
    modes: ['b2bua', 'proxy'],
    policies: CPM_PF_POLICIES,
    start: (c) => {
      const facts = { ...c.facts, 'participant.mode': c.mode } as CpmPfTerminatingConfig['facts'];
      return c.mode === 'proxy'
        ? CpmPfTerminatingProxy.start({ ...endpoint(c), facts })
        : CpmPfTerminating.start({ ...endpoint(c), ...b2buaFields(c), facts });
    },
  },
  iwf: {
    modes: ['-'],
    policies: {},
    start: (c) =>
      Iwf.start({
        ...endpoint(c),
        aor: c.aor,
        user: c.user,
        route: c.route,
        servedUsers: c.servedUsers,
      }),
  },
};

/** The catalog entry of a role name; undefined for a role no generated module plays. */
export function getCatalogRole(role: string): CatalogRole | undefined {
  return Object.hasOwn(ROLE_CATALOG, role) ? ROLE_CATALOG[role] : undefined;
}
