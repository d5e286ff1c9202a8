/**
 * Link-layer decoding: from a frame of a given LINKTYPE_ to the EtherType of
 * its network-layer payload and where that payload starts. Values are the
 * LINKTYPE_ registry (draft-ietf-opsawg-pcaplinktype).
 */

/** LINKTYPE_ values the reader decodes. */
export const LINKTYPE = {
  null: 0,
  ethernet: 1,
  rawOpenBsd: 12,
  rawBsdOs: 14,
  raw: 101,
  loop: 108,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

/** EtherType values used here (IEEE 802 numbers). */
export const ETHERTYPE = {
  ipv4: 0x0800,
  ipv6: 0x86dd,
  vlan: 0x8100,
  qinq: 0x88a8,
  qinqOld: 0x9100,
  transparentEthernet: 0x6558,
} as const;

/** Result of a link or tunnel decode; one object is reused per reader. */
export interface LinkResult {
  /** EtherType of the payload (IPv4 or IPv6 only when the decode succeeded). */
  etherType: number;
  /** Offset of the payload in the buffer decoded. */
  offset: number;
}

/** New result object. */
export function newLinkResult(): LinkResult {
  return { etherType: 0, offset: 0 };
}

/** Outcome of a link decode. */
export const LINK_OUTCOME = { ip: 0, notIp: 1, malformed: 2, unsupported: 3 } as const;
/** One of LINK_OUTCOME's values. */
export type LinkOutcome = (typeof LINK_OUTCOME)[keyof typeof LINK_OUTCOME];

/** BSD address families that mean IPv4 / IPv6 in NULL and LOOP headers. */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

function isIpType(etherType: number): boolean {
  return etherType === ETHERTYPE.ipv4 || etherType === ETHERTYPE.ipv6;
}

/**
 * Ethernet II (IEEE 802.3) with any number of 802.1Q / 802.1ad tags: each
 * tag is 4 bytes (TCI, then the next EtherType). A type below 0x0600 is an
 * 802.3 length (LLC frame, e.g. STP) and carries no IP here.
 */
export function decodeEthernet(
  data: Uint8Array,
  start: number,
  end: number,
  out: LinkResult,
): LinkOutcome {
  let p = start + 12;
  if (end < p + 2) return LINK_OUTCOME.malformed;
  let type = ((data[p] ?? 0) << 8) | (data[p + 1] ?? 0);
  p += 2;
  while (type === ETHERTYPE.vlan || type === ETHERTYPE.qinq || type === ETHERTYPE.qinqOld) {
    if (end < p + 4) return LINK_OUTCOME.malformed;
    type = ((data[p + 2] ?? 0) << 8) | (data[p + 3] ?? 0);
    p += 4;
  }
  out.etherType = type;
  out.offset = p;
  return isIpType(type) ? LINK_OUTCOME.ip : LINK_OUTCOME.notIp;
}

/** Raw IP: the version nibble says IPv4 or IPv6. */
function decodeRawIp(data: Uint8Array, start: number, end: number, out: LinkResult): LinkOutcome {
  if (end <= start) return LINK_OUTCOME.malformed;
  const version = (data[start] ?? 0) >> 4;
  out.offset = start;
  if (version === 4) out.etherType = ETHERTYPE.ipv4;
  else if (version === 6) out.etherType = ETHERTYPE.ipv6;
  else return LINK_OUTCOME.malformed;
  return LINK_OUTCOME.ip;
}

function familyToEtherType(family: number, out: LinkResult, offset: number): LinkOutcome {
  out.offset = offset;
  if (family === AF_INET) out.etherType = ETHERTYPE.ipv4;
  else if (AF_INET6.has(family)) out.etherType = ETHERTYPE.ipv6;
  else return LINK_OUTCOME.notIp;
  return LINK_OUTCOME.ip;
}

/**
 * Decodes the link layer of a frame. NULL (0) stores the address family in
 * the capturing host's byte order, so both orders are accepted; LOOP (108)
 * stores it big-endian. SLL (113) has a 16-byte header with the protocol at
 * offset 14; SLL2 (276) a 20-byte header with the protocol at offset 0.
 * The frame is `data[s, end)`; the offset found is one in `data`.
 */
export function decodeLinkLayer(
  linkType: number,
  data: Uint8Array,
  s: number,
  end: number,
  out: LinkResult,
): LinkOutcome {
  switch (linkType) {
    case LINKTYPE.ethernet:
      return decodeEthernet(data, s, end, out);
    case LINKTYPE.raw:
    case LINKTYPE.rawOpenBsd:
    case LINKTYPE.rawBsdOs:
      return decodeRawIp(data, s, end, out);
    case LINKTYPE.ipv4:
      out.etherType = ETHERTYPE.ipv4;
      out.offset = s;
      return LINK_OUTCOME.ip;
    case LINKTYPE.ipv6:
      out.etherType = ETHERTYPE.ipv6;
      out.offset = s;
      return LINK_OUTCOME.ip;
    case LINKTYPE.null: {
      if (end - s < 4) return LINK_OUTCOME.malformed;
      const le =
        (data[s] ?? 0) |
        ((data[s + 1] ?? 0) << 8) |
        ((data[s + 2] ?? 0) << 16) |
        ((data[s + 3] ?? 0) << 24);
      const be =
        ((data[s] ?? 0) << 24) |
        ((data[s + 1] ?? 0) << 16) |
        ((data[s + 2] ?? 0) << 8) |
        (data[s + 3] ?? 0);
      return familyToEtherType(le >>> 0 <= 0xffff ? le : be, out, s + 4);
    }
    case LINKTYPE.loop: {
      if (end - s < 4) return LINK_OUTCOME.malformed;
      return familyToEtherType(
        ((data[s] ?? 0) << 24) |
          ((data[s + 1] ?? 0) << 16) |
          ((data[s + 2] ?? 0) << 8) |
          (data[s + 3] ?? 0),
        out,
        s + 4,
      );
    }
    case LINKTYPE.linuxSll: {
      if (end - s < 16) return LINK_OUTCOME.malformed;
      out.etherType = ((data[s + 14] ?? 0) << 8) | (data[s + 15] ?? 0);
      out.offset = s + 16;
      return isIpType(out.etherType) ? LINK_OUTCOME.ip : LINK_OUTCOME.notIp;
    }
    case LINKTYPE.linuxSll2: {
      if (end - s < 20) return LINK_OUTCOME.malformed;
      out.etherType = ((data[s] ?? 0) << 8) | (data[s + 1] ?? 0);
      out.offset = s + 20;
      return isIpType(out.etherType) ? LINK_OUTCOME.ip : LINK_OUTCOME.notIp;
    }
    default:
      return LINK_OUTCOME.unsupported;
  }
}
