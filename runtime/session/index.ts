/**
 * Session stores per role (issue 3 item 5): what a role holds, and the
 * dialog and transaction counts underneath, for leak checks.
 */
export { SessionStore, isIdle } from './session-store.js';
export type { SessionSnapshot, SnapshotSource } from './session-store.js';
export { SessionStoreError } from './session-errors.js';
