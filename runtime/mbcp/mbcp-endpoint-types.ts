import type { MbcpDecodeError } from './mbcp-errors.js';
import type { MbcpAcknowledgement, MbcpMessage } from './mbcp-types.js';

/** A UDP address and port. */
export interface MbcpAddress {
  readonly address: string;
  readonly port: number;
}

/** Direction of a packet seen by the observable hook. */
export const MBCP_DIRECTIONS = ['in', 'out'] as const;
/** `in` received, `out` sent. */
export type MbcpDirection = (typeof MBCP_DIRECTIONS)[number];

/** What the hook says about a packet beyond its content. */
export const MBCP_PACKET_NOTES = ['first', 'retransmission', 'duplicate', 'invalid'] as const;
/** `first` sent or received once, `retransmission` sent again, `duplicate` received again, `invalid` not MBCP. */
export type MbcpPacketNote = (typeof MBCP_PACKET_NOTES)[number];

/** One packet in or out, as the observable hook reports it (for tests, traces and pcap writing). */
export interface MbcpPacketRecord {
  /** Milliseconds since the Unix epoch, sub-millisecond resolution. */
  readonly time: number;
  readonly direction: MbcpDirection;
  readonly local: MbcpAddress;
  readonly remote: MbcpAddress;
  readonly bytes: Buffer;
  /** The decoded message; undefined when the bytes are not MBCP (see `error`). */
  readonly message: MbcpMessage | undefined;
  readonly note: MbcpPacketNote;
  readonly error?: MbcpDecodeError;
}

/** A message delivered to the application (duplicates are not delivered again). */
export interface MbcpReceived {
  readonly message: MbcpMessage;
  readonly remote: MbcpAddress;
}

/** How a send ended. */
export interface MbcpSendResult {
  /** How many times the packet went out (1 plus retransmissions). */
  readonly transmissions: number;
  /** The Acknowledgement that ended the retransmissions, for messages that asked for one. */
  readonly acknowledgement?: MbcpAcknowledgement;
}

/** Options of {@link MbcpEndpoint.open}. */
export interface MbcpEndpointOptions {
  /** Local address: 127.0.0.1 (default) or ::1. */
  readonly address?: string;
  /** Local port; 0 (default) picks a free one. */
  readonly port?: number;
  /** SSRC of this end, sent in its automatic Acknowledgements. Default: random (RFC 3550 section 8.1). */
  readonly ssrc?: number;
  /** Time between transmissions of a message awaiting its Acknowledgement. Default 500 ms. */
  readonly retransmitIntervalMs?: number;
  /** Transmissions before giving up with {@link MbcpAckTimeoutError}. Default 4. */
  readonly maxTransmissions?: number;
  /** How long a received message asking for an Acknowledgement counts as a duplicate. Default 10 s. */
  readonly duplicateWindowMs?: number;
  /** Observable hook: every packet in and out. */
  readonly onPacket?: (record: MbcpPacketRecord) => void;
  /**
   * Milliseconds since the Unix epoch for the records' `time`. Default: the high-resolution
   * clock (`performance`); give the clock another trace uses to order both together.
   */
  readonly clock?: () => number;
}
