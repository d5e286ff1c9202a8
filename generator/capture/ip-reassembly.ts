/**
 * IP fragment reassembly for IPv4 (RFC 791 section 3.2, "Fragmentation and
 * Reassembly") and IPv6 (RFC 8200 section 4.5). Buffers are bounded: one
 * datagram is at most 65535 bytes of payload, the number of datagrams in
 * progress and the bytes they hold are capped (the oldest is dropped), and
 * a datagram not completed within the timeout, measured in capture time,
 * is dropped. Fragments may arrive in any order and may repeat.
 */
import type { IpPacket } from './ip-layer.js';

/** Limits of the reassembler. */
export interface ReassemblyLimits {
  /** Seconds of capture time a datagram may take to complete (RFC 8200 section 4.5: 60). */
  readonly timeoutSeconds: number;
  /** Datagrams in progress at once. */
  readonly maxDatagrams: number;
  /** Fragment bytes held at once, over all datagrams. */
  readonly maxBytes: number;
}

/** Defaults: 60 s, 4096 datagrams, 16 MiB. */
export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  timeoutSeconds: 60,
  maxDatagrams: 4096,
  maxBytes: 16 << 20,
};

/** Largest reassembled payload: the 16-bit length fields of both versions. */
const MAX_DATAGRAM = 65535;

interface Piece {
  readonly offset: number;
  readonly data: Uint8Array;
}

interface Pending {
  readonly version: 4 | 6;
  /** Source address then destination address (4 or 16 bytes each). */
  readonly addresses: Uint8Array;
  readonly firstSeen: number;
  readonly pieces: Piece[];
  protocol: number;
  /** Payload length, known once the last fragment (MF = 0) arrived; -1 before. */
  total: number;
  held: number;
}

/** Reassembles fragmented datagrams; see the module comment for the bounds. */
export class IpReassembler {
  private readonly pending = new Map<string, Pending>();
  private heldBytes = 0;
  /** Datagrams dropped (timeout, limits, overlap or oversize). */
  dropped = 0;
  private readonly limits: ReassemblyLimits;

  constructor(limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {
    this.limits = limits;
  }

  /** Datagrams in progress. */
  get inProgress(): number {
    return this.pending.size;
  }

  /** Bytes held in fragments. */
  get bytesHeld(): number {
    return this.heldBytes;
  }

  /**
   * Adds one fragment described by `ip` (fragment fields set) at capture
   * time `now`. When it completes a datagram, rewrites `ip` to describe the
   * whole datagram (payload in a new buffer, `fragment` false) and returns
   * true; otherwise returns false.
   */
  add(ip: IpPacket, now: number): boolean {
    this.expire(now);
    const length = ip.payloadEnd - ip.payloadStart;
    const end = ip.fragmentOffset + length;
    if (end > MAX_DATAGRAM || length < 0) {
      this.dropped++;
      return false;
    }
    const key = this.keyOf(ip);
    let entry = this.pending.get(key);
    if (!entry) {
      const size = ip.version === 4 ? 4 : 16;
      const addresses = new Uint8Array(size * 2);
      addresses.set(ip.addressBytes.subarray(ip.srcOffset, ip.srcOffset + size), 0);
      addresses.set(ip.addressBytes.subarray(ip.dstOffset, ip.dstOffset + size), size);
      entry = {
        version: ip.version,
        addresses,
        firstSeen: now,
        pieces: [],
        protocol: -1,
        total: -1,
        held: 0,
      };
      this.pending.set(key, entry);
    }
    if (ip.fragmentOffset === 0 || entry.protocol < 0) entry.protocol = ip.protocol;
    if (!ip.moreFragments) entry.total = end;
    if (
      !this.insert(entry, ip.fragmentOffset, ip.payload.subarray(ip.payloadStart, ip.payloadEnd))
    ) {
      this.drop(key, entry);
      return false;
    }
    this.enforceLimits(key);
    if (!this.pending.has(key)) return false;
    const assembled = this.assemble(entry);
    if (!assembled) return false;
    this.remove(key, entry);
    const size = entry.version === 4 ? 4 : 16;
    ip.addressBytes = entry.addresses;
    ip.srcOffset = 0;
    ip.dstOffset = size;
    ip.protocol = entry.protocol;
    ip.payload = assembled;
    ip.payloadStart = 0;
    ip.payloadEnd = assembled.length;
    ip.fragment = false;
    ip.fragmentOffset = 0;
    ip.moreFragments = false;
    return true;
  }

  /** Drops every datagram older than the timeout at capture time `now`. */
  expire(now: number): void {
    const oldest = now - this.limits.timeoutSeconds;
    // Map iteration is insertion order, which is arrival order.
    for (const [key, entry] of this.pending) {
      if (entry.firstSeen >= oldest) break;
      this.drop(key, entry);
    }
  }

  private keyOf(ip: IpPacket): string {
    const bytes = ip.addressBytes;
    const size = ip.version === 4 ? 4 : 16;
    let key = `${ip.version}/${ip.fragmentId}/`;
    // RFC 791: (source, destination, protocol, identification); RFC 8200: (source, destination, identification).
    if (ip.version === 4) key += `${ip.protocol}/`;
    for (let i = 0; i < size; i++) key += (bytes[ip.srcOffset + i] ?? 0).toString(16) + '.';
    for (let i = 0; i < size; i++) key += (bytes[ip.dstOffset + i] ?? 0).toString(16) + '.';
    return key;
  }

  /**
   * Stores a fragment. An exact repeat is ignored. Any other overlap drops
   * the datagram for IPv6 (RFC 5722) and is tolerated for IPv4.
   */
  private insert(entry: Pending, offset: number, data: Uint8Array): boolean {
    const end = offset + data.length;
    for (const piece of entry.pieces) {
      const pieceEnd = piece.offset + piece.data.length;
      if (piece.offset === offset && pieceEnd === end) return true;
      if (entry.version === 6 && offset < pieceEnd && piece.offset < end) return false;
    }
    if (entry.total >= 0 && end > entry.total) return false;
    // Overlapping IPv4 repeats could otherwise grow one datagram without bound.
    if (entry.held + data.length > 2 * MAX_DATAGRAM) return false;
    entry.pieces.push({ offset, data: data.slice() });
    entry.held += data.length;
    this.heldBytes += data.length;
    return true;
  }

  private assemble(entry: Pending): Uint8Array | undefined {
    if (entry.total < 0) return undefined;
    entry.pieces.sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const piece of entry.pieces) {
      if (piece.offset > covered) return undefined;
      covered = Math.max(covered, piece.offset + piece.data.length);
    }
    if (covered < entry.total) return undefined;
    const out = new Uint8Array(entry.total);
    for (const piece of entry.pieces) out.set(piece.data, piece.offset);
    return out;
  }

  private enforceLimits(current: string): void {
    for (const [key, entry] of this.pending) {
      if (this.pending.size <= this.limits.maxDatagrams && this.heldBytes <= this.limits.maxBytes)
        return;
      if (key === current && this.pending.size === 1) {
        this.drop(key, entry);
        return;
      }
      if (key !== current) this.drop(key, entry);
    }
  }

  private remove(key: string, entry: Pending): void {
    this.pending.delete(key);
    this.heldBytes -= entry.held;
  }

  private drop(key: string, entry: Pending): void {
    this.remove(key, entry);
    this.dropped++;
  }
}
