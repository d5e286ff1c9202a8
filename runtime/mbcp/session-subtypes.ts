import { MbcpDecodeError } from './mbcp-errors.js';
import type { MbcpSubtypeSpec } from './mbcp-subtype-spec.js';
import type { MbcpConnectItems } from './mbcp-types.js';
import { SDES_CNAME, SDES_NAME } from './poc1-items.js';

// Queue status and pre-established session messages: PoC1 subtypes 8, 9, 11 and 15.

/**
 * Connect SDES item content flags, in wire order: bit 15 down to bit 11 of the
 * first 16-bit word, each followed (if set) by one SDES item. Wireshark does
 * not check the SDES type of these items; the project writes CNAME for
 * identities and NAME for display names.
 */
const CONNECT_ITEMS: readonly {
  readonly key: keyof MbcpConnectItems;
  readonly flag: number;
  readonly sdesType: number;
}[] = [
  { key: 'inviterIdentity', flag: 0x8000, sdesType: SDES_CNAME },
  { key: 'inviterNickName', flag: 0x4000, sdesType: SDES_NAME },
  { key: 'sessionIdentity', flag: 0x2000, sdesType: SDES_CNAME },
  { key: 'groupName', flag: 0x1000, sdesType: SDES_NAME },
  { key: 'groupIdentity', flag: 0x0800, sdesType: SDES_CNAME },
];
const CONNECT_KNOWN_FLAGS = 0xf800;
const CONNECT_MAO = 0x80;

/** PoC1 layout of the queueStatusRequest message. */
export const queueStatusRequest: MbcpSubtypeSpec<'Queue Status Request'> = {
  code: 8,
  kind: 'Queue Status Request',
  tsharkName: 'TBCP Queue Status Request',
  mbcpName: 'MBCP Queue Status Request',
  mayRequireAck: false,
  encodeBody() {},
  decodeBody: () => ({}),
};

/** PoC1 layout of the queueStatusResponse message. */
export const queueStatusResponse: MbcpSubtypeSpec<'Queue Status Response'> = {
  code: 9,
  kind: 'Queue Status Response',
  tsharkName: 'TBCP Queue Status Response',
  mbcpName: 'MBCP Queue Status Response',
  mayRequireAck: true,
  // 8-bit priority, 16-bit queue position, one spare byte.
  encodeBody(msg, w) {
    w.u8(msg.priority, 'priority').u16(msg.position, 'position').u8(0, 'spare');
  },
  decodeBody(r) {
    const priority = r.u8('priority');
    const position = r.u16('position');
    r.u8('spare');
    return { priority, position };
  },
};

/** PoC1 layout of the disconnect message. */
export const disconnect: MbcpSubtypeSpec<'Disconnect'> = {
  code: 11,
  kind: 'Disconnect',
  tsharkName: 'TBCP Disconnect',
  mbcpName: 'MBCP Disconnect',
  mayRequireAck: true,
  encodeBody() {},
  decodeBody: () => ({}),
};

/** PoC1 layout of the connect message. */
export const connect: MbcpSubtypeSpec<'Connect'> = {
  code: 15,
  kind: 'Connect',
  tsharkName: 'TBCP Connect',
  mbcpName: 'MBCP Connect',
  mayRequireAck: true,
  // 16-bit SDES item content flags, 8-bit session type, 8-bit additional
  // indications (0x80 manual answer override), then one SDES item per flag.
  encodeBody(msg, w) {
    let flags = 0;
    for (const item of CONNECT_ITEMS) if (msg.items[item.key] !== undefined) flags |= item.flag;
    w.u16(flags, 'items').u8(msg.sessionType, 'sessionType');
    w.u8(msg.manualAnswerOverride ? CONNECT_MAO : 0, 'manualAnswerOverride');
    for (const item of CONNECT_ITEMS) {
      const value = msg.items[item.key];
      if (value !== undefined) {
        w.u8(item.sdesType, `items.${item.key}`).lengthPrefixedText(value, `items.${item.key}`);
      }
    }
  },
  decodeBody(r) {
    const flagsAt = r.offset;
    const flags = r.u16('items');
    if ((flags & ~CONNECT_KNOWN_FLAGS) !== 0) {
      throw new MbcpDecodeError(
        flagsAt,
        'items',
        `unknown SDES item content flags 0x${flags.toString(16)}`,
      );
    }
    const sessionType = r.u8('sessionType');
    const manualAnswerOverride = (r.u8('manualAnswerOverride') & CONNECT_MAO) !== 0;
    const items: Record<string, string> = {};
    for (const item of CONNECT_ITEMS) {
      if ((flags & item.flag) === 0) continue;
      r.u8(`items.${item.key}`);
      items[item.key] = r.lengthPrefixedText(`items.${item.key}`);
    }
    return { sessionType, manualAnswerOverride, items: items as MbcpConnectItems };
  },
};
