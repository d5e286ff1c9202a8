/**
 * Requests and responses the transaction layer builds itself: the ACK for a
 * non-2xx final response (RFC 3261 17.1.1.3), CANCEL (9.1), 100 Trying
 * (17.2.1) and 487 for a cancelled INVITE (9.2).
 */
import { createResponse, SipHeaders, SipRequest } from '../message/index.js';
import type { SipResponse } from '../message/index.js';
import { cseqOf } from './message-fields.js';
import { TransactionMatchError } from './transaction-errors.js';

function required(request: SipRequest | SipResponse, name: string): string {
  const value = request.headers.get(name);
  if (value === undefined)
    throw new TransactionMatchError(`the message has no ${name} header`, name);
  return value;
}

/** Copies Via (top only), the dialog-forming headers and Route into a new request of `method`. */
function hopByHopRequest(method: 'ACK' | 'CANCEL', request: SipRequest, to: string): SipRequest {
  const headers = new SipHeaders();
  const topVia = request.headers.getAll('Via')[0];
  if (topVia === undefined) throw new TransactionMatchError('the request has no Via header', 'Via');
  headers.append('Via', topVia);
  headers.append('Max-Forwards', 70);
  headers.append('From', required(request, 'From'));
  headers.append('To', to);
  headers.append('Call-ID', required(request, 'Call-ID'));
  headers.append('CSeq', `${cseqOf(request).seq} ${method}`);
  for (const route of request.headers.getAll('Route')) headers.append('Route', route);
  headers.append('Content-Length', 0);
  return new SipRequest(method, request.requestUri, headers);
}

/**
 * RFC 3261 17.1.1.3: the ACK for a 300-699 response. Request-URI, Call-ID,
 * From and CSeq number come from the INVITE, To from the response; one Via,
 * equal to the INVITE's top Via; the INVITE's Route header fields.
 */
export function buildNonSuccessAck(invite: SipRequest, response: SipResponse): SipRequest {
  return hopByHopRequest('ACK', invite, required(response, 'To'));
}

/**
 * RFC 3261 9.1: a CANCEL has the Request-URI, Call-ID, To, From, CSeq number
 * and Route of the request it cancels and a single Via equal to its top Via,
 * so it lands in the same server transaction's neighbourhood (same branch).
 */
export function buildCancel(request: SipRequest): SipRequest {
  return hopByHopRequest('CANCEL', request, required(request, 'To'));
}

/** RFC 3261 17.2.1: the 100 Trying an INVITE server transaction sends on its own. */
export function buildTrying(invite: SipRequest): SipResponse {
  return createResponse(invite, 100, 'Trying');
}
