/**
 * The few header fields the transaction layer reads, through the message
 * layer's accessors, with their errors turned into {@link TransactionMatchError}
 * so the layer can report an unmatchable message instead of failing.
 */
import { getCallId, getCSeq, getFrom, getTag, getTo, getTopVia } from '../message/index.js';
import type { CSeq, SipMessage, Via } from '../message/index.js';
import { TransactionMatchError } from './transaction-errors.js';

function read<T>(header: string, get: () => T): T {
  try {
    return get();
  } catch (error) {
    throw new TransactionMatchError(
      `unusable ${header} header: ${error instanceof Error ? error.message : String(error)}`,
      header,
      { cause: error },
    );
  }
}

/** The topmost Via value. */
export function topVia(message: SipMessage): Via {
  return read('Via', () => getTopVia(message));
}

/** The CSeq sequence number and method (RFC 3261 20.16). */
export function cseqOf(message: SipMessage): CSeq {
  return read('CSeq', () => getCSeq(message));
}

/** The Call-ID value. */
export function callIdOf(message: SipMessage): string {
  return read('Call-ID', () => getCallId(message));
}

/** The tag parameter of From or To, if any. */
export function tagOf(message: SipMessage, header: 'From' | 'To'): string | undefined {
  return read(header, () => getTag(header === 'From' ? getFrom(message) : getTo(message)));
}
