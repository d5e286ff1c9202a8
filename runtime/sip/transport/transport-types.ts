/**
 * Shared types of the transport layer (RFC 3261 18). The layer above
 * (transactions) sees only these and the {@link SipTransport} facade.
 */
import type { SipMessage } from '../message/index.js';

/** The transports this stack speaks. */
export type TransportProtocol = 'udp' | 'tcp';

/** An IP address (v4 or v6, without brackets) and a port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Where to send a message, or where one came from. */
export interface TransportTarget extends Endpoint {
  readonly transport: TransportProtocol;
}

/** Direction of a traced message, seen from this transport. */
export type TraceDirection = 'in' | 'out';

/**
 * One message crossing the transport, in or out. Every message passes through
 * this hook exactly once, including ones that failed to parse (then `message`
 * is absent and `error` says why).
 */
export interface TransportTraceEvent {
  /** Wall-clock milliseconds since the Unix epoch (usable as a pcap timestamp). */
  readonly time: number;
  readonly direction: TraceDirection;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly transport: TransportProtocol;
  readonly bytes: Buffer;
  readonly message?: SipMessage;
  /** Set on inbound bytes that did not parse as a SIP message. */
  readonly error?: Error;
}

/** Observer of every message in and out. */
export type TransportTraceHook = (event: TransportTraceEvent) => void;

/** A parsed inbound message with where it came from. */
export interface ReceivedMessage {
  readonly message: SipMessage;
  /** The remote end; responses to requests go back here (RFC 3261 18.2.2). */
  readonly source: TransportTarget;
  /** The local address and port the message arrived on. */
  readonly local: Endpoint;
  readonly bytes: Buffer;
}

/** Upward delegate of the transport: the transaction layer implements it. */
export interface TransportDelegate {
  /** A message parsed successfully. */
  onMessage(received: ReceivedMessage): void;
}

/** An address to bind, port 0 meaning an ephemeral port. */
export interface BindOptions {
  readonly address: string;
  readonly port?: number;
}

/**
 * The narrow surface the transaction layer depends on: {@link SipTransport}
 * implements it, and so can a wrapper (a lossy one in tests, a capturing one).
 */
export interface MessageTransport {
  /** Serializes and sends `message` to `target`; rejects with a TransportError. */
  send(message: SipMessage, target: TransportTarget): Promise<void>;
  /** The local endpoint used to reach `target`, to fill Via sent-by (RFC 3261 18.1.1). */
  localEndpointFor(target: TransportTarget): Endpoint;
  /** True when the protocol is reliable (no retransmissions, RFC 3261 17). */
  isReliable(protocol: TransportProtocol): boolean;
  /** Sets the upward delegate that receives parsed inbound messages. */
  setDelegate(delegate: TransportDelegate | undefined): void;
}
