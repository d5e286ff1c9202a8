/**
 * TCP reassembly and SIP framing (RFC 3261 section 18.3): several messages
 * in one segment, one message over several, out-of-order and retransmitted
 * segments, a capture that starts mid-stream, lost segments, bounded
 * buffers, and SIP over WebSocket (RFC 7118). Where tshark's defaults
 * reassemble the same way, its listing of the crafted file is compared too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../generator/capture/index.js';
import { writePcap } from './helpers/capture-writer.js';
import {
  ascii,
  collect,
  ingestAll,
  sipByFrame,
  tempCapture,
  removeTempCaptures,
} from './helpers/collect.js';
import {
  ETH_IPV4,
  ETH_IPV6,
  TCP,
  concat,
  ethernet,
  ipv4,
  ipv6,
  sipRequest,
  sipResponse,
  tcp,
  at,
} from './helpers/packet-builder.js';
import { asSortedEntries, tsharkSip } from './helpers/tshark-reference.js';

afterAll(removeTempCaptures);

const A = { ip: '192.0.2.1', port: 40000 };
const B = { ip: '192.0.2.2', port: 5060 };

interface Segment {
  readonly from: 'a' | 'b';
  readonly seq: number;
  readonly flags?: number;
  readonly data?: Uint8Array;
}

const ISN = { a: 1000, b: 500000 };

function frames(segments: readonly Segment[], version: 4 | 6 = 4): Uint8Array {
  return writePcap(
    { linkType: LINKTYPE.ethernet },
    segments.map((s, i) => {
      const [src, dst] = s.from === 'a' ? [A, B] : [B, A];
      const t = tcp(
        src.port,
        dst.port,
        s.seq,
        1,
        s.flags ?? TCP.ack | TCP.psh,
        s.data ?? new Uint8Array(0),
      );
      const ip =
        version === 4
          ? ethernet(ETH_IPV4, ipv4({ src: src.ip, dst: dst.ip, protocol: 6 }, t))
          : ethernet(
              ETH_IPV6,
              ipv6(
                src.ip === A.ip ? '2001:db8::1' : '2001:db8::2',
                src.ip === A.ip ? '2001:db8::2' : '2001:db8::1',
                6,
                t,
              ),
            );
      return { sec: 1_700_000_000 + i, nsec: 0, data: ip };
    }),
  );
}

/** Cuts `stream` into segments at the given offsets, from direction a starting after the SYN. */
function cut(stream: Uint8Array, offsets: readonly number[], from: 'a' | 'b' = 'a'): Segment[] {
  const bounds = [0, ...offsets, stream.length];
  const out: Segment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    out.push({
      from,
      seq: ISN[from] + 1 + at(bounds, i),
      data: stream.subarray(at(bounds, i), at(bounds, i + 1)),
    });
  }
  return out;
}

const handshake: Segment[] = [
  { from: 'a', seq: ISN.a, flags: TCP.syn },
  { from: 'b', seq: ISN.b, flags: TCP.syn | TCP.ack },
  { from: 'a', seq: ISN.a + 1, flags: TCP.ack },
];

const M1 = sipRequest(
  'INVITE',
  'tcp-1@example.com',
  1,
  'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n',
);
const M2 = sipRequest('ACK', 'tcp-1@example.com', 1);
const M3 = sipRequest('BYE', 'tcp-1@example.com', 2);
const STREAM = concat(M1, M2, M3);
/** The same with a CRLF keep-alive (RFC 5626 section 3.5.1) between messages; tshark stops at it. */
const STREAM_KEEPALIVE = concat(M1, ascii('\r\n\r\n'), M2, M3);
const texts = (events: readonly { bytes: Uint8Array }[]): string[] =>
  events.map((e) => Buffer.from(e.bytes).toString());
const EXPECTED = [M1, M2, M3].map((m) => Buffer.from(m).toString());

async function likeTshark(name: string, file: Uint8Array): Promise<void> {
  const path = tempCapture(name, file);
  const { events } = await ingestAll(path);
  expect(asSortedEntries(sipByFrame(events).rows)).toEqual(asSortedEntries(tsharkSip(path)));
}

describe('TCP SIP framing', () => {
  it('frames several messages in one segment', async () => {
    const file = frames([...handshake, ...cut(STREAM, [])]);
    const { events, error } = await collect(file);
    expect(error).toBeUndefined();
    expect(texts(events)).toEqual(EXPECTED);
    expect(events.every((e) => e.frame === 4 && e.transport === 'tcp')).toBe(true);
    expect(at(events, 0).src).toEqual(A);
    await likeTshark('tcp-packed.pcap', file);
    const keepalive = await collect(frames([...handshake, ...cut(STREAM_KEEPALIVE, [])]));
    expect(texts(keepalive.events)).toEqual(EXPECTED);
  });

  it('frames one message over several segments, at every split point of the first message', async () => {
    for (let split = 1; split < M1.length; split += 7) {
      const file = frames([...handshake, ...cut(STREAM, [split, M1.length + 10])]);
      const { events } = await collect(file);
      expect(texts(events)).toEqual(EXPECTED);
      expect(events.map((e) => e.frame)).toEqual([5, 6, 6]);
    }
    await likeTshark(
      'tcp-split.pcap',
      frames([...handshake, ...cut(STREAM, [40, 200, M1.length + 3])]),
    );
  });

  it('works over IPv6 and in both directions at once', async () => {
    const answer = sipResponse(200, 'BYE', 'tcp-1@example.com', 2);
    const file = frames(
      [...handshake, ...cut(STREAM, [100]), ...cut(answer, [20], 'b')].sort((x, y) =>
        x.from === y.from ? 0 : 0,
      ),
      6,
    );
    const { events } = await collect(file);
    expect(texts(events)).toEqual([...EXPECTED, Buffer.from(answer).toString()]);
    expect(at(events, -1).src).toEqual({ ip: '2001:db8::2', port: 5060 });
    await likeTshark('tcp-v6.pcap', file);
  });

  it('reorders out-of-order segments and ignores retransmissions and overlaps', async () => {
    const parts = cut(STREAM, [30, 90, 250, M1.length + 5]);
    const overlap: Segment = {
      from: 'a',
      seq: at(parts, 1).seq - 10,
      data: STREAM.subarray(20, 100),
    };
    const order = [
      at(parts, 0),
      at(parts, 2),
      at(parts, 1),
      at(parts, 1),
      overlap,
      at(parts, 4),
      at(parts, 3),
      at(parts, 4),
    ];
    const { events, stats } = await collect(frames([...handshake, ...order]));
    expect(texts(events)).toEqual(EXPECTED);
    expect(stats.tcpBytesSkipped).toBe(0);
  });

  it('follows sequence numbers across the 2^32 wrap (RFC 9293 section 3.4)', async () => {
    const base = 2 ** 32 - 100;
    const parts = cut(STREAM, [60, 150, M1.length + 2]).map((p) => ({
      ...p,
      seq: (base + (p.seq - ISN.a - 1)) % 2 ** 32,
    }));
    const syn: Segment = { from: 'a', seq: base - 1, flags: TCP.syn };
    const order = [syn, at(parts, 0), at(parts, 2), at(parts, 1), at(parts, 3)];
    const { events, stats } = await collect(frames(order));
    expect(texts(events)).toEqual(EXPECTED);
    expect(stats.tcpBytesSkipped).toBe(0);
  });

  it('joins a capture that starts mid-stream at the next SIP start line', async () => {
    const tail = M1.subarray(50);
    const stream = concat(tail, M2, M3);
    const file = frames(
      cut(stream, [tail.length - 5, tail.length + 30]).map((s) => ({ ...s, seq: s.seq + 123456 })),
    );
    const { events } = await collect(file);
    // tshark (4.0) takes the partial message for a SIP continuation and misses
    // the two whole messages after it, so it is not the reference here.
    expect(texts(events)).toEqual([M2, M3].map((m) => Buffer.from(m).toString()));
    expect(events.map((e) => e.frame)).toEqual([3, 3]);
  });

  it('skips a segment that never arrives and resynchronises', async () => {
    const parts = cut(STREAM, [30, 90, M1.length + 4]);
    const lost = [at(parts, 0), at(parts, 2), at(parts, 3)];
    const { events, stats } = await collect(frames([...handshake, ...lost]), {
      tcp: { gapTimeoutSeconds: 0 },
    });
    expect(texts(events)).toEqual(EXPECTED.slice(1));
    expect(stats.tcpBytesSkipped).toBeGreaterThanOrEqual(60);
  });

  it('bounds the out-of-order buffer of a direction', async () => {
    const big = concat(
      ...Array.from({ length: 200 }, (_, i) =>
        sipRequest('MESSAGE', `flood-${i}@example.com`, i + 1),
      ),
    );
    const parts = cut(
      big,
      Array.from({ length: 199 }, (_, i) => (i + 1) * Math.floor(big.length / 200)),
    );
    // The first segment never arrives: everything else waits out of order until the limit.
    const limit = 16 << 10;
    const reader = await collect(frames([...handshake, ...parts.slice(1)]), {
      tcp: { maxBufferedPerDirection: limit, gapTimeoutSeconds: 1e9 },
    });
    expect(reader.stats.tcpBytesSkipped).toBeGreaterThan(0);
    // Messages after the skipped gap are still found.
    expect(reader.events.length).toBeGreaterThan(150);
  });
});

describe('SIP over WebSocket', () => {
  function wsFrame(
    payload: Uint8Array,
    mask: readonly number[] | undefined,
    opcode = 1,
    fin = true,
  ): Uint8Array {
    const header: number[] = [(fin ? 0x80 : 0) | opcode];
    const m = mask ? 0x80 : 0;
    if (payload.length < 126) header.push(m | payload.length);
    else header.push(m | 126, payload.length >> 8, payload.length & 0xff);
    const body = mask ? payload.map((b, i) => b ^ at(mask, i % 4)) : payload;
    return concat(Uint8Array.from(header), Uint8Array.from(mask ?? []), body);
  }

  it('decodes masked and unmasked frames after the Upgrade handshake, also fragmented messages', async () => {
    const request = ascii(
      'GET / HTTP/1.1\r\nHost: 192.0.2.2\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const response = ascii(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n',
    );
    const mask = [0x12, 0x34, 0x56, 0x78];
    const clientStream = concat(
      request,
      wsFrame(M1, mask),
      wsFrame(M2.subarray(0, 40), mask, 1, false),
      wsFrame(M2.subarray(40), mask, 0, true),
      wsFrame(ascii('ping'), mask, 9),
    );
    const answer = sipResponse(200, 'INVITE', 'tcp-1@example.com');
    const serverStream = concat(response, wsFrame(answer, undefined));
    const file = frames([
      ...handshake,
      ...cut(clientStream, [request.length, request.length + 100]),
      ...cut(serverStream, [response.length], 'b'),
    ]);
    const { events } = await collect(file);
    expect(texts(events)).toEqual([M1, M2, answer].map((m) => Buffer.from(m).toString()));
    expect(events.every((e) => e.transport === 'ws')).toBe(true);
  });
});
