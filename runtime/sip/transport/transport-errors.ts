import type { Endpoint, TransportProtocol } from './transport-types.js';

/** Sending or binding failed at the transport layer (RFC 3261 18). */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  constructor(
    message: string,
    /** The transport involved. */
    readonly transport: TransportProtocol,
    /** The remote or local endpoint involved, when known. */
    readonly endpoint?: Endpoint,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bytes that arrived but did not form a valid SIP message. */
export class MalformedMessageError extends TransportError {
  override readonly name = 'MalformedMessageError';
  constructor(
    message: string,
    transport: TransportProtocol,
    /** The remote sender. */
    readonly remote: Endpoint,
    /** The raw bytes received. */
    readonly bytes: Buffer,
    options?: { cause?: unknown },
  ) {
    super(message, transport, remote, options);
  }
}
