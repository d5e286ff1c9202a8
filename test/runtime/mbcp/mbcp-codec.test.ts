import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MbcpDecodeError,
  MbcpEncodeError,
  decodeMbcp,
  decodeMbcpCompound,
  encodeMbcp,
  isMbcpPacket,
  type MbcpMessage,
} from '../../../runtime/mbcp/index.js';
import { ALL_MESSAGES } from './helpers/all-messages.js';

function decodeError(buf: Uint8Array, offset?: number): MbcpDecodeError {
  try {
    decodeMbcp(buf, offset);
  } catch (e) {
    if (e instanceof MbcpDecodeError) return e;
    throw e;
  }
  throw new MbcpDecodeError(-1, 'test', 'decoded without error');
}

const disconnect: MbcpMessage = { kind: 'Disconnect', ssrc: 0x11111111, ackRequired: true };

describe('encodeMbcp', () => {
  it('writes Disconnect as 12 bytes: V=2, subtype 11 with the 0x10 bit, PT 204, length 2, PoC1', () => {
    expect(encodeMbcp(disconnect).toString('hex')).toBe('9bcc000211111111506f4331');
  });

  it('writes the Acknowledgement of it with subtype 27 in the top 5 bits', () => {
    const ack = encodeMbcp({
      kind: 'Acknowledgement',
      ssrc: 0x22222222,
      ackRequired: false,
      acknowledgedSubtype: 27,
      reasonCode: 0,
    });
    expect(ack.toString('hex')).toBe('87cc000322222222506f4331d8000000');
  });

  it('pads every message to 32 bits and states its length in words minus one', () => {
    for (const msg of ALL_MESSAGES) {
      const buf = encodeMbcp(msg);
      expect(buf.length % 4).toBe(0);
      expect((buf.readUInt16BE(2) + 1) * 4).toBe(buf.length);
    }
  });

  it.each([
    [
      { kind: 'Release', ssrc: 1, ackRequired: true, lastSeqNo: 1, ignoreSeqNo: false },
      'ackRequired',
    ],
    [{ kind: 'Granted', ssrc: 1, ackRequired: false, stopTalkingTime: 70000 }, 'stopTalkingTime'],
    [{ kind: 'Idle', ssrc: -1, ackRequired: false }, 'ssrc'],
    [{ kind: 'Revoke', ssrc: 1, ackRequired: false, reasonCode: 2 }, 'newTimeRequest'],
    [
      { kind: 'Revoke', ssrc: 1, ackRequired: false, reasonCode: 1, newTimeRequest: 3 },
      'newTimeRequest',
    ],
    [
      {
        kind: 'Acknowledgement',
        ssrc: 1,
        ackRequired: false,
        acknowledgedSubtype: 32,
        reasonCode: 0,
      },
      'acknowledgedSubtype',
    ],
    [
      { kind: 'Deny', ssrc: 1, ackRequired: false, reasonCode: 1, reasonPhrase: 'x'.repeat(256) },
      'reasonPhrase',
    ],
  ] as [MbcpMessage, string][])('rejects %j naming field %s', (msg, field) => {
    expect(() => encodeMbcp(msg)).toThrowError(MbcpEncodeError);
    try {
      encodeMbcp(msg);
    } catch (e) {
      expect((e as MbcpEncodeError).field).toBe(field);
    }
  });
});

describe('decodeMbcp errors carry the byte offset and field', () => {
  const good = encodeMbcp({
    kind: 'Granted',
    ssrc: 7,
    ackRequired: false,
    stopTalkingTime: 30,
    participants: 3,
  });

  it.each([
    ['short header', good.subarray(0, 11), 0, 'header'],
    ['RTCP version 1', Buffer.from([0x41, ...good.subarray(1)]), 0, 'version'],
    ['SR, not APP', Buffer.from([0x81, 200, ...good.subarray(2)]), 1, 'packetType'],
    ['length past the buffer', good.subarray(0, 16), 2, 'length'],
    [
      'other APP name',
      Buffer.concat([good.subarray(0, 8), Buffer.from('MCPT'), good.subarray(12)]),
      8,
      'name',
    ],
    ['unknown subtype 10', Buffer.from([0x8a, ...good.subarray(1)]), 0, 'subtype'],
    [
      'Request with the ack bit',
      Buffer.from([0x90, 204, 0, 2, 0, 0, 0, 1, ...Buffer.from('PoC1')]),
      0,
      'subtype',
    ],
    [
      'Granted without item 101',
      Buffer.from([...good.subarray(0, 12), 99, ...good.subarray(13)]),
      12,
      'stopTalkingTime',
    ],
    [
      'item length 3',
      Buffer.from([...good.subarray(0, 13), 3, ...good.subarray(14)]),
      13,
      'stopTalkingTime',
    ],
    ['a word of trailing data', Buffer.from([...good.subarray(0, 16), 0, 0, 0, 9]), 16, 'padding'],
    ['non-zero padding', Buffer.from('83cc000300000001506f433101016207', 'hex'), 15, 'padding'],
  ])('%s', (_what, buf, offset, field) => {
    const e = decodeError(buf);
    expect({ offset: e.offset, field: e.field }).toEqual({ offset, field });
  });

  it('locates the error by absolute offset inside a compound packet', () => {
    const bad = Buffer.from(good);
    bad.writeUInt8(99, 12);
    const compound = Buffer.concat([Buffer.from('81c90007' + '00'.repeat(28), 'hex'), bad]);
    const e = decodeError(compound, 32);
    expect({ offset: e.offset, field: e.field }).toEqual({ offset: 44, field: 'stopTalkingTime' });
    expect(() => decodeMbcpCompound(compound)).toThrowError(MbcpDecodeError);
  });

  it('honours the RTCP padding bit (RFC 3550 section 6.4.1)', () => {
    const idle = encodeMbcp({ kind: 'Idle', ssrc: 5, ackRequired: false });
    const padded = Buffer.concat([idle, Buffer.from([0, 0, 0, 4])]);
    padded.writeUInt8(idle.readUInt8(0) | 0x20, 0);
    padded.writeUInt16BE(3, 2);
    expect(decodeMbcp(padded)).toEqual({ kind: 'Idle', ssrc: 5, ackRequired: false });
    padded.writeUInt8(9, 15);
    expect(decodeError(padded).field).toBe('padding');
  });
});

describe('isMbcpPacket', () => {
  it('is false for SIP, RTP-looking data, other APP names and truncated RTCP', () => {
    expect(isMbcpPacket(Buffer.from('BYE sip:bob@example.com SIP/2.0\r\n'))).toBe(false);
    expect(isMbcpPacket(Buffer.from('8000000100000002', 'hex'))).toBe(false);
    expect(isMbcpPacket(Buffer.from('94cc0002222222224d435054', 'hex'))).toBe(false);
    expect(isMbcpPacket(encodeMbcp(disconnect).subarray(0, 10))).toBe(false);
    expect(isMbcpPacket(new Uint8Array(0))).toBe(false);
  });

  it('is true for every encoded message', () => {
    for (const msg of ALL_MESSAGES) expect(isMbcpPacket(encodeMbcp(msg))).toBe(true);
  });
});

describe('decodeMbcp on mutated packets (fuzz)', () => {
  it('returns a message or throws MbcpDecodeError, nothing else', () => {
    const seeds = ALL_MESSAGES.map((m) => encodeMbcp(m));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (which, edits, cut) => {
          const buf = Buffer.from(seeds[which] ?? []);
          for (const [at, value] of edits) buf[at % buf.length] = value;
          const input = buf.subarray(0, buf.length - (cut % 5));
          try {
            const msg = decodeMbcp(input);
            // Whatever decodes must encode again: no half-read message escapes.
            expect(encodeMbcp(msg).length).toBeGreaterThanOrEqual(12);
          } catch (e) {
            if (!(e instanceof MbcpDecodeError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
