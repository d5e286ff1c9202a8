/**
 * The observed side of a conformance check: messages seen on the wire, from
 * a capture (generator/capture) or from the runtime's transport hook.
 */
import type { MbcpMessage } from '../../runtime/mbcp/index.js';
import type { SipMessage } from '../../runtime/sip/message/index.js';
import type { IngestEvent } from '../capture/index.js';
import type { WireEndpoint } from './address-map.js';

/** A capture or hook timestamp: seconds since the epoch plus nanoseconds. */
export interface ObservedTime {
  readonly sec: number;
  readonly nsec: number;
}

/** One message seen on the wire. */
export interface ObservedMessage {
  /** Frame number (1-based, as tshark counts) or sequence number of a live trace. */
  readonly frame: number;
  readonly time: ObservedTime;
  readonly src: WireEndpoint;
  readonly dst: WireEndpoint;
  readonly transport: 'udp' | 'tcp' | 'ws';
  readonly sip?: SipMessage;
  readonly mbcp?: MbcpMessage;
  /**
   * The bytes the message was parsed or decoded from, when it came from a capture: an instance
   * keeps only these for a replay and parses them again if one happens (see `LoggedMessage`).
   */
  readonly wire?: Uint8Array;
  /**
   * The identity of its transmission (transmission-identity.ts), when the reading thread of
   * `flowspec diff` worked it out: the upper 32 bits of the hash and the lower 21 (-1: not worked
   * out, the engine does).
   */
  readonly transmissionHigh?: number;
  readonly transmissionLow?: number;
}

/** The transports of observed messages, numbered where a message is kept as numbers (every one has its number). */
export const TRANSPORT_CODES: Readonly<Record<ObservedMessage['transport'], number>> = {
  udp: 0,
  tcp: 1,
  ws: 2,
};

/** The transports by their number in {@link TRANSPORT_CODES}. */
export const TRANSPORTS = Object.keys(TRANSPORT_CODES) as ObservedMessage['transport'][];

/** Seconds since the epoch as a float, for time differences in reports. */
export function seconds(t: ObservedTime): number {
  return t.sec + t.nsec / 1e9;
}

/** A one-line summary of an observed message: "BYE sip:x@y", "200 OK (BYE)", "MBCP Disconnect". */
export function summarize(m: ObservedMessage): string {
  if (m.sip) {
    if (m.sip.kind === 'request') return `${m.sip.method} ${m.sip.requestUri}`;
    const cseq = m.sip.headers.get('cseq')?.trim().split(/\s+/)[1];
    return `${m.sip.status} ${m.sip.reason}${cseq ? ` (${cseq})` : ''}`;
  }
  if (m.mbcp) return `MBCP ${m.mbcp.kind}`;
  return 'unparsed message';
}

/** A capture event as an observed message; undefined when it did not parse (its finding says why). */
export function observedFromIngest(e: IngestEvent): ObservedMessage | undefined {
  // Spelled out rather than spread: one object of one shape per message.
  if (e.kind === 'sip')
    return e.message
      ? {
          frame: e.frame,
          time: e.time,
          src: e.src,
          dst: e.dst,
          transport: e.transport,
          sip: e.message,
          wire: e.bytes,
        }
      : undefined;
  return e.mbcp
    ? {
        frame: e.frame,
        time: e.time,
        src: e.src,
        dst: e.dst,
        transport: e.transport,
        mbcp: e.mbcp,
        wire: e.bytes,
      }
    : undefined;
}
