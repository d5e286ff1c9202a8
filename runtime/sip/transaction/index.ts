export { InviteClientTransaction } from './invite-client-transaction.js';
export { InviteServerTransaction, TRYING_DELAY_MS } from './invite-server-transaction.js';
export type { SuccessDeliveredListener } from './invite-server-transaction.js';
export { NonInviteClientTransaction } from './non-invite-client-transaction.js';
export { NonInviteServerTransaction } from './non-invite-server-transaction.js';
export { buildCancel, buildNonSuccessAck, buildTrying } from './request-builders.js';
export { Transaction } from './transaction-base.js';
export type {
  TransactionContext,
  TransactionStateListener,
  TransactionTimerName,
} from './transaction-base.js';
export type { ClientTransactionUser, ServerTransactionUser } from './transaction-delegates.js';
export {
  TransactionMatchError,
  TransactionRequestError,
  TransactionStateError,
  TransactionTimeoutError,
} from './transaction-errors.js';
export {
  clientKeyOfRequest,
  clientKeyOfResponse,
  hasRfc3261Branch,
  serverKeyOfRequest,
} from './transaction-key.js';
export { TransactionLayer } from './transaction-layer.js';
export type {
  ClientTransaction,
  ServerTransaction,
  TransactionCounts,
  TransactionLayerDelegate,
  TransactionLayerOptions,
} from './transaction-layer.js';
export { TransactionKind, TransactionState } from './transaction-state.js';
export { SuccessRetransmitter } from './success-retransmitter.js';
export type { SuccessOutcome } from './success-retransmitter.js';
