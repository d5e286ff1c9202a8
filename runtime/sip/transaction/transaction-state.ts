/**
 * Transaction states of RFC 3261 17 (figures 5 to 8) with the RFC 6026
 * "Accepted" state for INVITE transactions that saw a 2xx.
 */
export enum TransactionState {
  /** INVITE client: request sent, no response yet (RFC 3261 17.1.1.2). */
  Calling = 'Calling',
  /** Non-INVITE client and server: request sent or received, no response yet. */
  Trying = 'Trying',
  /** A provisional response was received or sent. */
  Proceeding = 'Proceeding',
  /** RFC 6026 7.1/8.4: a 2xx to INVITE was received or sent. */
  Accepted = 'Accepted',
  /** A final (non-2xx for INVITE) response was received or sent. */
  Completed = 'Completed',
  /** INVITE server: ACK for the non-2xx final response received (RFC 3261 17.2.1). */
  Confirmed = 'Confirmed',
  /** Finished; the transaction is removed from the layer. */
  Terminated = 'Terminated',
}

/** Which of the four state machines of RFC 3261 17 a transaction runs. */
export enum TransactionKind {
  InviteClient = 'InviteClient',
  NonInviteClient = 'NonInviteClient',
  InviteServer = 'InviteServer',
  NonInviteServer = 'NonInviteServer',
}
