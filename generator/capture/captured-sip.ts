/**
 * Parsing one captured SIP message, on its own: the conformance engine parses a logged message
 * again with it and needs none of the capture reader.
 */
import type { MessageLayout } from '../../runtime/sip/message/message-layout.js';
import { checkMessage, parseMessage } from '../../runtime/sip/message/message-parser.js';
import type { SipMessage } from '../../runtime/sip/message/sip-message.js';
import type { CaptureEvent } from './capture-types.js';

/**
 * Parses the bytes of one captured SIP message: a TCP message is exactly one framed message
 * (RFC 3261 18.3: Content-Length mandatory), a UDP or WebSocket one a datagram. With `layout`,
 * where its parts lie is kept there (see `ParseOptions.layout`).
 */
export function parseCapturedSip(
  bytes: Uint8Array,
  transport: CaptureEvent['transport'],
  layout?: MessageLayout,
): SipMessage {
  const mode = transport === 'tcp' ? 'stream' : 'datagram';
  return parseMessage(
    bytes,
    layout === undefined ? { transport: mode } : { transport: mode, layout },
  );
}

/**
 * Checks the bytes of one captured SIP message as {@link parseCapturedSip} parses them (the same
 * error for the same bytes) without building the message; where its parts lie is kept in
 * `layout` (see `checkMessage`).
 */
export function checkCapturedSip(
  bytes: Uint8Array,
  transport: CaptureEvent['transport'],
  layout: MessageLayout,
): void {
  checkMessage(bytes, { transport: transport === 'tcp' ? 'stream' : 'datagram', layout });
}
