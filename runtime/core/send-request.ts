import type { SipRequest, SipResponse } from '../sip/message/index.js';
import type { TransactionLayer } from '../sip/transaction/index.js';
import type { TransportTarget } from '../sip/transport/index.js';

/**
 * Sends a non-INVITE request in a new client transaction (RFC 3261 17.1.2)
 * and resolves with its final response; rejects with the layer's
 * TransactionTimeoutError (Timer F, treated as 408 by the caller) or
 * TransportError (17.1.4).
 */
export function sendRequest(
  layer: TransactionLayer,
  request: SipRequest,
  target: TransportTarget,
  onProvisional?: (response: SipResponse) => void,
): Promise<SipResponse> {
  return new Promise((resolve, reject) => {
    layer.sendRequest(request, target, {
      onResponse: (response) => {
        if (response.status >= 200) resolve(response);
        else onProvisional?.(response);
      },
      onTimeout: reject,
      onTransportError: reject,
    });
  });
}
