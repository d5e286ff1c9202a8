/**
 * The per-packet pipeline: link layer, tunnels (GRE, ERSPAN), IPv4/IPv6
 * with fragment reassembly, UDP and TCP, down to SIP messages (found by
 * content on any port) and MBCP packets (RTCP APP `PoC1`). Works on views
 * into the reader's buffer; only the messages it finds are copied out.
 */
import { findMbcpPackets } from '../../runtime/mbcp/index.js';
import type {
  CaptureEvent,
  CaptureEventKind,
  CaptureStats,
  CaptureTransport,
  Endpoint,
} from './capture-types.js';
import { FoundMessage } from './capture-types.js';
import type { FrameRecord } from './frame-record.js';
import { frameSeconds, frameTime } from './frame-record.js';
import { decodeGre } from './gre-tunnel.js';
import type { IpPacket } from './ip-layer.js';
import {
  IP_OUTCOME,
  IP_PROTOCOL,
  addressOf,
  decodeIpv4,
  decodeIpv6,
  formatAddress,
  newIpPacket,
  walkIpv6Extensions,
} from './ip-layer.js';
import type { ReassemblyLimits } from './ip-reassembly.js';
import { IpReassembler } from './ip-reassembly.js';
import { ETHERTYPE, LINK_OUTCOME, decodeLinkLayer, newLinkResult } from './link-layer.js';
import { PayloadCopies } from './payload-copies.js';
import { isSipStartLine } from './sip-detect.js';
import type { TcpLimits, TcpMessageSink } from './tcp-reassembly.js';
import { TcpReassembler } from './tcp-reassembly.js';

/** Tunnels nested deeper than this are not followed (a crafted loop cannot recurse forever). */
const MAX_TUNNEL_DEPTH = 4;
/** Capture seconds between sweeps of timed-out fragments and TCP gaps. */
const SWEEP_INTERVAL = 1;

/** Options of the pipeline. */
export interface PacketDecoderOptions {
  readonly reassembly: ReassemblyLimits;
  readonly tcp: TcpLimits;
  /** Look for MBCP in UDP payloads. */
  readonly mbcp: boolean;
  /** A UDP message in the packet's own bytes is not copied (`CaptureReadOptions.transientBytes`). */
  readonly transientBytes?: boolean;
  /**
   * Takes each message as it is decoded, instead of an event in `events`
   * (`CaptureReadOptions.onMessage`): its bytes are never copied.
   */
  readonly onMessage?: (m: FoundMessage) => void;
}

/** Decodes packet records into capture events, appending them to `events`. */
export class PacketDecoder {
  /** Events found and not yet taken by the reader. */
  readonly events: CaptureEvent[] = [];
  private readonly stats: CaptureStats;
  private readonly options: PacketDecoderOptions;
  private readonly copies = new PayloadCopies();
  private readonly link = newLinkResult();
  private readonly ip: IpPacket = newIpPacket();
  private readonly fragments: IpReassembler;
  private readonly tcp: TcpReassembler;
  private record: FrameRecord | undefined;
  private now = 0;
  /** The current packet was cut short by the snap length. */
  private snapped = false;
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** The message handed to `options.onMessage`, one for all. */
  private readonly found = new FoundMessage();
  /** What `options.onMessage` threw, if it did: not the capture's fault, raised as it is. */
  failure: unknown = undefined;
  private readonly tcpSink: TcpMessageSink = (bytes, transport, src, dst) =>
    this.emit('sip', transport, bytes, src, dst);

  constructor(stats: CaptureStats, options: PacketDecoderOptions) {
    this.stats = stats;
    this.options = options;
    this.fragments = new IpReassembler(options.reassembly);
    this.tcp = new TcpReassembler(options.tcp);
  }

  /** Bytes held in reassembly buffers now (fragments, TCP out-of-order and framing). */
  get bytesHeld(): number {
    return this.fragments.bytesHeld + this.tcp.bytesHeld;
  }

  /** Handles one packet record. Never throws on packet contents. */
  handle(record: FrameRecord): void {
    const stats = this.stats;
    const data = record.bytes;
    const captured = record.end - record.start;
    stats.packets++;
    stats.bytes += captured;
    if (captured < record.originalLength) stats.truncated++;
    this.record = record;
    this.snapped = captured < record.originalLength;
    this.now = frameSeconds(record);
    if (this.now - this.lastSweep >= SWEEP_INTERVAL || this.now < this.lastSweep) this.sweep();
    const outcome = decodeLinkLayer(record.linkType, data, record.start, record.end, this.link);
    if (outcome !== LINK_OUTCOME.ip) {
      if (outcome === LINK_OUTCOME.notIp) stats.nonIp++;
      else if (outcome === LINK_OUTCOME.malformed) stats.malformed++;
      else stats.unsupportedLinkType++;
      return;
    }
    const before = stats.sipMessages + stats.mbcpPackets;
    this.network(data, this.link.offset, record.end, this.link.etherType, 0);
    if (stats.sipMessages + stats.mbcpPackets === before) stats.nonSip++;
  }

  /** Ends the capture: datagrams still incomplete count as dropped. */
  finish(): void {
    this.fragments.expire(Number.POSITIVE_INFINITY);
    this.syncCounters();
  }

  private sweep(): void {
    this.lastSweep = this.now;
    this.fragments.expire(this.now);
    this.tcp.expire(this.now, this.tcpSink);
    this.syncCounters();
  }

  private syncCounters(): void {
    this.stats.reassemblyDropped = this.fragments.dropped;
    this.stats.tcpBytesSkipped = this.tcp.skippedBytes;
  }

  private network(
    data: Uint8Array,
    start: number,
    end: number,
    etherType: number,
    depth: number,
  ): void {
    const ip = this.ip;
    const outcome =
      etherType === ETHERTYPE.ipv4
        ? decodeIpv4(data, start, end, ip)
        : decodeIpv6(data, start, end, ip);
    if (outcome !== IP_OUTCOME.ok && outcome !== IP_OUTCOME.truncated) {
      // Headers cut by the snap length are already counted as truncated packets.
      if (outcome === IP_OUTCOME.malformed || (outcome === IP_OUTCOME.cut && !this.snapped)) {
        this.stats.malformed++;
      }
      return;
    }
    // A fragment or TCP segment cut short by the snap length cannot be
    // reassembled; UDP keeps what was captured (one message per datagram).
    if (outcome === IP_OUTCOME.truncated && (ip.fragment || ip.protocol === IP_PROTOCOL.tcp))
      return;
    if (ip.fragment) {
      this.stats.fragments++;
      if (!this.fragments.add(ip, this.now)) return;
      this.stats.reassembled++;
      // RFC 8200 section 4.5: the fragmentable part may begin with more extension headers.
      if (
        ip.version === 6 &&
        walkIpv6Extensions(ip.payload, ip.protocol, 0, ip.payloadEnd, ip) !== IP_OUTCOME.ok
      ) {
        return;
      }
    }
    switch (ip.protocol) {
      case IP_PROTOCOL.udp:
        this.udp(ip);
        return;
      case IP_PROTOCOL.tcp:
        this.tcp.add(ip, this.now, this.tcpSink);
        this.stats.tcpBytesSkipped = this.tcp.skippedBytes;
        this.stats.malformed += this.tcp.malformed;
        this.tcp.malformed = 0;
        return;
      case IP_PROTOCOL.gre: {
        if (depth >= MAX_TUNNEL_DEPTH) return;
        const inner = decodeGre(ip.payload, ip.payloadStart, ip.payloadEnd, this.link);
        if (inner === LINK_OUTCOME.ip) {
          this.network(ip.payload, this.link.offset, ip.payloadEnd, this.link.etherType, depth + 1);
        }
        return;
      }
      default:
        return;
    }
  }

  /** RFC 768: ports, length (header included), checksum; one SIP message per datagram. */
  private udp(ip: IpPacket): void {
    const d = ip.payload;
    const start = ip.payloadStart;
    if (ip.payloadEnd - start < 8) {
      this.stats.malformed++;
      return;
    }
    const length = ((d[start + 4] ?? 0) << 8) | (d[start + 5] ?? 0);
    if (length < 8) {
      this.stats.malformed++;
      return;
    }
    const payloadStart = start + 8;
    const payloadEnd = Math.min(start + length, ip.payloadEnd);
    if (isSipStartLine(d, payloadStart, payloadEnd)) {
      // In the record's bytes (not a reassembled datagram's): a view will do when allowed.
      const view = this.options.transientBytes === true && d === this.record?.bytes;
      this.emitUdp(ip, 'sip', d.subarray(payloadStart, payloadEnd), view);
      return;
    }
    // RTCP (RFC 3550 section 6.4 and RFC 5761 section 4): version 2, packet type 192-223.
    if (this.options.mbcp && payloadEnd - payloadStart >= 12) {
      const b1 = d[payloadStart + 1] ?? 0;
      if ((d[payloadStart] ?? 0) >> 6 === 2 && b1 >= 192 && b1 <= 223) {
        const payload = d.subarray(payloadStart, payloadEnd);
        for (const offset of findMbcpPackets(payload)) {
          const words = (((payload[offset + 2] ?? 0) << 8) | (payload[offset + 3] ?? 0)) + 1;
          this.emitUdp(ip, 'mbcp', payload.subarray(offset, offset + words * 4));
        }
      }
    }
  }

  private emitUdp(ip: IpPacket, kind: CaptureEventKind, bytes: Uint8Array, view = false): void {
    const d = ip.payload;
    const s = ip.payloadStart;
    const srcPort = ((d[s] ?? 0) << 8) | (d[s + 1] ?? 0);
    const dstPort = ((d[s + 2] ?? 0) << 8) | (d[s + 3] ?? 0);
    if (this.options.onMessage !== undefined) {
      // Addresses as numbers where they are IPv4: neither an endpoint nor a text per message.
      const src = addressOf(ip.addressBytes, ip.srcOffset, ip.version);
      const dst = addressOf(ip.addressBytes, ip.dstOffset, ip.version);
      this.hand(kind, 'udp', bytes, src, srcPort, dst, dstPort);
      return;
    }
    const src = { ip: formatAddress(ip.addressBytes, ip.srcOffset, ip.version), port: srcPort };
    const dst = { ip: formatAddress(ip.addressBytes, ip.dstOffset, ip.version), port: dstPort };
    this.emit(kind, 'udp', bytes, src, dst, view);
  }

  private emit(
    kind: CaptureEventKind,
    transport: CaptureTransport,
    bytes: Uint8Array,
    src: Endpoint,
    dst: Endpoint,
    view = false,
  ): void {
    if (this.options.onMessage !== undefined) {
      this.hand(kind, transport, bytes, src.ip, src.port, dst.ip, dst.port);
      return;
    }
    const record = this.record;
    if (!record) return;
    this.count(kind);
    this.events.push({
      frame: record.frame,
      time: frameTime(record),
      interface: record.interfaceId,
      src,
      dst,
      transport,
      kind,
      bytes: view ? bytes : this.copies.copy(bytes),
    });
  }

  /** Hands a message to `options.onMessage` in {@link found}, rather than as an event. */
  private hand(
    kind: CaptureEventKind,
    transport: CaptureTransport,
    bytes: Uint8Array,
    src: number | string,
    srcPort: number,
    dst: number | string,
    dstPort: number,
  ): void {
    const record = this.record;
    if (!record) return;
    this.count(kind);
    const m = this.found;
    m.frame = record.frame;
    frameTime(record, m);
    m.interface = record.interfaceId;
    m.transport = transport;
    m.kind = kind;
    m.bytes = bytes;
    m.src = src;
    m.srcPort = srcPort;
    m.dst = dst;
    m.dstPort = dstPort;
    try {
      this.options.onMessage?.(m);
    } catch (error) {
      this.failure ??= error;
      throw error;
    }
  }

  private count(kind: CaptureEventKind): void {
    if (kind === 'sip') this.stats.sipMessages++;
    else this.stats.mbcpPackets++;
  }
}
