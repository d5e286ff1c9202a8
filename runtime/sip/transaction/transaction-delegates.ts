/**
 * Upward delegate interfaces of the transaction layer: transactions never
 * import the dialog or user-agent layers, they call these instead.
 */
import type { SipResponse } from '../message/index.js';
import type { TransportError } from '../transport/index.js';
import type { TransactionTimeoutError } from './transaction-errors.js';

/** The transaction user of a client transaction (RFC 3261 17.1). */
export interface ClientTransactionUser {
  /** A response the state machine passes up (provisional, final, 2xx retransmissions in Accepted). */
  onResponse?(response: SipResponse): void;
  /** Timer B or F fired without a final response (the TU treats it as a 408). */
  onTimeout?(error: TransactionTimeoutError): void;
  /** Sending failed (RFC 3261 17.1.4). */
  onTransportError?(error: TransportError): void;
}

/** The transaction user of a server transaction (RFC 3261 17.2). */
export interface ServerTransactionUser {
  /** RFC 3261 17.2.1: Timer H fired, the ACK for a non-2xx final response never came. */
  onTimeout?(error: TransactionTimeoutError): void;
  /** Sending a response failed (RFC 3261 17.2.4). */
  onTransportError?(error: TransportError): void;
}
