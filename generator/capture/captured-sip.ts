/**
 * Parsing one captured SIP message, on its own: the conformance engine parses a logged message
 * again with it and needs none of the capture reader.
 */
import {
  checkMessage,
  parseMessage,
  type ParseOptions,
} from '../../runtime/sip/message/message-parser.js';
import type { SipMessage } from '../../runtime/sip/message/sip-message.js';
import type { CaptureEvent } from './capture-types.js';

/** What a captured message's parse may be told besides its framing (a layout, bytes checked before). */
export type CapturedParseOptions = Omit<ParseOptions, 'transport'>;

/** No options besides the framing. */
const NONE: CapturedParseOptions = {};

/**
 * The framed options made last, and the `more` they were made from: a reader gives the same
 * `more` for every message, so they are made once rather than per message.
 */
let lastMore: CapturedParseOptions | undefined;
let lastStream: ParseOptions = { transport: 'stream' };
let lastDatagram: ParseOptions = { transport: 'datagram' };

/**
 * The parse options of a captured message: a TCP message is exactly one framed message (RFC 3261
 * 18.3: Content-Length mandatory), a UDP or WebSocket one a datagram.
 */
function framed(transport: CaptureEvent['transport'], more: CapturedParseOptions): ParseOptions {
  if (more !== lastMore) {
    lastMore = more;
    lastStream = { ...more, transport: 'stream' };
    lastDatagram = { ...more, transport: 'datagram' };
  }
  return transport === 'tcp' ? lastStream : lastDatagram;
}

/**
 * Parses the bytes of one captured SIP message, framed by its transport. With `more.layout`,
 * where its parts lie is kept there (see `ParseOptions.layout`); with `more.checked`, the bytes
 * parsed before (see `ParseOptions.checked`).
 */
export function parseCapturedSip(
  bytes: Uint8Array,
  transport: CaptureEvent['transport'],
  more: CapturedParseOptions = NONE,
): SipMessage {
  return parseMessage(bytes, framed(transport, more));
}

/**
 * Checks the bytes of one captured SIP message as {@link parseCapturedSip} parses them (the same
 * error for the same bytes) without building the message; where its parts lie is kept in
 * `more.layout` (see `checkMessage`).
 */
export function checkCapturedSip(
  bytes: Uint8Array,
  transport: CaptureEvent['transport'],
  more: CapturedParseOptions,
): void {
  checkMessage(bytes, framed(transport, more));
}
