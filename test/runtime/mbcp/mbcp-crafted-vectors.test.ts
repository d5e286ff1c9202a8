import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeMbcp,
  encodeMbcp,
  findMbcpPackets,
  isMbcpPacket,
} from '../../../runtime/mbcp/index.js';
import { tsharkRtcp, tsharkUdpPayloads, type TsharkRtcp } from './helpers/tshark.js';
import { expectedTsharkFields, observedTsharkFields } from './helpers/tshark-view.js';

// Crafted by ../shared/captures/craft_rtcp_app.py: every PoC1 subtype plus MCPT/MCPC packets.
const CRAFTED = '/work/shared/captures/tbcp_mcpt_crafted.pcap';
const PORT = 30001;

describe('MBCP codec against the crafted PoC1 vectors, tshark as reference', () => {
  let payloads: Buffer[] = [];
  let rtcp: TsharkRtcp[] = [];

  beforeAll(async () => {
    [payloads, rtcp] = await Promise.all([tsharkUdpPayloads(CRAFTED), tsharkRtcp(CRAFTED, PORT)]);
  });

  it('reads one UDP payload and one RTCP packet per frame', () => {
    expect(payloads.length).toBeGreaterThan(0);
    expect(rtcp.map((r) => r.frame)).toEqual(payloads.map((_p, i) => i + 1));
  });

  it('finds MBCP exactly where tshark names the APP packet PoC1', () => {
    const tsharkPoc1 = rtcp.map(
      (r) => r.fields.find((x) => x.name === 'rtcp.app.name')?.show === 'PoC1',
    );
    expect(payloads.map((p) => isMbcpPacket(p))).toEqual(tsharkPoc1);
    expect(tsharkPoc1.filter(Boolean).length).toBeGreaterThanOrEqual(14);
  });

  it('decodes every PoC1 vector to the fields tshark decodes', () => {
    payloads.forEach((payload, i) => {
      if (!isMbcpPacket(payload)) return;
      const dissected = rtcp[i];
      if (dissected === undefined) throw new Error(`tshark gave no RTCP for frame ${i + 1}`);
      const msg = decodeMbcp(payload);
      expect(expectedTsharkFields(msg), `frame ${i + 1} (${msg.kind})`).toEqual(
        observedTsharkFields(dissected),
      );
    });
  });

  it('re-encodes every PoC1 vector to the same bytes', () => {
    for (const payload of payloads.filter((p) => isMbcpPacket(p))) {
      expect(encodeMbcp(decodeMbcp(payload)).toString('hex')).toBe(payload.toString('hex'));
    }
  });

  it('finds the same packets inside a compound RTCP packet (RR then APP)', () => {
    // RFC 3550 section 6.1: a compound packet starts with a report (RR, PT 201).
    const rr = Buffer.from('81c90007' + '00'.repeat(28), 'hex');
    for (const payload of payloads.filter((p) => isMbcpPacket(p))) {
      const compound = Buffer.concat([rr, payload]);
      expect(findMbcpPackets(compound)).toEqual([rr.length]);
      expect(decodeMbcp(compound, rr.length)).toEqual(decodeMbcp(payload));
    }
  });
});
