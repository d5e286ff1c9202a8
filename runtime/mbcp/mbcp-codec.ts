import { ByteReader, ByteWriter } from './byte-cursor.js';
import { MbcpDecodeError, MbcpEncodeError } from './mbcp-errors.js';
import { getMbcpSubtype, getMbcpSubtypeByKind } from './mbcp-subtypes.js';
import {
  MBCP_ACK_REQUIRED_BIT,
  MBCP_APP_NAME,
  RTCP_APP_PACKET_TYPE,
  type MbcpMessage,
} from './mbcp-types.js';

const RTCP_VERSION = 2;
const APP_HEADER_LENGTH = 12;
const APP_NAME_BYTES = Buffer.from(MBCP_APP_NAME, 'ascii');

/** The 5-bit RTCP subtype a message goes out with: its code plus the 0x10 acknowledgement bit. */
export function mbcpSubtypeOf(msg: MbcpMessage): number {
  const spec = getMbcpSubtypeByKind(msg.kind);
  if (msg.ackRequired && !spec.mayRequireAck) {
    throw new MbcpEncodeError(
      msg.kind,
      'ackRequired',
      'this message never asks for an Acknowledgement',
    );
  }
  return spec.code | (msg.ackRequired ? MBCP_ACK_REQUIRED_BIT : 0);
}

/**
 * Encodes one MBCP message as a single RTCP APP packet.
 *
 * RFC 3550 section 6.7: V=2, P=0, subtype in the count field, PT=204, length
 * in 32-bit words minus one, SSRC, four-character name `PoC1`, then the
 * application-dependent data padded with zeros to a 32-bit boundary.
 */
export function encodeMbcp(msg: MbcpMessage): Buffer {
  const spec = getMbcpSubtypeByKind(msg.kind);
  const body = new ByteWriter(msg.kind);
  spec.encodeBody(msg, body);
  body.align();
  const data = body.toBuffer();
  const total = APP_HEADER_LENGTH + data.length;
  const words = total / 4 - 1;
  if (words > 0xffff) {
    throw new MbcpEncodeError(msg.kind, 'length', `${total} bytes exceed the RTCP length field`);
  }
  const header = new ByteWriter(msg.kind)
    .u8((RTCP_VERSION << 6) | mbcpSubtypeOf(msg), 'subtype')
    .u8(RTCP_APP_PACKET_TYPE, 'packetType')
    .u16(words, 'length')
    .u32(msg.ssrc, 'ssrc')
    .toBuffer();
  return Buffer.concat([header, APP_NAME_BYTES, data]);
}

/**
 * Decodes the RTCP APP `PoC1` packet that starts at `offset` (default 0). The
 * buffer may hold more (a compound RTCP packet, RFC 3550 section 6.1); only
 * the packet's own length is read. Throws {@link MbcpDecodeError} with the
 * absolute byte offset and field of the first problem.
 */
export function decodeMbcp(buf: Uint8Array, offset = 0): MbcpMessage {
  if (!Number.isInteger(offset) || offset < 0 || offset + APP_HEADER_LENGTH > buf.length) {
    throw new MbcpDecodeError(
      offset,
      'header',
      `an RTCP APP header needs 12 bytes, ${Math.max(0, buf.length - offset)} available`,
    );
  }
  const head = new ByteReader(buf, offset, buf.length);
  const first = head.u8('header');
  const version = first >>> 6;
  if (version !== RTCP_VERSION) {
    throw new MbcpDecodeError(offset, 'version', `RTCP version ${version}, expected 2`);
  }
  const padded = (first & 0x20) !== 0;
  const subtype = first & 0x1f;
  const packetType = head.u8('packetType');
  if (packetType !== RTCP_APP_PACKET_TYPE) {
    throw new MbcpDecodeError(offset + 1, 'packetType', `${packetType} is not APP (204)`);
  }
  const length = (head.u16('length') + 1) * 4;
  if (length < APP_HEADER_LENGTH || offset + length > buf.length) {
    throw new MbcpDecodeError(
      offset + 2,
      'length',
      `packet of ${length} bytes does not fit the ${buf.length - offset} bytes available`,
    );
  }
  const ssrc = head.u32('ssrc');
  const name = Buffer.from(buf.buffer, buf.byteOffset + offset + 8, 4).toString('latin1');
  if (name !== MBCP_APP_NAME) {
    throw new MbcpDecodeError(offset + 8, 'name', `APP name "${name}" is not ${MBCP_APP_NAME}`);
  }
  let end = offset + length;
  // RFC 3550 section 6.4.1: with P set, the last octet counts the padding octets, itself included.
  if (padded) {
    const count = buf[end - 1] ?? 0;
    if (count === 0 || count > length - APP_HEADER_LENGTH) {
      throw new MbcpDecodeError(end - 1, 'padding', `padding count ${count} is out of range`);
    }
    end -= count;
  }
  const spec = getMbcpSubtype(subtype & ~MBCP_ACK_REQUIRED_BIT);
  const ackRequired = (subtype & MBCP_ACK_REQUIRED_BIT) !== 0;
  if (spec === undefined || (ackRequired && !spec.mayRequireAck)) {
    throw new MbcpDecodeError(offset, 'subtype', `unknown PoC1 subtype ${subtype}`);
  }
  const body = new ByteReader(buf, offset + APP_HEADER_LENGTH, end);
  const fields = spec.decodeBody(body, offset);
  body.expectOnlyPadding('padding');
  return { kind: spec.kind, ssrc, ackRequired, ...fields } as MbcpMessage;
}

/**
 * Offsets of the RTCP APP `PoC1` packets in a UDP payload, also inside a
 * compound RTCP packet. Cheap: it reads the 4-byte headers and APP names
 * only. A payload whose RTCP headers do not walk exactly to its end (RFC 3550
 * section 6.1: a compound packet fills the datagram) is not RTCP: [].
 */
export function findMbcpPackets(buf: Uint8Array): number[] {
  const found: number[] = [];
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const first = buf[pos] ?? 0;
    const packetType = buf[pos + 1] ?? 0;
    if (first >>> 6 !== RTCP_VERSION || packetType < 192 || packetType > 223) return [];
    const length = ((((buf[pos + 2] ?? 0) << 8) | (buf[pos + 3] ?? 0)) + 1) * 4;
    if (pos + length > buf.length) return [];
    if (
      packetType === RTCP_APP_PACKET_TYPE &&
      length >= APP_HEADER_LENGTH &&
      isPoc1Name(buf, pos + 8)
    ) {
      found.push(pos);
    }
    pos += length;
  }
  return pos === buf.length ? found : [];
}

/** True when the UDP payload holds at least one RTCP APP `PoC1` packet (see {@link findMbcpPackets}). */
export function isMbcpPacket(buf: Uint8Array): boolean {
  return findMbcpPackets(buf).length > 0;
}

/** Decodes every MBCP packet of a (compound) RTCP payload, skipping the non-APP packets. */
export function decodeMbcpCompound(buf: Uint8Array): MbcpMessage[] {
  return findMbcpPackets(buf).map((offset) => decodeMbcp(buf, offset));
}

function isPoc1Name(buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < 4; i++) if (buf[at + i] !== APP_NAME_BYTES[i]) return false;
  return true;
}
