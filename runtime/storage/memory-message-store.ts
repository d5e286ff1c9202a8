import { HistoryIndex } from './history-index.js';
import type { CpmSessionHistory } from './session-history.js';

/** A {@link MessageStore} in memory, for tests: the same validation and UIDs, nothing persisted. */
export class MemoryMessageStore extends HistoryIndex {
  constructor() {
    super('memory', new Map(), 0);
  }

  async storeSessionHistory(history: CpmSessionHistory): Promise<{ uid: string }> {
    const record = this.newRecord(history);
    this.add(record);
    return { uid: record.uid };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
