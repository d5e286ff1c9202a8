import type { TransactionState } from './transaction-state.js';

/** A transaction was asked to do something its current state forbids (RFC 3261 17). */
export class TransactionStateError extends Error {
  override readonly name = 'TransactionStateError';
  constructor(
    message: string,
    /** Id (matching key) of the transaction. */
    readonly transactionId: string,
    /** State the transaction was in. */
    readonly state: TransactionState,
  ) {
    super(message);
  }
}

/** A message lacks what transaction matching needs (Via branch, CSeq, ...). */
export class TransactionMatchError extends Error {
  override readonly name = 'TransactionMatchError';
  constructor(
    message: string,
    /** The header field that was missing or unusable. */
    readonly header: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A client transaction ended because Timer B or Timer F fired (RFC 3261 17.1.1.2, 17.1.2.2). */
export class TransactionTimeoutError extends Error {
  override readonly name = 'TransactionTimeoutError';
  constructor(
    message: string,
    readonly transactionId: string,
    /** The timer that fired: 'B', 'F' or 'H'. */
    readonly timer: 'B' | 'F' | 'H',
  ) {
    super(message);
  }
}

/** A request the layer cannot start a client transaction for (an ACK, or a branch already in use). */
export class TransactionRequestError extends Error {
  override readonly name = 'TransactionRequestError';
  constructor(
    message: string,
    /** Method of the refused request. */
    readonly method: string,
  ) {
    super(message);
  }
}
