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
  CPM_CLIENT_REACTIONS,
  CPM_PF_ORIGINATING_REACTIONS,
  CPM_PF_TERMINATING_REACTIONS,
  IWF_REACTIONS,
  POC_CLIENT_REACTIONS,
  POC_SERVER_CONTROLLING_REACTIONS,
  POC_SERVER_PARTICIPATING_REACTIONS,
  SCSCF_REACTIONS,
  SIP_CORE_REACTIONS,
  UE_REACTIONS,
  type EntryOptions,
  type EntryOutcome,
  type LocalPeer,
  type ReactionEntry,
} from '../generated/roles/index.js';
import type { MbcpPacketRecord } from '../runtime/mbcp/index.js';
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
  /**
   * Its entry points: the executable `runs` methods of its reactions table that
   * start a flow (`start ...`) or take a network internal indication
   * (`receive <flow>:indication ...`), e.g. `scscfReleaseCalling` (TS 24.229
   * 5.4.5.1.2); the handlers of received requests (`onInvite`) are not.
   */
  readonly entryPoints: readonly string[];
  /** Runs one of {@link entryPoints}; rejects with the error the flow step ends in. */
  call(entry: string, options: EntryOptions): Promise<EntryOutcome>;
  snapshot(): SessionSnapshot;
  /** The flow actions it took, in order (release-dialog-state ...). */
  actions(): readonly string[];
  close(): Promise<void>;
}

/** What a generated role class instance offers (GeneratedRole in generated/roles/role-support.ts). */
interface GeneratedInstance {
  readonly target: TransportTarget;
  readonly uri: string;
  readonly actions: readonly { readonly action: string }[];
  snapshot(): SessionSnapshot;
  close(): Promise<void>;
}

/** A reactions row whose trigger is a received SIP request (`receive INVITE from ...`), not an entry point. */
const RECEIVED_REQUEST = /^receive [A-Z]+ /;

/** The entry point names of a reactions table that `role` has as methods, sorted. */
export function entryPointsOf(role: object, reactions: readonly ReactionEntry[]): string[] {
  const names = new Set<string>();
  for (const r of reactions) {
    if (!r.executable || RECEIVED_REQUEST.test(r.trigger) || !/^[a-z]\w*$/.test(r.runs)) continue;
    if (typeof (role as Record<string, unknown>)[r.runs] === 'function') names.add(r.runs);
  }
  return [...names].sort();
}

/** An entry point method of a generated role (`scscfReleaseCalling(options)`). */
type EntryPoint = (options: EntryOptions) => Promise<EntryOutcome>;

/** The launcher's view of a started generated role: its entry points callable by name. */
async function started(
  reactions: readonly ReactionEntry[],
  starting: Promise<GeneratedInstance>,
): Promise<StartedRole> {
  const role = await starting;
  const entryPoints = entryPointsOf(role, reactions);
  return {
    target: role.target,
    uri: role.uri,
    entryPoints,
    call: (entry, options) => {
      const method = entryPoints.includes(entry)
        ? (role as unknown as Partial<Record<string, EntryPoint>>)[entry]
        : undefined;
      if (method === undefined)
        return Promise.reject(
          new TypeError(
            `no entry point ${entry} (entry points: ${entryPoints.join(', ') || 'none'})`,
          ),
        );
      return method.call(role, options);
    },
    snapshot: () => role.snapshot(),
    actions: () => role.actions.map((a) => a.action),
    close: () => role.close(),
  };
}

/** Everything a role may be started with; each role reads the fields it knows. */
export interface RoleStartConfig {
  /** The participant id; B2BUA and proxy roles put it in their Contact user part. */
  readonly label: string;
  readonly address: string;
  readonly port: number;
  readonly onTrace: TransportTraceHook;
  /** Sees every MBCP packet of the roles that speak MBCP (OMA PoC talk burst control). */
  readonly onMbcp?: (record: MbcpPacketRecord) => void;
  /** Told of a reaction that ended in an error; the role keeps serving. */
  readonly onFailure: (failure: ReactionFailure) => void;
  /** Transports to listen on, on the one port, the first advertised; UDP when absent. */
  readonly transports?: readonly ('udp' | 'tcp')[];
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
  /** The Message Storage Server a role that stores gives its indications to (OMA CPM Appendix C). */
  readonly storage?: LocalPeer;
}

/** One role of the catalog. */
export interface CatalogRole {
  /** The modes the role runs in; the first is the default. */
  readonly modes: readonly string[];
  /** The local peers it can be given (`storage`: a Message Storage Server). */
  readonly localPeers: readonly string[];
  /** The operator policies and session facts it reads. */
  readonly policies: Readonly<Record<string, PolicyValues>>;
  start(config: RoleStartConfig): Promise<StartedRole>;
}

/** A catalog role as written below: its generated module's start and reactions table. */
interface RoleDefinition {
  readonly modes: readonly string[];
  readonly localPeers?: readonly string[];
  readonly policies: Readonly<Record<string, PolicyValues>>;
  readonly reactions: readonly ReactionEntry[];
  launch(config: RoleStartConfig): Promise<GeneratedInstance>;
}

function endpoint(c: RoleStartConfig): {
  label: string;
  address: string;
  port: number;
  onTrace: TransportTraceHook;
  onMbcp?: (record: MbcpPacketRecord) => void;
  onFailure: (failure: ReactionFailure) => void;
  timers: Partial<TimerBaseValues>;
  transports?: readonly ('udp' | 'tcp')[];
} {
  return {
    label: c.label,
    address: c.address,
    port: c.port,
    onTrace: c.onTrace,
    ...(c.onMbcp ? { onMbcp: c.onMbcp } : {}),
    onFailure: c.onFailure,
    timers: c.timers,
    ...(c.transports ? { transports: c.transports } : {}),
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

/** How each catalog role starts its generated module, and the reactions table it has. */
const DEFINITIONS: Readonly<Record<string, RoleDefinition>> = {
  'poc-client': {
    modes: ['-'],
    policies: POC_CLIENT_POLICIES,
    reactions: POC_CLIENT_REACTIONS,
    launch: (c) =>
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
    reactions: POC_SERVER_PARTICIPATING_REACTIONS,
    launch: (c) =>
      PocServerParticipating.start({
        ...endpoint(c),
        ...b2buaFields(c),
        facts: c.facts as PocServerParticipatingConfig['facts'],
      }),
  },
  'poc-server-controlling': {
    modes: ['-'],
    policies: POC_CONTROLLING_POLICIES,
    reactions: POC_SERVER_CONTROLLING_REACTIONS,
    launch: (c) =>
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
    reactions: SIP_CORE_REACTIONS,
    launch: (c) =>
      SipCore.start({
        ...endpoint(c),
        ...(c.nextProxy !== undefined ? { outboundProxy: c.nextProxy } : {}),
      }),
  },
  's-cscf': {
    modes: ['proxy'],
    policies: {},
    reactions: SCSCF_REACTIONS,
    launch: (c) =>
      SCscf.start({
        ...endpoint(c),
        ...(c.nextProxy !== undefined ? { outboundProxy: c.nextProxy } : {}),
      }),
  },
  ue: {
    modes: ['-'],
    policies: {},
    reactions: UE_REACTIONS,
    launch: (c) =>
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
    reactions: CPM_CLIENT_REACTIONS,
    launch: (c) => CpmClient.start({ ...endpoint(c), aor: c.aor, user: c.user, route: c.route }),
  },
  'cpm-pf-originating': {
    modes: ['b2bua', 'proxy'],
    policies: CPM_PF_POLICIES,
    localPeers: ['storage'],
    reactions: CPM_PF_ORIGINATING_REACTIONS,
    launch: (c) => {
      const facts = { ...c.facts, 'participant.mode': c.mode } as CpmPfOriginatingConfig['facts'];
      return c.mode === 'proxy'
        ? CpmPfOriginatingProxy.start({ ...endpoint(c), facts })
        : CpmPfOriginating.start({
            ...endpoint(c),
            ...b2buaFields(c),
            facts,
            ...(c.storage ? { storage: c.storage } : {}),
          });
    },
  },
  'cpm-pf-terminating': {
    modes: ['b2bua', 'proxy'],
    policies: CPM_PF_POLICIES,
    localPeers: ['storage'],
    reactions: CPM_PF_TERMINATING_REACTIONS,
    launch: (c) => {
      const facts = { ...c.facts, 'participant.mode': c.mode } as CpmPfTerminatingConfig['facts'];
      return c.mode === 'proxy'
        ? CpmPfTerminatingProxy.start({ ...endpoint(c), facts })
        : CpmPfTerminating.start({
            ...endpoint(c),
            ...b2buaFields(c),
            facts,
            ...(c.storage ? { storage: c.storage } : {}),
          });
    },
  },
  iwf: {
    modes: ['-'],
    policies: {},
    reactions: IWF_REACTIONS,
    launch: (c) =>
      Iwf.start({
        ...endpoint(c),
        aor: c.aor,
        user: c.user,
        route: c.route,
        servedUsers: c.servedUsers,
      }),
  },
};

/** The roles by catalog name (flows: `participants.<id>.role`). */
export const ROLE_CATALOG: Readonly<Record<string, CatalogRole>> = Object.fromEntries(
  Object.entries(DEFINITIONS).map(([name, d]): [string, CatalogRole] => [
    name,
    {
      modes: d.modes,
      localPeers: d.localPeers ?? [],
      policies: d.policies,
      start: (c) => started(d.reactions, d.launch(c)),
    },
  ]),
);

/** The catalog entry of a role name; undefined for a role no generated module plays. */
export function getCatalogRole(role: string): CatalogRole | undefined {
  return Object.hasOwn(ROLE_CATALOG, role) ? ROLE_CATALOG[role] : undefined;
}
