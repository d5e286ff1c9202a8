export { CORRUPT_LINE_POLICIES, JsonlMessageStore } from './jsonl-message-store.js';
export type { CorruptLinePolicy, JsonlMessageStoreOptions } from './jsonl-message-store.js';
export { MemoryMessageStore } from './memory-message-store.js';
export { getSessionHistoryOrThrow, isMessageStoreUid } from './message-store.js';
export type { MessageStore, StoredSessionHistory } from './message-store.js';
export { validateCpmSessionHistory } from './session-history.js';
export { sessionHistoryOf } from './session-record.js';
export type { SipSessionRecord } from './session-record.js';
export type {
  CpmSessionHistory,
  CpmSessionIdentity,
  CpmSessionMessage,
  CpmSessionParticipant,
} from './session-history.js';
export {
  MessageStoreClosedError,
  MessageStoreCorruptError,
  MessageStoreUidNotFoundError,
  SessionHistoryInvalidError,
} from './storage-errors.js';
