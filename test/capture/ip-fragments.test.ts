/**
 * IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragment reassembly: in
 * order, out of order, repeated, with extension headers, with timeouts in
 * capture time and bounded buffers. Crafted captures are also read by
 * tshark, which must list the same SIP in the same frames.
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
  ethernet,
  ipv4,
  ipv4Fragments,
  ipv6,
  ipv6Fragments,
  sipRequest,
  sipResponse,
  udp,
  at,
} from './helpers/packet-builder.js';
import { asSortedEntries, tsharkSip } from './helpers/tshark-reference.js';

afterAll(removeTempCaptures);

const BODY = `v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n${'a=x-padding:0123456789abcdef\r\n'.repeat(60)}`;
const BIG = sipRequest('INVITE', 'frag-1@example.com', 1, BODY);
const SMALL = sipResponse(100, 'INVITE', 'frag-1@example.com');

/** Frames as [sec, frame] in the given order. */
function capture(frames: readonly Uint8Array[], times?: readonly number[]): Uint8Array {
  return writePcap(
    { linkType: LINKTYPE.ethernet },
    frames.map((data, i) => ({ sec: times?.[i] ?? 1_700_000_000 + i, nsec: 0, data })),
  );
}

function v4Fragments(id: number): Uint8Array[] {
  return ipv4Fragments(
    { src: '192.0.2.1', dst: '192.0.2.2', protocol: 17, id },
    udp(5060, 5060, BIG),
    600,
  ).map((f) => ethernet(ETH_IPV4, f));
}

function v6Fragments(id: number): Uint8Array[] {
  return ipv6Fragments('2001:db8::1', '2001:db8::2', 17, udp(5060, 5060, BIG), 600, id).map((f) =>
    ethernet(ETH_IPV6, f),
  );
}

async function expectLikeTshark(name: string, file: Uint8Array): Promise<void> {
  const path = tempCapture(name, file);
  const { events } = await ingestAll(path);
  expect(asSortedEntries(sipByFrame(events).rows)).toEqual(asSortedEntries(tsharkSip(path)));
}

describe('IP fragment reassembly', () => {
  for (const [name, make] of [
    ['IPv4', v4Fragments],
    ['IPv6', v6Fragments],
  ] as const) {
    it(`${name}: in order, out of order and repeated fragments give the whole message once`, async () => {
      const parts = make(7);
      expect(parts.length).toBeGreaterThan(2);
      const small = ethernet(
        ETH_IPV4,
        ipv4({ src: '192.0.2.2', dst: '192.0.2.1', protocol: 17 }, udp(5060, 5060, SMALL)),
      );
      const shuffled = [
        at(parts, 2),
        at(parts, 0),
        at(parts, 0),
        ...parts.slice(3).reverse(),
        at(parts, 1),
      ];
      for (const [label, order] of [
        ['in-order', [...parts, small]],
        ['shuffled', [...shuffled, small]],
      ] as const) {
        const file = capture(order);
        const { events, stats, error } = await collect(file);
        expect(error).toBeUndefined();
        expect(events.map((e) => Buffer.from(e.bytes).toString())).toEqual([
          Buffer.from(BIG).toString(),
          Buffer.from(SMALL).toString(),
        ]);
        // The message belongs to the frame of the fragment that completed it.
        expect(at(events, 0).frame).toBe(order.length - 1);
        expect(stats.reassembled).toBe(1);
        expect(stats.fragments).toBe(order.length - 1);
        await expectLikeTshark(`${name}-${label}.pcap`, file);
      }
    });
  }

  it('IPv6: walks extension headers before and after the Fragment header', async () => {
    const datagram = udp(5062, 5060, BIG);
    // Destination Options inside the fragmentable part, before UDP.
    const fragmentable = new Uint8Array(8 + datagram.length);
    fragmentable.set([17, 0, 1, 4, 0, 0, 0, 0], 0);
    fragmentable.set(datagram, 8);
    const fragments = ipv6Fragments('2001:db8::1', '2001:db8::2', 60, fragmentable, 504, 99).map(
      (f) => {
        // Put a Hop-by-Hop Options header before the Fragment header.
        const hop = Uint8Array.of(44, 0, 1, 4, 0, 0, 0, 0);
        const out = new Uint8Array(f.length + 8);
        out.set(f.subarray(0, 40), 0);
        out[6] = 0;
        out[4] = ((f.length - 40 + 8) >> 8) & 0xff;
        out[5] = (f.length - 40 + 8) & 0xff;
        out.set(hop, 40);
        out.set(f.subarray(40), 48);
        return ethernet(ETH_IPV6, out);
      },
    );
    const unfragmented = ethernet(
      ETH_IPV6,
      ipv6('2001:db8::2', '2001:db8::1', 17, udp(5060, 5062, SMALL), [{ type: 0 }, { type: 60 }]),
    );
    const file = capture([at(fragments, 1), unfragmented, at(fragments, 0), ...fragments.slice(2)]);
    const { events } = await collect(file);
    expect(events.map((e) => Buffer.from(e.bytes).toString())).toEqual([
      Buffer.from(SMALL).toString(),
      Buffer.from(BIG).toString(),
    ]);
    expect(at(events, 1).src).toEqual({ ip: '2001:db8::1', port: 5062 });
    await expectLikeTshark('v6-extensions.pcap', file);
  });

  it('drops a datagram whose fragments span more than the timeout in capture time', async () => {
    const parts = v4Fragments(3);
    const times = parts.map((_, i) => 1_700_000_000 + (i === parts.length - 1 ? 120 : i));
    const { events, stats } = await collect(capture(parts, times), {
      reassembly: { timeoutSeconds: 30 },
    });
    expect(events).toHaveLength(0);
    expect(stats.reassemblyDropped).toBeGreaterThanOrEqual(1);
    const inTime = await collect(capture(parts, times), { reassembly: { timeoutSeconds: 300 } });
    expect(inTime.events).toHaveLength(1);
  });

  it('keeps its buffers bounded when datagrams never complete', async () => {
    const frames: Uint8Array[] = [];
    for (let id = 0; id < 200; id++) frames.push(at(v4Fragments(id), 0));
    const complete = v4Fragments(1000);
    const file = capture([...frames, ...complete]);
    const limits = { maxDatagrams: 16, maxBytes: 64 << 10, timeoutSeconds: 1e9 };
    const { events, stats } = await collect(file, { reassembly: limits });
    expect(events).toHaveLength(1);
    expect(stats.reassemblyDropped).toBeGreaterThanOrEqual(200 - limits.maxDatagrams);
  });

  it('drops overlapping IPv6 fragments (RFC 5722)', async () => {
    const parts = ipv6Fragments('2001:db8::1', '2001:db8::2', 17, udp(5060, 5060, BIG), 600, 5);
    const overlapping = at(
      ipv6Fragments('2001:db8::1', '2001:db8::2', 17, udp(5060, 5060, BIG), 400, 5),
      1,
    );
    const file = capture(
      [at(parts, 0), overlapping, ...parts.slice(1)].map((f) => ethernet(ETH_IPV6, f)),
    );
    const { events, stats } = await collect(file);
    expect(events).toHaveLength(0);
    expect(stats.reassemblyDropped).toBeGreaterThanOrEqual(1);
  });
});
