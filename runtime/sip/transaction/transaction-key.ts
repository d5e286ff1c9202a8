/**
 * Transaction matching keys: RFC 3261 17.1.3 for responses to client
 * transactions, 17.2.3 for requests to server transactions (branch with the
 * magic cookie, or the RFC 2543 fallback), and 9.2 for CANCEL.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import { BRANCH_COOKIE } from '../message/index.js';
import { callIdOf, cseqOf, tagOf, topVia } from './message-fields.js';
import { TransactionMatchError } from './transaction-errors.js';

/**
 * RFC 3261 17.1.3: a response matches a client transaction by the branch of
 * its top Via and the method of its CSeq (a CANCEL and its INVITE share the branch).
 */
export function clientKeyOfResponse(response: SipResponse): string {
  const branch = topVia(response).branch;
  if (branch === undefined) throw new TransactionMatchError('the top Via has no branch', 'Via');
  return `c|${branch}|${cseqOf(response).method}`;
}

/** The key under which a client transaction for `request` is stored (same shape as {@link clientKeyOfResponse}). */
export function clientKeyOfRequest(request: SipRequest): string {
  const branch = topVia(request).branch;
  if (branch === undefined) throw new TransactionMatchError('the request has no Via branch', 'Via');
  return `c|${branch}|${request.method}`;
}

/**
 * The server transaction key of a request. `method` is the method of the
 * transaction to look up: RFC 3261 17.2.3 matches an ACK to the INVITE
 * transaction, and 9.2 looks up the INVITE that a CANCEL cancels.
 */
export function serverKeyOfRequest(
  request: SipRequest,
  method: string = request.method === 'ACK' ? 'INVITE' : request.method,
): string {
  const via = topVia(request);
  const sentBy = `${via.host.toLowerCase()}:${via.port ?? ''}`;
  // RFC 3261 17.2.3: with the magic cookie, branch + sent-by + method identify the transaction.
  if (via.branch?.startsWith(BRANCH_COOKIE)) return `s|${via.branch}|${sentBy}|${method}`;
  // RFC 3261 17.2.3: RFC 2543 fallback: Request-URI, From tag, Call-ID, CSeq number and top Via
  // (the To tag is compared separately: an ACK carries the tag of the response, the INVITE none).
  return [
    's2543',
    request.requestUri,
    tagOf(request, 'From') ?? '',
    callIdOf(request),
    cseqOf(request).seq,
    `${via.transport}/${sentBy}/${via.branch ?? ''}`,
    method,
  ].join('|');
}

/** Whether the request's top Via carries an RFC 3261 branch (magic cookie). */
export function hasRfc3261Branch(request: SipRequest): boolean {
  return topVia(request).branch?.startsWith(BRANCH_COOKIE) ?? false;
}
