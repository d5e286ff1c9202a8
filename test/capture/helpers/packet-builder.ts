/**
 * Builders of crafted packets for the capture tests: link layers, IPv4 and
 * IPv6 (with extension headers and fragments), UDP, TCP, GRE/ERSPAN, and
 * SIP messages. Checksums are left zero except the IPv4 header checksum:
 * the reader does not check them and tshark does not by default.
 */

const encoder = new TextEncoder();

/** The element at `index` (negative counts from the end); throws when there is none. */
export function at<T>(list: { at(index: number): T | undefined }, index: number): T {
  const value = list.at(index);
  if (value === undefined) throw new RangeError(`no element at index ${index}`);
  return value;
}

/** Concatenates byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u16(v: number): Uint8Array {
  return Uint8Array.of((v >> 8) & 0xff, v & 0xff);
}

function u32(v: number): Uint8Array {
  return Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** Parses a dotted IPv4 or a full/compressed IPv6 address to bytes. */
export function addressBytes(ip: string): Uint8Array {
  if (ip.includes('.')) return Uint8Array.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const words = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return concat(...words.map((w) => u16(parseInt(w, 16))));
}

export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;

/** Ethernet II with optional VLAN tags (outer first; 0x88a8 for an outer S-tag when `qinq`). */
export function ethernet(
  etherType: number,
  payload: Uint8Array,
  vlans: readonly number[] = [],
  qinq = false,
): Uint8Array {
  const tags = vlans.map((vid, i) =>
    concat(u16(qinq && i === 0 && vlans.length > 1 ? 0x88a8 : 0x8100), u16(vid)),
  );
  return concat(
    Uint8Array.of(0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb),
    ...tags,
    u16(etherType),
    payload,
  );
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL 113): 16-byte header. */
export function sll(protocol: number, payload: Uint8Array): Uint8Array {
  return concat(
    u16(0),
    u16(1),
    u16(6),
    Uint8Array.of(1, 2, 3, 4, 5, 6, 0, 0),
    u16(protocol),
    payload,
  );
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 276): 20-byte header. */
export function sll2(protocol: number, payload: Uint8Array): Uint8Array {
  return concat(
    u16(protocol),
    u16(0),
    u32(2),
    u16(1),
    Uint8Array.of(0, 6),
    Uint8Array.of(1, 2, 3, 4, 5, 6, 0, 0),
    payload,
  );
}

/** BSD loopback (LINKTYPE_NULL 0): address family in the writer's byte order. */
export function nullLoopback(
  family: number,
  payload: Uint8Array,
  littleEndian: boolean,
): Uint8Array {
  const f = new Uint8Array(4);
  new DataView(f.buffer).setUint32(0, family, littleEndian);
  return concat(f, payload);
}

/** OpenBSD loopback (LINKTYPE_LOOP 108): address family big-endian. */
export function loop(family: number, payload: Uint8Array): Uint8Array {
  return concat(u32(family), payload);
}

/** IPv4 header fields. */
export interface Ipv4Fields {
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  readonly id?: number;
  /** Fragment offset in bytes (multiple of 8). */
  readonly fragmentOffset?: number;
  readonly moreFragments?: boolean;
}

/** IPv4 packet (RFC 791) with a correct header checksum. */
export function ipv4(fields: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(20);
  h[0] = 0x45;
  const total = 20 + payload.length;
  h.set(u16(total), 2);
  h.set(u16(fields.id ?? 1), 4);
  h.set(u16(((fields.moreFragments ? 1 : 0) << 13) | ((fields.fragmentOffset ?? 0) / 8)), 6);
  h[8] = 64;
  h[9] = fields.protocol;
  h.set(addressBytes(fields.src), 12);
  h.set(addressBytes(fields.dst), 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (at(h, i) << 8) | at(h, i + 1);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  h.set(u16(~sum & 0xffff), 10);
  return concat(h, payload);
}

/** An IPv6 extension header: its type and body (padded to 8-byte units). */
export interface Ipv6Extension {
  readonly type: number;
  readonly body?: Uint8Array;
}

/** IPv6 packet (RFC 8200) with a chain of extension headers before `protocol`. */
export function ipv6(
  src: string,
  dst: string,
  protocol: number,
  payload: Uint8Array,
  extensions: readonly Ipv6Extension[] = [],
): Uint8Array {
  const chain: Uint8Array[] = [];
  for (let i = 0; i < extensions.length; i++) {
    const ext = at(extensions, i);
    const next = extensions[i + 1]?.type ?? protocol;
    const bodyLength = Math.max(6, ext.body?.length ?? 6);
    const total = Math.ceil((bodyLength + 2) / 8) * 8;
    const e = new Uint8Array(total);
    e[0] = next;
    e[1] = total / 8 - 1;
    if (ext.body) e.set(ext.body, 2);
    chain.push(e);
  }
  const rest = concat(...chain, payload);
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h.set(u16(rest.length), 4);
  h[6] = extensions[0]?.type ?? protocol;
  h[7] = 64;
  h.set(addressBytes(src), 8);
  h.set(addressBytes(dst), 24);
  return concat(h, rest);
}

/** Splits an IPv4 datagram's payload into fragments of at most `size` bytes (multiple of 8). */
export function ipv4Fragments(fields: Ipv4Fields, payload: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const part = payload.subarray(at, Math.min(payload.length, at + size));
    out.push(
      ipv4({ ...fields, fragmentOffset: at, moreFragments: at + size < payload.length }, part),
    );
  }
  return out;
}

/** Splits an IPv6 datagram into fragments (RFC 8200 section 4.5), each carrying a Fragment header. */
export function ipv6Fragments(
  src: string,
  dst: string,
  protocol: number,
  payload: Uint8Array,
  size: number,
  id: number,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const part = payload.subarray(at, Math.min(payload.length, at + size));
    const more = at + size < payload.length;
    const frag = concat(Uint8Array.of(protocol, 0), u16(at | (more ? 1 : 0)), u32(id));
    const h = new Uint8Array(40);
    h[0] = 0x60;
    h.set(u16(8 + part.length), 4);
    h[6] = 44;
    h[7] = 64;
    h.set(addressBytes(src), 8);
    h.set(addressBytes(dst), 24);
    out.push(concat(h, frag, part));
  }
  return out;
}

/** UDP datagram (RFC 768), checksum 0. */
export function udp(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  return concat(u16(srcPort), u16(dstPort), u16(8 + payload.length), u16(0), payload);
}

/** TCP flags. */
export const TCP = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

/** TCP segment (RFC 9293), 20-byte header, checksum 0. */
export function tcp(
  srcPort: number,
  dstPort: number,
  seq: number,
  ack: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  return concat(
    u16(srcPort),
    u16(dstPort),
    u32(seq),
    u32(ack),
    Uint8Array.of(0x50, flags),
    u16(65535),
    u16(0),
    u16(0),
    payload,
  );
}

/** GRE (RFC 2784/2890) with optional key and sequence number. */
export function gre(
  protocol: number,
  payload: Uint8Array,
  options: { key?: number; sequence?: number } = {},
): Uint8Array {
  let flags = 0;
  const fields: Uint8Array[] = [];
  if (options.key !== undefined) {
    flags |= 0x2000;
    fields.push(u32(options.key));
  }
  if (options.sequence !== undefined) {
    flags |= 0x1000;
    fields.push(u32(options.sequence));
  }
  return concat(u16(flags), u16(protocol), ...fields, payload);
}

/** ERSPAN type II header (8 bytes) before a mirrored Ethernet frame. */
export function erspanII(frame: Uint8Array, session = 1): Uint8Array {
  return concat(u16(0x1000), u16(session & 0x3ff), u32(0), frame);
}

/** ERSPAN type III header (12 bytes, plus 8 with the O flag) before a mirrored frame. */
export function erspanIII(frame: Uint8Array, withSubheader: boolean): Uint8Array {
  const h = new Uint8Array(12);
  h[0] = 0x20;
  h[11] = withSubheader ? 0x01 : 0x00;
  return concat(h, withSubheader ? new Uint8Array(8) : new Uint8Array(0), frame);
}

/** A branch token derived from a Call-ID (RFC 3261 section 25.1 token characters only). */
function branchOf(callId: string): string {
  return callId.replace(/[^A-Za-z0-9.!%*_+`'~-]/g, '.');
}

/** A SIP request with the headers tshark needs to list it, and an optional body. */
export function sipRequest(method: string, callId: string, cseq = 1, body = ''): Uint8Array {
  return encoder.encode(
    `${method} sip:bob@example.com SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-${branchOf(callId)}-${cseq}\r\n` +
      `Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n` +
      `Call-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContent-Length: ${encoder.encode(body).length}\r\n\r\n${body}`,
  );
}

/** A SIP response to `method`. */
export function sipResponse(
  status: number,
  method: string,
  callId: string,
  cseq = 1,
  body = '',
): Uint8Array {
  return encoder.encode(
    `SIP/2.0 ${status} Whatever\r\n` +
      `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-${branchOf(callId)}-${cseq}\r\n` +
      `From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n` +
      `Call-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContent-Length: ${encoder.encode(body).length}\r\n\r\n${body}`,
  );
}
