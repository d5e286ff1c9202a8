/**
 * GRE (RFC 2784, key and sequence RFC 2890) and the ERSPAN mirroring
 * headers carried in it, so mirrored traffic (the heplify ERSPAN capture)
 * is decoded down to its inner Ethernet frame.
 */
import { ETHERTYPE, LINK_OUTCOME, decodeEthernet } from './link-layer.js';
import type { LinkOutcome, LinkResult } from './link-layer.js';

/** GRE protocol types for ERSPAN (draft-foschiano-erspan). */
export const GRE_PROTOCOL = {
  erspanTypeII: 0x88be,
  erspanTypeIII: 0x22eb,
} as const;

/**
 * Decodes a GRE packet starting at `start` up to its payload's network
 * layer. RFC 2784 section 2: flags and version, protocol type; the checksum
 * (C), key (K) and sequence number (S) fields each add 4 bytes (RFC 2890
 * section 2). The routing field of RFC 1701 (R) and versions other than 0
 * are not decoded.
 */
export function decodeGre(
  data: Uint8Array,
  start: number,
  end: number,
  out: LinkResult,
): LinkOutcome {
  if (end - start < 4) return LINK_OUTCOME.malformed;
  const flags = data[start] ?? 0;
  const version = (data[start + 1] ?? 0) & 0x07;
  if (version !== 0 || flags & 0x40) return LINK_OUTCOME.notIp;
  const protocol = ((data[start + 2] ?? 0) << 8) | (data[start + 3] ?? 0);
  let p = start + 4;
  if (flags & 0x80) p += 4; // checksum present
  if (flags & 0x20) p += 4; // key present
  const sequence = (flags & 0x10) !== 0;
  if (sequence) p += 4;
  if (p > end) return LINK_OUTCOME.malformed;
  switch (protocol) {
    case ETHERTYPE.ipv4:
    case ETHERTYPE.ipv6:
      out.etherType = protocol;
      out.offset = p;
      return LINK_OUTCOME.ip;
    case ETHERTYPE.transparentEthernet:
      return decodeInnerEthernet(data, p, end, out);
    case GRE_PROTOCOL.erspanTypeII:
      // ERSPAN type I has no header and no GRE sequence number; type II has
      // both (an 8-byte header: version, VLAN, COS, En, T, session, index).
      return decodeInnerEthernet(data, sequence ? p + 8 : p, end, out);
    case GRE_PROTOCOL.erspanTypeIII: {
      // ERSPAN type III: 12-byte header; the O flag (lowest bit of byte 11)
      // announces an 8-byte platform-specific subheader.
      if (end - p < 12) return LINK_OUTCOME.malformed;
      const optional = ((data[p + 11] ?? 0) & 0x01) !== 0;
      return decodeInnerEthernet(data, p + 12 + (optional ? 8 : 0), end, out);
    }
    default:
      return LINK_OUTCOME.notIp;
  }
}

function decodeInnerEthernet(
  data: Uint8Array,
  start: number,
  end: number,
  out: LinkResult,
): LinkOutcome {
  if (end - start < 14) return LINK_OUTCOME.malformed;
  return decodeEthernet(data, start, end, out);
}
