/**
 * Public types of the capture reader: the events it yields, their
 * endpoints and timestamps, and the statistics it keeps.
 */

/** A capture timestamp: seconds since the epoch plus nanoseconds. */
export interface CaptureTime {
  readonly sec: number;
  readonly nsec: number;
}

/** One end of a transport conversation. IPv6 addresses are in RFC 5952 form. */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** How the message travelled. `ws` is SIP over WebSocket (RFC 7118). */
export type CaptureTransport = 'udp' | 'tcp' | 'ws';

/** What the message is: SIP, or an MBCP (RTCP APP `PoC1`) floor-control packet. */
export type CaptureEventKind = 'sip' | 'mbcp';

/**
 * One message found in a capture. `bytes` is the whole message (for TCP and
 * WebSocket after reassembly and framing) and is owned by the event.
 * `frame` is the frame that completed the message, as tshark reports it.
 */
export interface CaptureEvent {
  readonly frame: number;
  readonly time: CaptureTime;
  /** Interface index (pcapng interface id; 0 for pcap). */
  readonly interface: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly transport: CaptureTransport;
  readonly kind: CaptureEventKind;
  readonly bytes: Uint8Array;
}

/**
 * The message the decoder found last, for a consumer that takes each one as it is decoded
 * (`CaptureReadOptions.onMessage`) rather than as a {@link CaptureEvent}: one object per reader,
 * changed for every message, and valid during the call only (its bytes too: copy what you keep).
 * An address is an IPv4 address's 32 bits (see `addressText`), or its text otherwise, so that
 * a consumer that counts addresses needs no text per message.
 */
export class FoundMessage {
  frame = 0;
  /** The time of the frame: seconds since the epoch, and nanoseconds. */
  sec = 0;
  nsec = 0;
  interface = 0;
  transport: CaptureTransport = 'udp';
  kind: CaptureEventKind = 'sip';
  bytes: Uint8Array = new Uint8Array(0);
  src: number | string = 0;
  srcPort = 0;
  dst: number | string = 0;
  dstPort = 0;
}

/** Counters kept while reading; final once the iteration has ended. */
export interface CaptureStats {
  /** Packet records read (EPB, SPB, OPB or pcap records). */
  packets: number;
  /** Captured packet bytes read (sum of captured lengths). */
  bytes: number;
  /** File bytes consumed so far. */
  fileBytes: number;
  /** Packets whose link layer held no IPv4 or IPv6 (ARP, STP, LLC ...). */
  nonIp: number;
  /** IP packets that carried no SIP or MBCP (RTP, other protocols, TCP ACKs ...). */
  nonSip: number;
  /** Packets cut short by the snap length (captured length < original length). */
  truncated: number;
  /** Packets whose headers were malformed (bad IP header, bad lengths ...). */
  malformed: number;
  /** Packets on link types the reader does not decode. */
  unsupportedLinkType: number;
  /** IP fragments seen, datagrams reassembled, and datagrams dropped (timeout, limits, overlap). */
  fragments: number;
  reassembled: number;
  reassemblyDropped: number;
  /** TCP bytes skipped because a gap was never filled or a buffer limit was hit. */
  tcpBytesSkipped: number;
  /** SIP messages and MBCP packets yielded. */
  sipMessages: number;
  mbcpPackets: number;
  /** Messages the runtime SIP parser or MBCP codec rejected (counted by `ingestCapture`; 0 from `readCapture`). */
  parseErrors: number;
}

/** A zeroed statistics record. */
export function emptyStats(): CaptureStats {
  return {
    packets: 0,
    bytes: 0,
    fileBytes: 0,
    nonIp: 0,
    nonSip: 0,
    truncated: 0,
    malformed: 0,
    unsupportedLinkType: 0,
    fragments: 0,
    reassembled: 0,
    reassemblyDropped: 0,
    tcpBytesSkipped: 0,
    sipMessages: 0,
    mbcpPackets: 0,
    parseErrors: 0,
  };
}
