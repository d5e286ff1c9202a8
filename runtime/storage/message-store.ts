import type { CpmSessionHistory } from './session-history.js';
import { MessageStoreUidNotFoundError } from './storage-errors.js';

/** A CPM Session History as the Message Storage holds it. */
export interface StoredSessionHistory {
  /** The UID the CPM Participating Function puts in the Message-UID header. */
  readonly uid: string;
  /** ISO 8601 time it was stored. */
  readonly storedAt: string;
  readonly history: CpmSessionHistory;
}

/**
 * The Message Storage Server as the CPM Participating Function sees it:
 * store a CPM Session History and retrieve a UID (OMA CPM "Record CPM
 * Session"). UIDs are unique within a store and never reused; like IMAP UIDs
 * (RFC 3501 section 2.3.1.1) they are strictly ascending decimal numbers.
 */
export interface MessageStore {
  /** Validates and stores the history; resolves once it is durable, with its UID. */
  storeSessionHistory(history: CpmSessionHistory): Promise<{ uid: string }>;
  /** The stored history with that UID, or undefined. */
  get(uid: string): Promise<StoredSessionHistory | undefined>;
  /** How many histories the store holds. */
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Like {@link MessageStore.get}, but a missing UID is a {@link MessageStoreUidNotFoundError}. */
export async function getSessionHistoryOrThrow(
  store: MessageStore,
  uid: string,
  storeName = 'Message Storage',
): Promise<StoredSessionHistory> {
  const found = await store.get(uid);
  if (found === undefined) throw new MessageStoreUidNotFoundError(uid, storeName);
  return found;
}

/** True for the UID syntax the stores issue: a decimal number from 1, no leading zero. */
export function isMessageStoreUid(uid: string): boolean {
  return /^[1-9]\d{0,15}$/.test(uid);
}
