/**
 * TCP stream reassembly per direction (RFC 9293 section 3.4, sequence
 * numbers modulo 2^32): segments are delivered in sequence order to the
 * direction's message framer; out-of-order segments wait in a bounded
 * buffer, retransmitted and overlapping bytes are delivered once, and a
 * capture that starts mid-stream is joined at the first segment seen. A gap
 * that is never filled (lost segment, buffer limit, or timeout in capture
 * time) is skipped and the framer resynchronises. Directions idle for too
 * long, closed (FIN, RST) or beyond the table limit are forgotten, so memory
 * stays flat.
 */
import type { Endpoint } from './capture-types.js';
import type { IpPacket } from './ip-layer.js';
import { formatAddress } from './ip-layer.js';
import type { FramerLimits } from './stream-framer.js';
import { DEFAULT_FRAMER_LIMITS, StreamFramer } from './stream-framer.js';

/** Limits of the TCP reassembler. */
export interface TcpLimits {
  /** Out-of-order bytes one direction may hold while waiting for a gap to fill. */
  readonly maxBufferedPerDirection: number;
  /** Seconds of capture time to wait for a missing segment before skipping the gap. */
  readonly gapTimeoutSeconds: number;
  /** Seconds of capture time after which an idle direction is forgotten. */
  readonly idleTimeoutSeconds: number;
  /** Directions tracked at once; the least recently active is forgotten beyond this. */
  readonly maxDirections: number;
  /** Bytes held over all directions (out of order and in framers); the least recently active is forgotten beyond this. */
  readonly maxBufferedTotal: number;
  readonly framer: FramerLimits;
}

/** Defaults: 1 MiB out of order, 10 s gap, 600 s idle, 65536 directions, 64 MiB in all. */
export const DEFAULT_TCP_LIMITS: TcpLimits = {
  maxBufferedPerDirection: 1 << 20,
  gapTimeoutSeconds: 10,
  idleTimeoutSeconds: 600,
  maxDirections: 65536,
  maxBufferedTotal: 64 << 20,
  framer: DEFAULT_FRAMER_LIMITS,
};

/** Receives each message framed on a TCP direction. `bytes` is valid only during the call. */
export type TcpMessageSink = (
  bytes: Uint8Array,
  transport: 'tcp' | 'ws',
  src: Endpoint,
  dst: Endpoint,
) => void;

interface Segment {
  readonly seq: number;
  readonly data: Uint8Array;
}

interface Direction {
  nextSeq: number;
  readonly framer: StreamFramer;
  readonly pending: Segment[];
  held: number;
  gapSince: number;
  lastSeen: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;

/** Signed distance a - b in sequence space. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

function addressKey(bytes: Uint8Array, offset: number, version: 4 | 6): string {
  if (version === 4) {
    return String(
      (((bytes[offset] ?? 0) << 24) |
        ((bytes[offset + 1] ?? 0) << 16) |
        ((bytes[offset + 2] ?? 0) << 8) |
        (bytes[offset + 3] ?? 0)) >>>
        0,
    );
  }
  let key = '';
  for (let i = 0; i < 16; i += 4) {
    key +=
      (
        (((bytes[offset + i] ?? 0) << 24) |
          ((bytes[offset + i + 1] ?? 0) << 16) |
          ((bytes[offset + i + 2] ?? 0) << 8) |
          (bytes[offset + i + 3] ?? 0)) >>>
        0
      ).toString(36) + '.';
  }
  return key;
}

/** Reassembles TCP directions and frames their messages. */
export class TcpReassembler {
  private readonly directions = new Map<string, Direction>();
  private readonly limits: TcpLimits;
  /** Bytes skipped: unfilled gaps and bytes the framers could not use. */
  skippedBytes = 0;
  /** Segments with a malformed header. */
  malformed = 0;
  /** Bytes held over all directions, kept up to date on every change. */
  private heldTotal = 0;

  constructor(limits: TcpLimits = DEFAULT_TCP_LIMITS) {
    this.limits = limits;
  }

  /** Directions tracked now. */
  get tracked(): number {
    return this.directions.size;
  }

  /** Bytes held now, out of order and in framers, over all directions. */
  get bytesHeld(): number {
    return this.heldTotal;
  }

  /**
   * Handles one TCP segment (`ip` describes the whole segment, payload at
   * the TCP header) at capture time `now`. Returns true when the segment
   * carried payload bytes.
   */
  add(ip: IpPacket, now: number, sink: TcpMessageSink): boolean {
    const data = ip.payload;
    const start = ip.payloadStart;
    const end = ip.payloadEnd;
    // RFC 9293 section 3.1: ports, sequence number, data offset in words, flags.
    if (end - start < 20) {
      this.malformed++;
      return false;
    }
    const headerLength = ((data[start + 12] ?? 0) >> 4) * 4;
    if (headerLength < 20 || start + headerLength > end) {
      this.malformed++;
      return false;
    }
    const flags = data[start + 13] ?? 0;
    const payloadLength = end - start - headerLength;
    const key = this.keyOf(ip, start);
    let direction = this.directions.get(key);
    if (direction && flags & SYN) {
      this.forget(key, direction);
      direction = undefined;
    }
    if (!direction) {
      if (payloadLength === 0 && !(flags & SYN)) return false;
      direction = this.create(ip, start, now);
      this.directions.set(key, direction);
    } else {
      // Move to the end of the map: iteration order is least recently active first.
      this.directions.delete(key);
      this.directions.set(key, direction);
    }
    direction.lastSeen = now;
    const seq =
      ((data[start + 4] ?? 0) << 24) |
      ((data[start + 5] ?? 0) << 16) |
      ((data[start + 6] ?? 0) << 8) |
      (data[start + 7] ?? 0) |
      0;
    if (flags & SYN) direction.nextSeq = (seq + 1) | 0;
    else if (Number.isNaN(direction.nextSeq)) direction.nextSeq = seq; // joined mid-stream
    if (payloadLength > 0) {
      const payloadSeq = flags & SYN ? (seq + 1) | 0 : seq;
      this.segment(direction, payloadSeq, data.subarray(start + headerLength, end), now, sink);
    }
    if (flags & RST || (flags & FIN && direction.pending.length === 0)) this.forget(key, direction);
    this.enforceLimits(key);
    return payloadLength > 0;
  }

  /** Skips gaps that waited too long and forgets idle directions, at capture time `now`. */
  expire(now: number, sink: TcpMessageSink): void {
    const idleBefore = now - this.limits.idleTimeoutSeconds;
    for (const [key, d] of this.directions) {
      if (d.lastSeen >= idleBefore) break;
      this.forget(key, d);
    }
    for (const d of this.directions.values()) {
      if (d.pending.length > 0 && now - d.gapSince > this.limits.gapTimeoutSeconds)
        this.skipGap(d, now, sink);
    }
  }

  private keyOf(ip: IpPacket, tcp: number): string {
    const d = ip.payload;
    const sport = ((d[tcp] ?? 0) << 8) | (d[tcp + 1] ?? 0);
    const dport = ((d[tcp + 2] ?? 0) << 8) | (d[tcp + 3] ?? 0);
    return `${addressKey(ip.addressBytes, ip.srcOffset, ip.version)}:${sport}>${addressKey(ip.addressBytes, ip.dstOffset, ip.version)}:${dport}`;
  }

  private create(ip: IpPacket, tcp: number, now: number): Direction {
    const d = ip.payload;
    return {
      nextSeq: Number.NaN,
      framer: new StreamFramer(this.limits.framer),
      pending: [],
      held: 0,
      gapSince: now,
      lastSeen: now,
      src: {
        ip: formatAddress(ip.addressBytes, ip.srcOffset, ip.version),
        port: ((d[tcp] ?? 0) << 8) | (d[tcp + 1] ?? 0),
      },
      dst: {
        ip: formatAddress(ip.addressBytes, ip.dstOffset, ip.version),
        port: ((d[tcp + 2] ?? 0) << 8) | (d[tcp + 3] ?? 0),
      },
    };
  }

  private deliver(d: Direction, bytes: Uint8Array, sink: TcpMessageSink): void {
    d.nextSeq = (d.nextSeq + bytes.length) | 0;
    const skipped = d.framer.skipped;
    const buffered = d.framer.buffered;
    d.framer.push(bytes, (message, transport) => sink(message, transport, d.src, d.dst));
    this.skippedBytes += d.framer.skipped - skipped;
    this.heldTotal += d.framer.buffered - buffered;
  }

  private segment(
    d: Direction,
    seq: number,
    bytes: Uint8Array,
    now: number,
    sink: TcpMessageSink,
  ): void {
    const diff = seqDiff(seq, d.nextSeq);
    if (diff <= 0) {
      // In order, or a retransmission overlapping what was delivered: deliver only the new tail.
      if (-diff >= bytes.length) return;
      this.deliver(d, diff === 0 ? bytes : bytes.subarray(-diff), sink);
      this.drain(d, sink);
      return;
    }
    // Out of order: hold a copy until the gap fills.
    if (d.pending.length === 0) d.gapSince = now;
    let i = d.pending.length;
    while (i > 0 && seqDiff(d.pending[i - 1]?.seq ?? seq, seq) > 0) i--;
    const previous = d.pending[i - 1];
    if (previous && previous.seq === seq && previous.data.length >= bytes.length) return;
    d.pending.splice(i, 0, { seq, data: bytes.slice() });
    d.held += bytes.length;
    this.heldTotal += bytes.length;
    while (d.held > this.limits.maxBufferedPerDirection && d.pending.length > 0)
      this.skipGap(d, now, sink);
  }

  /** Delivers held segments that now follow on. */
  private drain(d: Direction, sink: TcpMessageSink): void {
    while (d.pending.length > 0) {
      const head = d.pending[0];
      if (!head) return;
      const diff = seqDiff(head.seq, d.nextSeq);
      if (diff > 0) return;
      d.pending.shift();
      d.held -= head.data.length;
      this.heldTotal -= head.data.length;
      if (-diff < head.data.length) this.deliver(d, head.data.subarray(-diff), sink);
    }
  }

  /** Gives up on the missing bytes before the first held segment. */
  private skipGap(d: Direction, now: number, sink: TcpMessageSink): void {
    const head = d.pending[0];
    if (!head) return;
    this.skippedBytes += Math.max(0, seqDiff(head.seq, d.nextSeq));
    this.heldTotal -= d.framer.buffered;
    d.framer.gap();
    d.nextSeq = head.seq;
    this.drain(d, sink);
    d.gapSince = now;
  }

  /** Forgets the least recently active directions while over the count or byte limits. */
  private enforceLimits(current: string): void {
    const { maxDirections, maxBufferedTotal } = this.limits;
    if (this.directions.size <= maxDirections && this.heldTotal <= maxBufferedTotal) return;
    for (const [key, d] of this.directions) {
      if (this.directions.size <= maxDirections && this.heldTotal <= maxBufferedTotal) return;
      if (key !== current) this.forget(key, d);
    }
    // The current direction alone is over the byte limit.
    const d = this.directions.get(current);
    if (d && this.heldTotal > maxBufferedTotal) this.forget(current, d);
  }

  private forget(key: string, d: Direction): void {
    if (this.directions.get(key) !== d) return;
    this.skippedBytes += d.held;
    this.heldTotal -= d.held + d.framer.buffered;
    this.directions.delete(key);
  }
}
