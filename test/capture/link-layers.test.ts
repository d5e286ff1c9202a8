/**
 * Crafted captures, one per link type and encapsulation, each compared with
 * what was written and with tshark's reading of the same file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../generator/capture/index.js';
import { writePcap } from './helpers/capture-writer.js';
import {
  collect,
  ingestAll,
  sipByFrame,
  tempCapture,
  removeTempCaptures,
} from './helpers/collect.js';
import {
  ETH_IPV4,
  ETH_IPV6,
  erspanII,
  erspanIII,
  ethernet,
  gre,
  ipv4,
  ipv6,
  loop,
  nullLoopback,
  sipRequest,
  sipResponse,
  sll,
  sll2,
  udp,
  at,
} from './helpers/packet-builder.js';
import { asSortedEntries, tsharkSip } from './helpers/tshark-reference.js';

afterAll(removeTempCaptures);

const V4 = { src: '192.0.2.10', dst: '198.51.100.20' };
const V6 = { src: '2001:db8::10', dst: '2001:db8:0:1::20' };

/** The SIP messages every crafted capture carries, one per packet. */
const MESSAGES = [
  sipRequest('INVITE', 'link-1@example.com'),
  sipResponse(180, 'INVITE', 'link-1@example.com'),
  sipRequest('BYE', 'link-1@example.com', 2),
  sipResponse(200, 'BYE', 'link-1@example.com', 2),
];

function ipPacket(version: 4 | 6, payload: Uint8Array): Uint8Array {
  const datagram = udp(5060, 5062, payload);
  return version === 4
    ? ipv4({ ...V4, protocol: 17 }, datagram)
    : ipv6(V6.src, V6.dst, 17, datagram);
}

interface LinkCase {
  readonly name: string;
  readonly linkType: number;
  readonly frame: (ip: Uint8Array, version: 4 | 6) => Uint8Array;
  readonly versions?: readonly (4 | 6)[];
}

const etherTypeOf = (v: 4 | 6): number => (v === 4 ? ETH_IPV4 : ETH_IPV6);

/** A GRE packet carried in IPv4 over Ethernet, as a mirror port sends it. */
const tunnelled = (grePacket: Uint8Array): Uint8Array =>
  ethernet(ETH_IPV4, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 47 }, grePacket));

const CASES: readonly LinkCase[] = [
  { name: 'Ethernet', linkType: LINKTYPE.ethernet, frame: (ip, v) => ethernet(etherTypeOf(v), ip) },
  {
    name: 'Ethernet 802.1Q',
    linkType: LINKTYPE.ethernet,
    frame: (ip, v) => ethernet(etherTypeOf(v), ip, [100]),
  },
  {
    name: 'Ethernet QinQ',
    linkType: LINKTYPE.ethernet,
    frame: (ip, v) => ethernet(etherTypeOf(v), ip, [10, 20], true),
  },
  { name: 'Linux SLL', linkType: LINKTYPE.linuxSll, frame: (ip, v) => sll(etherTypeOf(v), ip) },
  { name: 'Linux SLL2', linkType: LINKTYPE.linuxSll2, frame: (ip, v) => sll2(etherTypeOf(v), ip) },
  {
    name: 'BSD NULL little-endian',
    linkType: LINKTYPE.null,
    frame: (ip, v) => nullLoopback(v === 4 ? 2 : 30, ip, true),
  },
  {
    name: 'BSD NULL big-endian',
    linkType: LINKTYPE.null,
    frame: (ip, v) => nullLoopback(v === 4 ? 2 : 24, ip, false),
  },
  { name: 'OpenBSD LOOP', linkType: LINKTYPE.loop, frame: (ip, v) => loop(v === 4 ? 2 : 24, ip) },
  { name: 'raw IP (101)', linkType: LINKTYPE.raw, frame: (ip) => ip },
  { name: 'raw IP (DLT 12)', linkType: LINKTYPE.rawOpenBsd, frame: (ip) => ip },
  { name: 'raw IP (DLT 14)', linkType: LINKTYPE.rawBsdOs, frame: (ip) => ip },
  { name: 'IPv4 (228)', linkType: LINKTYPE.ipv4, frame: (ip) => ip, versions: [4] },
  { name: 'IPv6 (229)', linkType: LINKTYPE.ipv6, frame: (ip) => ip, versions: [6] },
  {
    name: 'GRE transparent Ethernet',
    linkType: LINKTYPE.ethernet,
    frame: (ip, v) => tunnelled(gre(0x6558, ethernet(etherTypeOf(v), ip), { key: 0 })),
  },
  {
    name: 'ERSPAN type II',
    linkType: LINKTYPE.ethernet,
    frame: (ip, v) =>
      tunnelled(gre(0x88be, erspanII(ethernet(etherTypeOf(v), ip)), { sequence: 7 })),
  },
  {
    name: 'ERSPAN type III',
    linkType: LINKTYPE.ethernet,
    frame: (ip, v) =>
      tunnelled(gre(0x22eb, erspanIII(ethernet(etherTypeOf(v), ip), true), { sequence: 9 })),
  },
];

describe('link layers', () => {
  for (const c of CASES) {
    for (const version of c.versions ?? ([4, 6] as const)) {
      it(`${c.name}, IPv${version}`, async () => {
        const packets = MESSAGES.map((m, i) => ({
          sec: 1_700_000_000 + i,
          nsec: 0,
          data: c.frame(ipPacket(version, m), version),
        }));
        const file = writePcap({ linkType: c.linkType }, packets);
        const { events, stats, error } = await collect(file);
        expect(error).toBeUndefined();
        expect(events.map((e) => Buffer.from(e.bytes).toString())).toEqual(
          MESSAGES.map((m) => Buffer.from(m).toString()),
        );
        const addr = version === 4 ? V4 : V6;
        for (const e of events) {
          expect(e.src).toEqual({ ip: addr.src, port: 5060 });
          expect(e.dst).toEqual({ ip: addr.dst, port: 5062 });
          expect(e.transport).toBe('udp');
        }
        expect(stats.packets).toBe(MESSAGES.length);
        expect(stats.nonIp + stats.malformed + stats.unsupportedLinkType).toBe(0);
        const path = tempCapture(`${c.name.replace(/\W+/g, '-')}-v${version}.pcap`, file);
        const ingested = await ingestAll(path);
        const reference = tsharkSip(path);
        if (version === 6) {
          // tshark's ip.src/ip.dst are IPv4 only: for IPv6 inside an IPv4 tunnel
          // they name the tunnel; the IPv6 addresses were checked above.
          for (const row of reference.values()) {
            delete row.src;
            delete row.dst;
          }
        }
        expect(asSortedEntries(sipByFrame(ingested.events).rows)).toEqual(
          asSortedEntries(reference),
        );
      });
    }
  }

  it('counts frames without IP and link types it does not decode', async () => {
    const arp = ethernet(0x0806, new Uint8Array(28));
    const stp = Uint8Array.of(...new Uint8Array(12), 0x00, 0x26, ...new Uint8Array(38));
    const file = writePcap({ linkType: LINKTYPE.ethernet }, [
      { sec: 1, nsec: 0, data: arp },
      { sec: 2, nsec: 0, data: stp },
      { sec: 3, nsec: 0, data: ethernet(ETH_IPV4, ipPacket(4, at(MESSAGES, 0))) },
    ]);
    const { events, stats } = await collect(file);
    expect(events).toHaveLength(1);
    expect(stats.nonIp).toBe(2);
    const other = await collect(
      writePcap({ linkType: 147 }, [{ sec: 1, nsec: 0, data: ipPacket(4, at(MESSAGES, 0)) }]),
    );
    expect(other.events).toHaveLength(0);
    expect(other.stats.unsupportedLinkType).toBe(1);
  });
});
