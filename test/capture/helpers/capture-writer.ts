/**
 * A small pcap and pcapng writer for crafted test captures
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng): both byte orders,
 * micro and nano pcap, several pcapng sections and interfaces with their
 * own link types and `if_tsresol`, EPB, SPB, the obsolete Packet Block and
 * unknown blocks.
 */

/** A packet to write: its time in seconds and nanoseconds, and its bytes. */
export interface CraftedPacket {
  readonly sec: number;
  readonly nsec: number;
  readonly data: Uint8Array;
  /** Length on the wire; defaults to the data length. */
  readonly originalLength?: number;
}

class ByteBuilder {
  private chunks: Uint8Array[] = [];
  length = 0;
  constructor(readonly little: boolean) {}
  u8(v: number): this {
    return this.raw(Uint8Array.of(v & 0xff));
  }
  u16(v: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, this.little);
    return this.raw(b);
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, this.little);
    return this.raw(b);
  }
  i64(v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, v, this.little);
    return this.raw(b);
  }
  raw(b: Uint8Array): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }
  pad4(): this {
    while (this.length % 4 !== 0) this.u8(0);
    return this;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}

/** Options of a classic pcap file. */
export interface PcapOptions {
  readonly linkType: number;
  readonly littleEndian?: boolean;
  readonly nanosecond?: boolean;
  readonly snapLength?: number;
}

/** Writes a classic pcap file. */
export function writePcap(options: PcapOptions, packets: readonly CraftedPacket[]): Uint8Array {
  const b = new ByteBuilder(options.littleEndian ?? true);
  b.u32(options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0);
  b.u32(options.snapLength ?? 262144).u32(options.linkType);
  for (const p of packets) {
    const fraction = options.nanosecond ? p.nsec : Math.floor(p.nsec / 1000);
    b.u32(p.sec)
      .u32(fraction)
      .u32(p.data.length)
      .u32(p.originalLength ?? p.data.length);
    b.raw(p.data);
  }
  return b.bytes();
}

/** One pcapng interface. `tsresol` is the raw if_tsresol byte (default 6: microseconds). */
export interface CraftedInterface {
  readonly linkType: number;
  readonly tsresol?: number;
  readonly tsoffset?: number;
  readonly snapLength?: number;
}

/** One pcapng packet-bearing or other block. */
export type CraftedBlock =
  | { readonly kind: 'epb'; readonly interfaceId: number; readonly packet: CraftedPacket }
  | { readonly kind: 'opb'; readonly interfaceId: number; readonly packet: CraftedPacket }
  | { readonly kind: 'spb'; readonly packet: CraftedPacket }
  | { readonly kind: 'other'; readonly type: number; readonly body: Uint8Array };

/** One pcapng section: its byte order, interfaces and blocks. */
export interface CraftedSection {
  readonly littleEndian?: boolean;
  readonly interfaces: readonly CraftedInterface[];
  readonly blocks: readonly CraftedBlock[];
}

/** Units per second of an if_tsresol byte (draft-ietf-opsawg-pcapng section 4.2). */
export function unitsPerSecond(tsresol: number): bigint {
  return tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
}

function block(little: boolean, type: number, body: ByteBuilder): Uint8Array {
  body.pad4();
  const total = body.length + 12;
  return new ByteBuilder(little).u32(type).u32(total).raw(body.bytes()).u32(total).bytes();
}

function timestamp(packet: CraftedPacket, iface: CraftedInterface): [number, number] {
  const units = unitsPerSecond(iface.tsresol ?? 6);
  const seconds = BigInt(packet.sec - (iface.tsoffset ?? 0));
  const count = seconds * units + (BigInt(packet.nsec) * units) / 1_000_000_000n;
  return [Number(count >> 32n), Number(count & 0xffffffffn)];
}

/** Writes a pcapng file of one or more sections. */
export function writePcapng(sections: readonly CraftedSection[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const section of sections) {
    const little = section.littleEndian ?? true;
    const shb = new ByteBuilder(little).u32(0x1a2b3c4d).u16(1).u16(0).i64(-1n);
    parts.push(block(little, 0x0a0d0d0a, shb));
    for (const iface of section.interfaces) {
      const idb = new ByteBuilder(little)
        .u16(iface.linkType)
        .u16(0)
        .u32(iface.snapLength ?? 0);
      if (iface.tsresol !== undefined) idb.u16(9).u16(1).u8(iface.tsresol).pad4();
      if (iface.tsoffset !== undefined) idb.u16(14).u16(8).i64(BigInt(iface.tsoffset));
      if (iface.tsresol !== undefined || iface.tsoffset !== undefined) idb.u16(0).u16(0);
      parts.push(block(little, 1, idb));
    }
    for (const b of section.blocks) {
      const body = new ByteBuilder(little);
      if (b.kind === 'other') {
        parts.push(block(little, b.type, body.raw(b.body)));
        continue;
      }
      const p = b.packet;
      if (b.kind === 'spb') {
        parts.push(block(little, 3, body.u32(p.originalLength ?? p.data.length).raw(p.data)));
        continue;
      }
      const iface = section.interfaces[b.interfaceId];
      if (!iface) throw new RangeError(`no interface ${b.interfaceId} in the crafted section`);
      const [high, low] = timestamp(p, iface);
      if (b.kind === 'epb') body.u32(b.interfaceId);
      else body.u16(b.interfaceId).u16(0);
      body
        .u32(high)
        .u32(low)
        .u32(p.data.length)
        .u32(p.originalLength ?? p.data.length)
        .raw(p.data);
      parts.push(block(little, b.kind === 'epb' ? 6 : 2, body));
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
