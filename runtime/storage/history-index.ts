import type { MessageStore, StoredSessionHistory } from './message-store.js';
import { validateCpmSessionHistory, type CpmSessionHistory } from './session-history.js';
import { MessageStoreClosedError } from './storage-errors.js';

/**
 * What every {@link MessageStore} shares: the records by UID, the UID
 * counter (a UID once issued is never issued again, even if persisting its
 * record fails) and the closed state. Subclasses decide where records live.
 */
export abstract class HistoryIndex implements MessageStore {
  protected closed = false;

  protected constructor(
    /** Names the store in errors: a file path, or `memory`. */
    protected readonly storeName: string,
    private readonly records: Map<string, StoredSessionHistory>,
    private lastUid: number,
  ) {}

  abstract storeSessionHistory(history: CpmSessionHistory): Promise<{ uid: string }>;
  abstract close(): Promise<void>;

  async get(uid: string): Promise<StoredSessionHistory | undefined> {
    this.assertOpen('get');
    const found = this.records.get(uid);
    // A copy, so a caller cannot change what the store holds.
    return found === undefined ? undefined : structuredClone(found);
  }

  async count(): Promise<number> {
    this.assertOpen('count');
    return this.records.size;
  }

  /** Validates the history and gives it the next UID; not yet added. */
  protected newRecord(history: CpmSessionHistory): StoredSessionHistory {
    this.assertOpen('storeSessionHistory');
    const clean = validateCpmSessionHistory(history);
    this.lastUid += 1;
    return { uid: String(this.lastUid), storedAt: new Date().toISOString(), history: clean };
  }

  /** Makes a record visible to `get` and `count` (once it is durable, for persistent stores). */
  protected add(record: StoredSessionHistory): void {
    this.records.set(record.uid, record);
  }

  protected assertOpen(operation: string): void {
    if (this.closed) throw new MessageStoreClosedError(this.storeName, operation);
  }
}
