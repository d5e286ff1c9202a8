/**
 * Parsing one captured SIP message, on its own: the conformance engine parses a logged message
 * again with it and needs none of the capture reader.
 */
import { parseMessage } from '../../runtime/sip/message/message-parser.js';
import type { SipMessage } from '../../runtime/sip/message/sip-message.js';
import type { CaptureEvent } from './capture-types.js';

/**
 * Parses the bytes of one captured SIP message: a TCP message is exactly one framed message
 * (RFC 3261 18.3: Content-Length mandatory), a UDP or WebSocket one a datagram.
 */
export function parseCapturedSip(
  bytes: Uint8Array,
  transport: CaptureEvent['transport'],
): SipMessage {
  return parseMessage(bytes, { transport: transport === 'tcp' ? 'stream' : 'datagram' });
}
