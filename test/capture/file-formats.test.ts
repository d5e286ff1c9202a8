/**
 * pcap in both byte orders and timestamp resolutions; pcapng with several
 * sections of either byte order, several interfaces with their own link
 * types, `if_tsresol` and `if_tsoffset`, EPB, SPB, the obsolete Packet Block
 * and unknown blocks. Times are compared exactly with what was written and
 * with tshark's `frame.time_epoch`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../generator/capture/index.js';
import type { CaptureEvent } from '../../generator/capture/index.js';
import { writePcap, writePcapng } from './helpers/capture-writer.js';
import type { CraftedBlock, CraftedPacket } from './helpers/capture-writer.js';
import { collect, tempCapture, removeTempCaptures } from './helpers/collect.js';
import {
  ETH_IPV4,
  ETH_IPV6,
  ethernet,
  ipv4,
  ipv6,
  sipRequest,
  sll2,
  udp,
  at,
} from './helpers/packet-builder.js';
import { tsharkFields } from './helpers/tshark-reference.js';

afterAll(removeTempCaptures);

function sipPacket(n: number, sec: number, nsec: number, linkType: number): CraftedPacket {
  const message = sipRequest(n % 2 === 0 ? 'BYE' : 'OPTIONS', `fmt-${n}@example.com`, n + 1);
  const ip =
    n % 3 === 0
      ? ipv6('2001:db8::1', '2001:db8::2', 17, udp(5060, 5060, message))
      : ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 17 }, udp(5060, 5060, message));
  const etherType = n % 3 === 0 ? ETH_IPV6 : ETH_IPV4;
  const data =
    linkType === LINKTYPE.ethernet
      ? ethernet(etherType, ip)
      : linkType === LINKTYPE.linuxSll2
        ? sll2(etherType, ip)
        : ip;
  return { sec, nsec, data };
}

/** tshark's epoch times, as [frame, "sec.nnnnnnnnn"]. */
function tsharkTimes(path: string): [number, string][] {
  return tsharkFields(path, 'frame', ['frame.number', 'frame.time_epoch']).map((r) => [
    Number(r[0]),
    r[1] ?? '',
  ]);
}

function epoch(e: CaptureEvent): string {
  return `${e.time.sec}.${String(e.time.nsec).padStart(9, '0')}`;
}

describe('pcap', () => {
  for (const littleEndian of [true, false]) {
    for (const nanosecond of [false, true]) {
      it(`${littleEndian ? 'little' : 'big'}-endian, ${nanosecond ? 'nano' : 'micro'}second timestamps`, async () => {
        const packets = [0, 1, 2, 3].map((n) =>
          sipPacket(n, 1_700_000_000 + n, 123_456_789 + n * 1000, LINKTYPE.ethernet),
        );
        const file = writePcap({ linkType: LINKTYPE.ethernet, littleEndian, nanosecond }, packets);
        const { events, error } = await collect(file);
        expect(error).toBeUndefined();
        expect(events.map((e) => e.frame)).toEqual([1, 2, 3, 4]);
        expect(events.map((e) => e.time)).toEqual(
          packets.map((p) => ({
            sec: p.sec,
            nsec: nanosecond ? p.nsec : Math.floor(p.nsec / 1000) * 1000,
          })),
        );
        const path = tempCapture(`fmt-${littleEndian}-${nanosecond}.pcap`, file);
        expect(events.map((e) => [e.frame, epoch(e)])).toEqual(tsharkTimes(path));
      });
    }
  }
});

describe('pcapng', () => {
  it('reads several sections, byte orders, interfaces, resolutions and block kinds', async () => {
    const t = (n: number): [number, number] => [1_700_000_100 + n, 987_654_321 - n * 7];
    const blocks = (first: number): CraftedBlock[] => [
      { kind: 'epb', interfaceId: 0, packet: sipPacket(first, ...t(first), LINKTYPE.ethernet) },
      { kind: 'other', type: 0x00012345, body: Uint8Array.of(1, 2, 3, 4, 5) }, // unknown: skipped
      { kind: 'epb', interfaceId: 1, packet: sipPacket(first + 1, ...t(first + 1), LINKTYPE.raw) },
      {
        kind: 'opb',
        interfaceId: 2,
        packet: sipPacket(first + 2, ...t(first + 2), LINKTYPE.linuxSll2),
      },
      { kind: 'other', type: 0x00000005, body: new Uint8Array(12) }, // Interface Statistics Block, skipped
      // Custom Block (PEN 32473): tshark numbers it as a frame, so the reader does too.
      { kind: 'other', type: 0x40000bad, body: Uint8Array.of(0, 0, 0x7e, 0xd9, 1, 2, 3, 4) },
      {
        kind: 'epb',
        interfaceId: 2,
        packet: sipPacket(first + 3, ...t(first + 3), LINKTYPE.linuxSll2),
      },
    ];
    const interfaces = [
      { linkType: LINKTYPE.ethernet },
      { linkType: LINKTYPE.raw, tsresol: 9 },
      { linkType: LINKTYPE.linuxSll2, tsresol: 0x80 | 20, tsoffset: 1_000_000 },
    ];
    const file = writePcapng([
      { littleEndian: true, interfaces, blocks: blocks(0) },
      { littleEndian: false, interfaces, blocks: blocks(4) },
      {
        littleEndian: true,
        interfaces: [{ linkType: LINKTYPE.ethernet, tsresol: 3 }],
        blocks: [{ kind: 'spb', packet: sipPacket(8, 0, 0, LINKTYPE.ethernet) }],
      },
    ]);
    const { events, stats, error } = await collect(file);
    expect(error).toBeUndefined();
    expect(stats.packets).toBe(9);
    expect(events.map((e) => e.frame)).toEqual([1, 2, 3, 5, 6, 7, 8, 10, 11]);
    expect(events.map((e) => e.interface)).toEqual([0, 1, 2, 2, 0, 1, 2, 2, 0]);
    // Microseconds, nanoseconds, and 2^-20 s units (rounded down when written).
    const expectedNsec = (n: number, iface: number): number => {
      const nsec = t(n)[1];
      if (iface === 0) return Math.floor(nsec / 1000) * 1000;
      if (iface === 1) return nsec;
      const units = Math.floor((nsec * 2 ** 20) / 1e9);
      return Math.floor((units * 1e9) / 2 ** 20);
    };
    for (const [i, e] of events.slice(0, 8).entries()) {
      expect(e.time).toEqual({ sec: t(i)[0], nsec: expectedNsec(i, e.interface) });
    }
    const path = tempCapture('several.pcapng', file);
    const reference = tsharkTimes(path).filter((r) => r[0] !== 4 && r[0] !== 9);
    expect(reference.map((r) => r[0])).toEqual(events.map((e) => e.frame));
    // tshark prints 9 decimals; 2^-20 s units may differ from it by rounding in the last digit.
    // The SPB carries no timestamp: tshark prints none.
    expect(reference.at(-1)?.[1]).toBe('');
    for (const [i, e] of events.slice(0, 8).entries()) {
      const theirs = Number(at(reference, i)[1].split('.')[1]);
      expect(Number(at(reference, i)[1].split('.')[0])).toBe(e.time.sec);
      expect(Math.abs(theirs - e.time.nsec)).toBeLessThanOrEqual(1);
    }
  });

  it('reports a packet naming an undeclared interface as a located error after earlier events', async () => {
    const file = writePcapng([
      {
        interfaces: [{ linkType: LINKTYPE.raw }],
        blocks: [
          { kind: 'epb', interfaceId: 0, packet: sipPacket(1, 10, 0, LINKTYPE.raw) },
          { kind: 'other', type: 6, body: Uint8Array.of(9, 0, 0, 0, ...new Uint8Array(16)) },
        ],
      },
    ]);
    const { events, error } = await collect(file, { label: 'bad-interface.pcapng' });
    expect(events).toHaveLength(1);
    expect(error).toMatchObject({
      name: 'CaptureFormatError',
      location: { file: 'bad-interface.pcapng', frame: 2, blockType: 6 },
    });
  });
});
