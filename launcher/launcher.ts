/**
 * Starts the participants of a topology as real SIP endpoints on their
 * addresses (the generated role modules over the runtime's UDP transport),
 * counts their messages, reports their sessions, dialogs and transactions,
 * and closes them.
 */
import { MessageStorageServer, type ReactionFailure } from '../generated/roles/index.js';
import type { MbcpPacketRecord } from '../runtime/mbcp/index.js';
import type { SessionSnapshot } from '../runtime/session/index.js';
import type { TransportTraceEvent } from '../runtime/sip/transport/index.js';
import { getCatalogRole, type StartedRole } from './role-catalog.js';
import { LaunchError } from './topology-error.js';
import type { RunSpec, Topology } from './topology.js';

/** A participant running in this process. */
export interface RunningParticipant {
  readonly spec: RunSpec;
  readonly role: StartedRole;
  /** The Message Storage Server it stores to (`run.<id>.storage`, OMA CPM Appendix C). */
  readonly storage?: MessageStorageServer;
}

/** Messages and state of every started participant. */
export interface LauncherStatus extends SessionSnapshot {
  readonly received: number;
  readonly sent: number;
}

/** Started participants of a topology. */
export class Launcher {
  private constructor(
    readonly participants: readonly RunningParticipant[],
    private readonly counters: { received: number; sent: number },
  ) {}

  /**
   * Starts the topology's participants (all, or the ids in `only`), each
   * seeing its messages through `onMessage`, the reactions that end in an
   * error through `onFailure` and its MBCP packets through `onMbcp`. A participant that cannot bind
   * closes the ones already started and rejects with {@link LaunchError}.
   */
  static async start(
    topology: Topology,
    only: readonly string[] | undefined,
    onMessage: (participant: string, event: TransportTraceEvent) => void,
    onFailure: (participant: string, failure: ReactionFailure) => void = () => undefined,
    onMbcp?: (participant: string, record: MbcpPacketRecord) => void,
  ): Promise<Launcher> {
    const chosen = only ? topology.run.filter((r) => only.includes(r.id)) : topology.run;
    const counters = { received: 0, sent: 0 };
    const started: RunningParticipant[] = [];
    for (const spec of chosen) {
      const entry = getCatalogRole(spec.role);
      if (!entry) throw new LaunchError(spec.id, `no generated role ${spec.role}`);
      const [first, second] = spec.outbound;
      let storage: MessageStorageServer | undefined;
      try {
        // OMA CPM Appendix C: the Message Storage Server, a local peer in this process.
        if (spec.storage)
          storage = await MessageStorageServer.start({
            label: `${spec.id} Message Storage Server`,
            file: spec.storage.file,
          });
        const role = await entry.start({
          label: spec.id,
          address: spec.address,
          port: spec.port,
          timers: topology.timers,
          onTrace: (e) => {
            if (e.direction === 'in') counters.received++;
            else counters.sent++;
            onMessage(spec.id, e);
          },
          onFailure: (f) => onFailure(spec.id, f),
          ...(onMbcp ? { onMbcp: (r: MbcpPacketRecord) => onMbcp(spec.id, r) } : {}),
          ...(spec.transports ? { transports: spec.transports } : {}),
          aor: spec.aor,
          user: spec.user,
          servedUsers: spec.servedUsers,
          route: spec.outbound.map((h) => h.uri),
          ...(first ? { outboundProxy: first.target } : {}),
          ...(second ? { nextProxy: second.uri } : {}),
          ...(spec.nextHop ? { nextHop: spec.nextHop.uri } : {}),
          facts: spec.policies,
          mode: spec.mode,
          ...(storage ? { storage } : {}),
        });
        started.push({ spec, role, ...(storage ? { storage } : {}) });
      } catch (e) {
        await storage?.close();
        for (const p of started) {
          await p.role.close();
          await p.storage?.close();
        }
        // The transport wraps the socket's error (RFC 3261 18 bind failures) as its cause.
        const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
        const code = err.code ?? err.cause?.code;
        const reason =
          code === 'EADDRINUSE'
            ? `${spec.address}:${spec.port} is in use`
            : code === 'EADDRNOTAVAIL'
              ? `${spec.address} is not an address of this host`
              : err.message;
        throw new LaunchError(spec.id, `cannot start ${spec.role}: ${reason}`);
      }
    }
    return new Launcher(started, counters);
  }

  /** Counts of every participant together. */
  status(): LauncherStatus {
    let dialogs = 0;
    let transactions = 0;
    let sessions = 0;
    for (const p of this.participants) {
      const s = p.role.snapshot();
      dialogs += s.dialogs;
      transactions += s.transactions;
      sessions += s.sessions;
    }
    return {
      dialogs,
      transactions,
      sessions,
      received: this.counters.received,
      sent: this.counters.sent,
    };
  }

  /** Each participant's state, `id: dialogs=0 transactions=0 sessions=0`. */
  states(): string[] {
    return this.participants.map((p) => {
      const s = p.role.snapshot();
      return `${p.spec.id}: dialogs=${s.dialogs} transactions=${s.transactions} sessions=${s.sessions}`;
    });
  }

  /** Closes every participant: transaction layers stopped, sockets closed. */
  async close(): Promise<void> {
    for (const p of this.participants) {
      await p.role.close();
      await p.storage?.close();
    }
  }
}

/** The status line: `sessions=1 dialogs=2 transactions=0 | in 12 out 14`. */
export function statusLine(s: LauncherStatus): string {
  return `sessions=${s.sessions} dialogs=${s.dialogs} transactions=${s.transactions} | messages in ${s.received} out ${s.sent}`;
}
