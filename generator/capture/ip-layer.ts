/**
 * IPv4 (RFC 791 section 3.1) and IPv6 (RFC 8200 sections 3 and 4) header
 * decoding, down to the upper-layer protocol and its payload, noting
 * fragments for reassembly. Addresses stay as offsets into the frame; they
 * are formatted only when a message is found.
 */

/** IP protocol numbers used here (IANA "Assigned Internet Protocol Numbers"). */
export const IP_PROTOCOL = {
  hopByHop: 0,
  tcp: 6,
  udp: 17,
  routing: 43,
  fragment: 44,
  gre: 47,
  esp: 50,
  ah: 51,
  noNext: 59,
  destinationOptions: 60,
  mobility: 135,
  hip: 139,
  shim6: 140,
} as const;

/** The decoded network layer of one packet; one object is reused per reader. */
export interface IpPacket {
  version: 4 | 6;
  /** Buffer holding the addresses, and their offsets in it (4 or 16 bytes each). */
  addressBytes: Uint8Array;
  srcOffset: number;
  dstOffset: number;
  /** Upper-layer protocol (for a fragment: of the whole datagram). */
  protocol: number;
  /** Buffer and bounds of the upper-layer payload (for a fragment: of this fragment's data). */
  payload: Uint8Array;
  payloadStart: number;
  payloadEnd: number;
  /** Fragment fields: offset in bytes, more-fragments flag, identification. */
  fragment: boolean;
  fragmentOffset: number;
  moreFragments: boolean;
  fragmentId: number;
}

/** New reusable packet object. */
export function newIpPacket(): IpPacket {
  const empty = new Uint8Array(0);
  return {
    version: 4,
    addressBytes: empty,
    srcOffset: 0,
    dstOffset: 0,
    protocol: 0,
    payload: empty,
    payloadStart: 0,
    payloadEnd: 0,
    fragment: false,
    fragmentOffset: 0,
    moreFragments: false,
    fragmentId: 0,
  };
}

/** Result of decoding an IP header. */
/**
 * `ok`: decoded. `truncated`: decoded, but the payload was cut short by the
 * capture. `cut`: the capture ends inside the headers, nothing is usable.
 * `malformed`: the headers are invalid. `opaque`: encrypted (ESP) or no
 * upper layer.
 */
export const IP_OUTCOME = { ok: 0, malformed: 1, truncated: 2, opaque: 3, cut: 4 } as const;
/** One of IP_OUTCOME's values. */
export type IpOutcome = (typeof IP_OUTCOME)[keyof typeof IP_OUTCOME];

/**
 * IPv4, RFC 791 section 3.1: IHL in 32-bit words (at least 5), Total Length
 * bounds the datagram (anything after it is link padding), flags MF (0x2000)
 * and Fragment Offset in 8-byte units.
 */
export function decodeIpv4(data: Uint8Array, start: number, end: number, out: IpPacket): IpOutcome {
  if (end - start < 20) return IP_OUTCOME.cut;
  const ihl = ((data[start] ?? 0) & 0x0f) * 4;
  if ((data[start] ?? 0) >> 4 !== 4 || ihl < 20) return IP_OUTCOME.malformed;
  const totalLength = ((data[start + 2] ?? 0) << 8) | (data[start + 3] ?? 0);
  if (totalLength < ihl) return IP_OUTCOME.malformed;
  let outcome: IpOutcome = IP_OUTCOME.ok;
  let datagramEnd = start + totalLength;
  if (datagramEnd > end) {
    datagramEnd = end; // cut short by the snap length
    outcome = IP_OUTCOME.truncated;
  }
  if (start + ihl > datagramEnd) return IP_OUTCOME.cut;
  const flagsOffset = ((data[start + 6] ?? 0) << 8) | (data[start + 7] ?? 0);
  out.version = 4;
  out.addressBytes = data;
  out.srcOffset = start + 12;
  out.dstOffset = start + 16;
  out.protocol = data[start + 9] ?? 0;
  out.payload = data;
  out.payloadStart = start + ihl;
  out.payloadEnd = datagramEnd;
  out.moreFragments = (flagsOffset & 0x2000) !== 0;
  out.fragmentOffset = (flagsOffset & 0x1fff) * 8;
  out.fragment = out.moreFragments || out.fragmentOffset !== 0;
  out.fragmentId = ((data[start + 4] ?? 0) << 8) | (data[start + 5] ?? 0);
  return outcome;
}

/** True for the IPv6 extension headers walked with the generic (Next Header, Hdr Ext Len) layout. */
function isGenericExtension(next: number): boolean {
  return (
    next === IP_PROTOCOL.hopByHop ||
    next === IP_PROTOCOL.routing ||
    next === IP_PROTOCOL.destinationOptions ||
    next === IP_PROTOCOL.mobility ||
    next === IP_PROTOCOL.hip ||
    next === IP_PROTOCOL.shim6
  );
}

/**
 * Walks IPv6 extension headers from `next` at `p` (RFC 8200 section 4):
 * generic ones are (Hdr Ext Len + 1) * 8 bytes, AH (RFC 4302) is
 * (Payload Len + 2) * 4, the Fragment header (section 4.5) is 8 bytes and
 * ends the walk with the fragment fields set. ESP and No Next Header end it
 * as opaque. Sets `out.protocol` and `out.payloadStart`.
 */
export function walkIpv6Extensions(
  data: Uint8Array,
  next: number,
  p: number,
  end: number,
  out: IpPacket,
): IpOutcome {
  for (let guard = 0; guard < 32; guard++) {
    if (isGenericExtension(next) || next === IP_PROTOCOL.ah) {
      if (end - p < 8) return IP_OUTCOME.cut;
      const length =
        next === IP_PROTOCOL.ah ? ((data[p + 1] ?? 0) + 2) * 4 : ((data[p + 1] ?? 0) + 1) * 8;
      next = data[p] ?? 0;
      p += length;
      continue;
    }
    if (next === IP_PROTOCOL.fragment) {
      if (end - p < 8) return IP_OUTCOME.cut;
      const offsetFlags = ((data[p + 2] ?? 0) << 8) | (data[p + 3] ?? 0);
      out.fragment = true;
      out.fragmentOffset = offsetFlags & 0xfff8; // 13-bit offset in 8-byte units, already scaled
      out.moreFragments = (offsetFlags & 0x0001) !== 0;
      out.fragmentId =
        (((data[p + 4] ?? 0) << 24) |
          ((data[p + 5] ?? 0) << 16) |
          ((data[p + 6] ?? 0) << 8) |
          (data[p + 7] ?? 0)) >>>
        0;
      out.protocol = data[p] ?? 0;
      out.payloadStart = p + 8;
      // An atomic fragment (offset 0, M = 0, RFC 6946) is a whole datagram.
      if (out.fragmentOffset === 0 && !out.moreFragments) {
        out.fragment = false;
        next = data[p] ?? 0;
        p += 8;
        continue;
      }
      return IP_OUTCOME.ok;
    }
    if (next === IP_PROTOCOL.esp || next === IP_PROTOCOL.noNext) return IP_OUTCOME.opaque;
    out.protocol = next;
    out.payloadStart = p;
    return p <= end ? IP_OUTCOME.ok : IP_OUTCOME.cut;
  }
  return IP_OUTCOME.malformed;
}

/** IPv6, RFC 8200 section 3: 40-byte header, Payload Length, Next Header chain. */
export function decodeIpv6(data: Uint8Array, start: number, end: number, out: IpPacket): IpOutcome {
  if (end - start < 40) return IP_OUTCOME.cut;
  if ((data[start] ?? 0) >> 4 !== 6) return IP_OUTCOME.malformed;
  const payloadLength = ((data[start + 4] ?? 0) << 8) | (data[start + 5] ?? 0);
  let outcome: IpOutcome = IP_OUTCOME.ok;
  // Payload Length 0 with a Jumbo option (RFC 2675): take what was captured.
  let datagramEnd = payloadLength === 0 ? end : start + 40 + payloadLength;
  if (datagramEnd > end) {
    datagramEnd = end;
    outcome = IP_OUTCOME.truncated;
  }
  out.version = 6;
  out.addressBytes = data;
  out.srcOffset = start + 8;
  out.dstOffset = start + 24;
  out.payload = data;
  out.payloadEnd = datagramEnd;
  out.fragment = false;
  out.fragmentOffset = 0;
  out.moreFragments = false;
  out.fragmentId = 0;
  const walked = walkIpv6Extensions(data, data[start + 6] ?? 0, start + 40, datagramEnd, out);
  return walked === IP_OUTCOME.ok ? outcome : walked;
}

/** IPv4 addresses formatted so far, by their 32 bits: a capture shows a few addresses many times. */
const ipv4Text = new Map<number, string>();
/** Addresses kept in {@link ipv4Text} at most (it starts over beyond). */
const MAX_IPV4_TEXT = 1 << 16;

/** The text of the IPv4 address whose 32 bits are `key` (unsigned). */
function ipv4Address(key: number): string {
  let text = ipv4Text.get(key);
  if (text === undefined) {
    // Joined: one flat string, shared by every packet of the address.
    text = [key >>> 24, (key >>> 16) & 255, (key >>> 8) & 255, key & 255].join('.');
    if (ipv4Text.size >= MAX_IPV4_TEXT) ipv4Text.clear();
    ipv4Text.set(key, text);
  }
  return text;
}

/**
 * An address as a number when it is an IPv4 address (its 32 bits, unsigned), else its text:
 * a number needs no text made nor looked up (`FoundMessage`); see {@link addressText}.
 */
export function addressOf(bytes: Uint8Array, offset: number, version: 4 | 6): number | string {
  return version === 4 ? ipv4Key(bytes, offset) : formatAddress(bytes, offset, version);
}

/** The 32 bits of the IPv4 address at `offset`, unsigned. */
function ipv4Key(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] ?? 0) << 24) |
      ((bytes[offset + 1] ?? 0) << 16) |
      ((bytes[offset + 2] ?? 0) << 8) |
      (bytes[offset + 3] ?? 0)) >>>
    0
  );
}

/** The text of an address given by {@link addressOf}. */
export function addressText(address: number | string): string {
  return typeof address === 'number' ? ipv4Address(address) : address;
}

/** Formats an IPv4 or IPv6 address from bytes (IPv6 in RFC 5952 canonical form). */
export function formatAddress(bytes: Uint8Array, offset: number, version: 4 | 6): string {
  if (version === 4) return ipv4Address(ipv4Key(bytes, offset));
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2)
    words.push(((bytes[offset + i] ?? 0) << 8) | (bytes[offset + i + 1] ?? 0));
  // RFC 5952 section 4.2: the longest run (first if tied) of two or more zero words becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
