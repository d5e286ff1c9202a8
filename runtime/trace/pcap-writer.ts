/**
 * Writes traces as classic pcap files (libpcap format, nanosecond magic
 * a1b23c4d, LINKTYPE_RAW 101: IPv4 or IPv6 packets without a link layer),
 * so every message a role sends or receives can be opened in Wireshark and
 * checked with `flowspec diff`. UDP datagrams go out as one packet each;
 * TCP payloads as segments of a connection with running sequence numbers.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

/** One end of a packet. */
export interface PcapEndpoint {
  readonly address: string;
  readonly port: number;
}

/** A packet to write. */
export interface PcapPacket {
  /** Time in nanoseconds since the Unix epoch. */
  readonly timeNs: bigint;
  readonly transport: 'udp' | 'tcp';
  readonly src: PcapEndpoint;
  readonly dst: PcapEndpoint;
  readonly payload: Uint8Array;
}

/** An address the writer cannot encode. */
export class PcapAddressError extends Error {
  constructor(readonly address: string) {
    super(`not an IPv4 or IPv6 address: ${JSON.stringify(address)}`);
    this.name = 'PcapAddressError';
  }
}

const MAGIC_NS = 0xa1b23c4d;
const LINKTYPE_RAW = 101;

function ipv4Bytes(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

function ipv6Bytes(a: string): Buffer {
  const [head = '', tail = ''] = a.includes('::') ? a.split('::') : [a, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

/** RFC 1071 checksum over a buffer, with an initial sum. */
function checksum(buf: Buffer, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2 === 1) sum += (buf[buf.length - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Builds pcap bytes packet by packet; {@link PcapFileWriter} streams them to a file. */
export class PcapEncoder {
  private ident = 0;
  private readonly tcpSeq = new Map<string, number>();

  /** The 24-byte global header. */
  header(): Buffer {
    const g = Buffer.alloc(24);
    g.writeUInt32LE(MAGIC_NS, 0);
    g.writeUInt16LE(2, 4);
    g.writeUInt16LE(4, 6);
    g.writeUInt32LE(262144, 16);
    g.writeUInt32LE(LINKTYPE_RAW, 20);
    return g;
  }

  /** One record: record header plus the IP packet. */
  record(p: PcapPacket): Buffer {
    const ip = this.ipPacket(p);
    const head = Buffer.alloc(16);
    const sec = p.timeNs / 1_000_000_000n;
    head.writeUInt32LE(Number(sec), 0);
    head.writeUInt32LE(Number(p.timeNs - sec * 1_000_000_000n), 4);
    head.writeUInt32LE(ip.length, 8);
    head.writeUInt32LE(ip.length, 12);
    return Buffer.concat([head, ip]);
  }

  private transportHeader(p: PcapPacket): Buffer {
    if (p.transport === 'udp') {
      const udp = Buffer.alloc(8);
      udp.writeUInt16BE(p.src.port, 0);
      udp.writeUInt16BE(p.dst.port, 2);
      udp.writeUInt16BE(8 + p.payload.length, 4);
      return udp;
    }
    // RFC 9293 3.1: a data segment with PSH|ACK; sequence numbers run per direction.
    const key = `${p.src.address}|${p.src.port}|${p.dst.address}|${p.dst.port}`;
    const back = `${p.dst.address}|${p.dst.port}|${p.src.address}|${p.src.port}`;
    const seq = this.tcpSeq.get(key) ?? 1000;
    this.tcpSeq.set(key, (seq + p.payload.length) >>> 0);
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(p.src.port, 0);
    tcp.writeUInt16BE(p.dst.port, 2);
    tcp.writeUInt32BE(seq >>> 0, 4);
    tcp.writeUInt32BE((this.tcpSeq.get(back) ?? 1000) >>> 0, 8);
    tcp.writeUInt8(5 << 4, 12);
    tcp.writeUInt8(0x18, 13);
    tcp.writeUInt16BE(65535, 14);
    return tcp;
  }

  private ipPacket(p: PcapPacket): Buffer {
    const proto = p.transport === 'udp' ? 17 : 6;
    const th = this.transportHeader(p);
    const payload = Buffer.from(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength);
    const segment = Buffer.concat([th, payload]);
    if (isIPv4(p.src.address) && isIPv4(p.dst.address)) {
      const ip = Buffer.alloc(20);
      ip.writeUInt8(0x45, 0);
      ip.writeUInt16BE(20 + segment.length, 2);
      ip.writeUInt16BE(this.ident++ & 0xffff, 4);
      ip.writeUInt8(64, 8);
      ip.writeUInt8(proto, 9);
      ipv4Bytes(p.src.address).copy(ip, 12);
      ipv4Bytes(p.dst.address).copy(ip, 16);
      ip.writeUInt16BE(checksum(ip), 10);
      this.fillChecksum(segment, proto, ip.subarray(12, 16), ip.subarray(16, 20));
      return Buffer.concat([ip, segment]);
    }
    if (isIPv6(p.src.address) && isIPv6(p.dst.address)) {
      const ip = Buffer.alloc(40);
      ip.writeUInt32BE(0x60000000, 0);
      ip.writeUInt16BE(segment.length, 4);
      ip.writeUInt8(proto, 6);
      ip.writeUInt8(64, 7);
      ipv6Bytes(p.src.address).copy(ip, 8);
      ipv6Bytes(p.dst.address).copy(ip, 24);
      this.fillChecksum(segment, proto, ip.subarray(8, 24), ip.subarray(24, 40));
      return Buffer.concat([ip, segment]);
    }
    throw new PcapAddressError(
      isIPv4(p.src.address) || isIPv6(p.src.address) ? p.dst.address : p.src.address,
    );
  }

  /** UDP and TCP checksums over the pseudo-header (RFC 768, RFC 9293 3.1, RFC 8200 8.1). */
  private fillChecksum(segment: Buffer, proto: number, src: Buffer, dst: Buffer): void {
    const pseudo = Buffer.concat([src, dst, Buffer.from([0, proto]), Buffer.alloc(2)]);
    pseudo.writeUInt16BE(segment.length, pseudo.length - 2);
    const at = proto === 17 ? 6 : 16;
    segment.writeUInt16BE(0, at);
    let sum = checksum(Buffer.concat([pseudo, segment]));
    if (proto === 17 && sum === 0) sum = 0xffff;
    segment.writeUInt16BE(sum, at);
  }
}

/** Streams packets into a pcap file. */
export class PcapFileWriter {
  private readonly out: WriteStream;
  private readonly encoder = new PcapEncoder();
  private count = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
    this.out.write(this.encoder.header());
  }

  /** Packets written so far. */
  get packets(): number {
    return this.count;
  }

  /** Appends one packet; resolves when the stream can take more. */
  async write(p: PcapPacket): Promise<void> {
    this.count++;
    if (!this.out.write(this.encoder.record(p))) {
      await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
    }
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}

/** The bytes of a whole pcap file holding `packets` in order. */
export function encodePcap(packets: readonly PcapPacket[]): Buffer {
  const enc = new PcapEncoder();
  return Buffer.concat([enc.header(), ...packets.map((p) => enc.record(p))]);
}
