/**
 * The sessions of one role (a B2BUA's paired legs, a proxy's response
 * contexts, a user agent's calls) together with the dialog and transaction
 * counts of the layers underneath, so that a test can assert after each
 * scenario that nothing leaked.
 */
import { SessionStoreError } from './session-errors.js';

/** What a role holds at one moment. */
export interface SessionSnapshot {
  /** Dialogs not yet terminated (RFC 3261 12). */
  readonly dialogs: number;
  /** Transactions not yet Terminated (RFC 3261 17). */
  readonly transactions: number;
  /** Sessions of the role still in the store. */
  readonly sessions: number;
}

/** A layer that contributes counts to a snapshot (a dialog store, a transaction layer). */
export interface SnapshotSource {
  /** Active dialogs the source holds; 0 when it holds none. */
  dialogs(): number;
  /** Active transactions the source holds; 0 when it holds none. */
  transactions(): number;
}

/** True when a snapshot shows nothing alive. */
export function isIdle(snapshot: SessionSnapshot): boolean {
  return snapshot.dialogs === 0 && snapshot.transactions === 0 && snapshot.sessions === 0;
}

/**
 * Sessions of one role by id, plus the sources whose dialogs and
 * transactions the role owns. Lookups come in pairs: {@link get} returns
 * undefined, {@link getOrThrow} throws a {@link SessionStoreError}.
 */
export class SessionStore<S> {
  private readonly sessions = new Map<string, S>();
  private readonly sources = new Set<SnapshotSource>();

  constructor(
    /** The role the store belongs to, named in errors. */
    readonly role: string,
  ) {}

  /** Adds a counted source (a core's dialogs and transactions); returns its remover. */
  addSource(source: SnapshotSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  /** Stores a session; throws when the id is taken. */
  add(id: string, session: S): S {
    if (this.sessions.has(id))
      throw new SessionStoreError(`${this.role}: session ${id} already exists`, this.role, id);
    this.sessions.set(id, session);
    return session;
  }

  /** The session with this id, if any. */
  get(id: string): S | undefined {
    return this.sessions.get(id);
  }

  /** The session with this id; throws {@link SessionStoreError} when there is none. */
  getOrThrow(id: string): S {
    const session = this.sessions.get(id);
    if (session === undefined)
      throw new SessionStoreError(`${this.role}: no session ${id}`, this.role, id);
    return session;
  }

  /** Removes a session; returns whether it was there. */
  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  /** Every stored session. */
  values(): S[] {
    return [...this.sessions.values()];
  }

  /** Number of stored sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** Dialogs and transactions of every source, and the sessions of this store. */
  snapshot(): SessionSnapshot {
    let dialogs = 0;
    let transactions = 0;
    for (const source of this.sources) {
      dialogs += source.dialogs();
      transactions += source.transactions();
    }
    return { dialogs, transactions, sessions: this.sessions.size };
  }
}
