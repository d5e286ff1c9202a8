import type { DialogState } from './dialog-state.js';

/** A dialog operation that its state forbids, or a message that cannot create one (RFC 3261 12). */
export class DialogError extends Error {
  override readonly name: string = 'DialogError';
  constructor(
    message: string,
    /** The dialog key (Call-ID and tags), when a dialog exists. */
    readonly dialogKey?: string,
    /** The dialog state, when a dialog exists. */
    readonly state?: DialogState,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * RFC 3261 12.2.2: an in-dialog request whose CSeq is lower than the remote
 * sequence number is out of order and is answered with 500.
 */
export class DialogCSeqError extends DialogError {
  override readonly name = 'DialogCSeqError';
  /** The response the UAS answers with. */
  readonly status = 500;
  constructor(
    dialogKey: string,
    state: DialogState,
    /** CSeq of the request. */
    readonly received: number,
    /** The dialog's remote sequence number. */
    readonly remoteSeq: number,
  ) {
    super(
      `CSeq ${received} is lower than the remote sequence number ${remoteSeq}`,
      dialogKey,
      state,
    );
  }
}
