import { MbcpEncodeError } from './mbcp-errors.js';
import type { MbcpSubtypeSpec } from './mbcp-subtype-spec.js';
import {
  ITEM_PARTICIPANTS,
  ITEM_PRIORITY,
  ITEM_REQUEST_TIMESTAMP,
  ITEM_STOP_TALKING_TIME,
  SDES_CNAME,
  SDES_NAME,
  readItem16,
  writeItem16,
} from './poc1-items.js';

// Talk burst (media burst) control messages: PoC1 subtypes 0 to 7.

/** PoC1 layout of the request message. */
export const request: MbcpSubtypeSpec<'Request'> = {
  code: 0,
  kind: 'Request',
  tsharkName: 'TBCP Talk Burst Request',
  mbcpName: 'MBCP Media Burst Request',
  mayRequireAck: false,
  // Both items are optional; priority (102) comes before the timestamp (103).
  encodeBody(msg, w) {
    if (msg.priority !== undefined) writeItem16(w, ITEM_PRIORITY, msg.priority, 'priority');
    if (msg.timestamp !== undefined) {
      w.u8(ITEM_REQUEST_TIMESTAMP, 'timestamp').u8(8, 'timestamp');
      w.u32(msg.timestamp.seconds, 'timestamp.seconds');
      w.u32(msg.timestamp.fraction, 'timestamp.fraction');
    }
  },
  decodeBody(r) {
    let priority: number | undefined;
    if (r.peek() === ITEM_PRIORITY) {
      r.u8('priority');
      priority = readItem16(r, 'priority');
    }
    if (r.peek() === ITEM_REQUEST_TIMESTAMP) {
      r.u8('timestamp');
      r.expect(8, 'timestamp', 'item length');
      const seconds = r.u32('timestamp');
      const fraction = r.u32('timestamp');
      return { ...(priority === undefined ? {} : { priority }), timestamp: { seconds, fraction } };
    }
    return priority === undefined ? {} : { priority };
  },
};

/** PoC1 layout of the granted message. */
export const granted: MbcpSubtypeSpec<'Granted'> = {
  code: 1,
  kind: 'Granted',
  tsharkName: 'TBCP Talk Burst Granted',
  mbcpName: 'MBCP Media Burst Granted',
  mayRequireAck: true,
  // Stop talking timer (101) is mandatory, participants (100) optional.
  encodeBody(msg, w) {
    writeItem16(w, ITEM_STOP_TALKING_TIME, msg.stopTalkingTime, 'stopTalkingTime');
    if (msg.participants !== undefined) {
      writeItem16(w, ITEM_PARTICIPANTS, msg.participants, 'participants');
    }
  },
  decodeBody(r) {
    r.expect(ITEM_STOP_TALKING_TIME, 'stopTalkingTime', 'item code');
    const stopTalkingTime = readItem16(r, 'stopTalkingTime');
    if (r.peek() !== ITEM_PARTICIPANTS) return { stopTalkingTime };
    r.u8('participants');
    return { stopTalkingTime, participants: readItem16(r, 'participants') };
  },
};

/** PoC1 layout of the taken message. */
export const taken: MbcpSubtypeSpec<'Taken'> = {
  code: 2,
  kind: 'Taken',
  tsharkName: 'TBCP Talk Burst Taken (no ack expected)',
  mbcpName: 'MBCP Media Burst Taken',
  mayRequireAck: true,
  // SSRC of the talker, SDES CNAME (SIP URI), optional SDES NAME then 32-bit
  // alignment, optional participants item. Wireshark only aligns after NAME,
  // so without NAME the participants item follows CNAME directly.
  encodeBody(msg, w) {
    w.u32(msg.grantedSsrc, 'grantedSsrc');
    w.u8(SDES_CNAME, 'sipUri').lengthPrefixedText(msg.sipUri, 'sipUri');
    if (msg.displayName !== undefined) {
      w.u8(SDES_NAME, 'displayName').lengthPrefixedText(msg.displayName, 'displayName');
      if (msg.participants !== undefined) w.align();
    }
    if (msg.participants !== undefined) {
      writeItem16(w, ITEM_PARTICIPANTS, msg.participants, 'participants');
    }
  },
  decodeBody(r, packetStart) {
    const grantedSsrc = r.u32('grantedSsrc');
    r.expect(SDES_CNAME, 'sipUri', 'SDES type');
    const sipUri = r.lengthPrefixedText('sipUri');
    let displayName: string | undefined;
    if (r.peek() === SDES_NAME) {
      r.u8('displayName');
      displayName = r.lengthPrefixedText('displayName');
    }
    if (r.peek() === 0) r.skipAlignment(packetStart, 'padding');
    const base = { grantedSsrc, sipUri, ...(displayName === undefined ? {} : { displayName }) };
    if (r.peek() !== ITEM_PARTICIPANTS) return base;
    r.u8('participants');
    return { ...base, participants: readItem16(r, 'participants') };
  },
};

/** PoC1 layout of the deny message. */
export const deny: MbcpSubtypeSpec<'Deny'> = {
  code: 3,
  kind: 'Deny',
  tsharkName: 'TBCP Talk Burst Deny',
  mbcpName: 'MBCP Media Burst Deny',
  mayRequireAck: true,
  // 8-bit reason code, then the reason phrase as length + text.
  encodeBody(msg, w) {
    w.u8(msg.reasonCode, 'reasonCode').lengthPrefixedText(msg.reasonPhrase, 'reasonPhrase');
  },
  decodeBody(r) {
    return { reasonCode: r.u8('reasonCode'), reasonPhrase: r.lengthPrefixedText('reasonPhrase') };
  },
};

/** PoC1 layout of the release message. */
export const release: MbcpSubtypeSpec<'Release'> = {
  code: 4,
  kind: 'Release',
  tsharkName: 'TBCP Talk Burst Release',
  mbcpName: 'MBCP Media Burst Release',
  mayRequireAck: false,
  // 16-bit last RTP sequence number, then the ignore flag in bit 15 and 15 spare bits.
  encodeBody(msg, w) {
    w.u16(msg.lastSeqNo, 'lastSeqNo').u16(msg.ignoreSeqNo ? 0x8000 : 0, 'ignoreSeqNo');
  },
  decodeBody(r) {
    const lastSeqNo = r.u16('lastSeqNo');
    return { lastSeqNo, ignoreSeqNo: (r.u16('ignoreSeqNo') & 0x8000) !== 0 };
  },
};

/** PoC1 layout of the idle message. */
export const idle: MbcpSubtypeSpec<'Idle'> = {
  code: 5,
  kind: 'Idle',
  tsharkName: 'TBCP Talk Burst Idle',
  mbcpName: 'MBCP Media Burst Idle',
  mayRequireAck: true,
  encodeBody() {},
  decodeBody: () => ({}),
};

/** PoC1 layout of the revoke message. */
export const revoke: MbcpSubtypeSpec<'Revoke'> = {
  code: 6,
  kind: 'Revoke',
  tsharkName: 'TBCP Talk Burst Revoke',
  mbcpName: 'MBCP Media Burst Revoke',
  mayRequireAck: true,
  // 16-bit reason code and 16 bits of additional information, which only
  // reason 2 (Talk burst too long) uses: the new time the client can request.
  encodeBody(msg, w) {
    const tooLong = msg.reasonCode === 2;
    if (tooLong && msg.newTimeRequest === undefined) {
      throw new MbcpEncodeError('Revoke', 'newTimeRequest', 'required with reason code 2');
    }
    if (!tooLong && msg.newTimeRequest !== undefined) {
      throw new MbcpEncodeError('Revoke', 'newTimeRequest', 'only allowed with reason code 2');
    }
    w.u16(msg.reasonCode, 'reasonCode').u16(msg.newTimeRequest ?? 0, 'newTimeRequest');
  },
  decodeBody(r) {
    const reasonCode = r.u16('reasonCode');
    const additional = r.u16('newTimeRequest');
    return reasonCode === 2 ? { reasonCode, newTimeRequest: additional } : { reasonCode };
  },
};

/** PoC1 layout of the acknowledgement message. */
export const acknowledgement: MbcpSubtypeSpec<'Acknowledgement'> = {
  code: 7,
  kind: 'Acknowledgement',
  tsharkName: 'TBCP Talk Burst Acknowledgement',
  mbcpName: 'MBCP Media Burst Acknowledgment',
  mayRequireAck: false,
  // Acknowledged subtype in the top 5 bits, 11-bit reason code, 16 spare bits.
  encodeBody(msg, w) {
    const sub = msg.acknowledgedSubtype;
    if (!Number.isInteger(sub) || sub < 0 || sub > 31) {
      throw new MbcpEncodeError('Acknowledgement', 'acknowledgedSubtype', 'not a 5-bit value');
    }
    if (!Number.isInteger(msg.reasonCode) || msg.reasonCode > 0x7ff || msg.reasonCode < 0) {
      throw new MbcpEncodeError('Acknowledgement', 'reasonCode', 'not an 11-bit value');
    }
    w.u16((msg.acknowledgedSubtype << 11) | msg.reasonCode, 'acknowledgedSubtype').u16(0, 'spare');
  },
  decodeBody(r) {
    const word = r.u16('acknowledgedSubtype');
    r.u16('spare');
    return { acknowledgedSubtype: word >>> 11, reasonCode: word & 0x7ff };
  },
};
