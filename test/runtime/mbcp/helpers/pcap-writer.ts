import { writeFile } from 'node:fs/promises';

/** One UDP datagram to put in a capture. */
export interface PcapUdpRecord {
  /** Capture time in milliseconds since the Unix epoch. */
  readonly timeMs: number;
  readonly src: readonly [number, number, number, number];
  readonly dst: readonly [number, number, number, number];
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

// Classic libpcap file format: magic a1b2c3d4 (microsecond timestamps), v2.4, LINKTYPE_ETHERNET (1).
const PCAP_MAGIC = 0xa1b2c3d4;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;

/** RFC 1071 one's complement checksum of an IPv4 header. */
function ipv4Checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Ethernet II + IPv4 (RFC 791) + UDP (RFC 768, checksum 0 = none) around a payload. */
function frame(rec: PcapUdpRecord, ident: number): Buffer {
  const eth = Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(rec.srcPort, 0);
  udp.writeUInt16BE(rec.dstPort, 2);
  udp.writeUInt16BE(8 + rec.payload.length, 4);
  const ip = Buffer.alloc(20);
  ip.writeUInt8(0x45, 0);
  ip.writeUInt16BE(20 + 8 + rec.payload.length, 2);
  ip.writeUInt16BE(ident & 0xffff, 4);
  ip.writeUInt8(64, 8);
  ip.writeUInt8(17, 9);
  Buffer.from(rec.src).copy(ip, 12);
  Buffer.from(rec.dst).copy(ip, 16);
  ip.writeUInt16BE(ipv4Checksum(ip), 10);
  return Buffer.concat([eth, ip, udp, rec.payload]);
}

/** The bytes of a classic pcap file holding the datagrams in order. */
export function buildPcap(records: readonly PcapUdpRecord[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(PCAP_MAGIC, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(SNAPLEN, 16);
  global.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  const parts: Buffer[] = [global];
  records.forEach((rec, i) => {
    const data = frame(rec, i + 1);
    const head = Buffer.alloc(16);
    head.writeUInt32LE(Math.floor(rec.timeMs / 1000), 0);
    head.writeUInt32LE((rec.timeMs % 1000) * 1000, 4);
    head.writeUInt32LE(data.length, 8);
    head.writeUInt32LE(data.length, 12);
    parts.push(head, data);
  });
  return Buffer.concat(parts);
}

/** Writes {@link buildPcap} to `path`. */
export async function writePcap(path: string, records: readonly PcapUdpRecord[]): Promise<void> {
  await writeFile(path, buildPcap(records));
}
