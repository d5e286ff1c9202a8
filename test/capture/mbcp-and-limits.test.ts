/**
 * MBCP (RTCP APP `PoC1`, RFC 3550 section 6.7) found in UDP on any port,
 * also inside compound RTCP packets, and decoded with the runtime codec;
 * plus the reader's bounded state: snap-length truncation counted, TCP
 * directions beyond the table limit forgotten, buffers held at a bound.
 */
import { describe, expect, it } from 'vitest';
import { LINKTYPE, readCapture } from '../../generator/capture/index.js';
import { encodeMbcp } from '../../runtime/mbcp/index.js';
import type { MbcpMessage } from '../../runtime/mbcp/index.js';
import { writePcap } from './helpers/capture-writer.js';
import { collect, ingestAll } from './helpers/collect.js';
import {
  ETH_IPV4,
  TCP,
  at,
  concat,
  ethernet,
  ipv4,
  sipRequest,
  tcp,
  udp,
} from './helpers/packet-builder.js';

const IP = { src: '192.0.2.1', dst: '192.0.2.2' };

function udpFrame(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  return ethernet(ETH_IPV4, ipv4({ ...IP, protocol: 17 }, udp(srcPort, dstPort, payload)));
}

/** An RTCP Receiver Report with no report blocks (RFC 3550 section 6.4.2). */
function receiverReport(ssrc: number): Uint8Array {
  return Uint8Array.of(
    0x80,
    201,
    0,
    1,
    ssrc >>> 24,
    (ssrc >>> 16) & 0xff,
    (ssrc >>> 8) & 0xff,
    ssrc & 0xff,
  );
}

describe('MBCP', () => {
  it('finds PoC1 APP packets alone and inside compound RTCP, on any port, and decodes them', async () => {
    const messages: MbcpMessage[] = [
      { kind: 'Disconnect', ssrc: 0x11223344, ackRequired: false },
      {
        kind: 'Release',
        ssrc: 0x55667788,
        ackRequired: false,
        lastSeqNo: 4711,
        ignoreSeqNo: false,
      },
      { kind: 'Idle', ssrc: 0x01020304, ackRequired: false },
    ];
    const [disconnect, release, idle] = messages.map((m) => new Uint8Array(encodeMbcp(m)));
    const frames = [
      udpFrame(40001, 40002, at([disconnect], 0)),
      udpFrame(5000, 6000, concat(receiverReport(7), at([release], 0), at([idle], 0))),
      udpFrame(40001, 40002, receiverReport(8)),
    ];
    const file = writePcap(
      { linkType: LINKTYPE.ethernet },
      frames.map((data, i) => ({ sec: 100 + i, nsec: 0, data })),
    );
    const { events, findings } = await ingestAll(file);
    expect(findings).toEqual([]);
    expect(events.map((e) => [e.frame, e.kind])).toEqual([
      [1, 'mbcp'],
      [2, 'mbcp'],
      [2, 'mbcp'],
    ]);
    expect(events.map((e) => (e.kind === 'mbcp' ? e.mbcp : undefined))).toEqual(messages);
    const none = await collect(file, { mbcp: false });
    expect(none.events).toEqual([]);
  });
});

describe('bounded state', () => {
  it('counts packets cut short by the snap length and still reads what was captured', async () => {
    const whole = udpFrame(5060, 5060, sipRequest('OPTIONS', 'snap@example.com'));
    const file = writePcap({ linkType: LINKTYPE.ethernet, snapLength: 120 }, [
      { sec: 1, nsec: 0, data: whole.subarray(0, 120), originalLength: whole.length },
      { sec: 2, nsec: 0, data: whole },
    ]);
    const { events, stats } = await collect(file);
    expect(stats.truncated).toBe(1);
    expect(events.map((e) => e.frame)).toEqual([1, 2]);
    expect(events[0]?.bytes.length).toBeLessThan(at(events, 1).bytes.length);
  });

  it('forgets TCP directions beyond the table and byte limits, holding buffers within bounds', async () => {
    const frames: Uint8Array[] = [];
    const streams = 100;
    for (let i = 0; i < streams; i++) {
      const message = sipRequest('MESSAGE', `many-${i}@example.com`);
      // Each stream sends the first half of a message now and the rest later.
      frames.push(
        ethernet(
          ETH_IPV4,
          ipv4(
            { ...IP, protocol: 6 },
            tcp(20000 + i, 5060, 1, 1, TCP.ack, message.subarray(0, 100)),
          ),
        ),
      );
    }
    // The second halves come newest stream first.
    for (let i = streams - 1; i >= 0; i--) {
      const message = sipRequest('MESSAGE', `many-${i}@example.com`);
      frames.push(
        ethernet(
          ETH_IPV4,
          ipv4(
            { ...IP, protocol: 6 },
            tcp(20000 + i, 5060, 101, 1, TCP.ack, message.subarray(100)),
          ),
        ),
      );
    }
    const file = writePcap(
      { linkType: LINKTYPE.ethernet },
      frames.map((data, i) => ({ sec: 1000 + i, nsec: 0, data })),
    );
    const roomy = readCapture(file, { chunkSize: 4096 });
    let found = 0;
    for await (const _ of roomy) found++;
    expect(found).toBe(streams);
    const limit = 10;
    const tight = readCapture(file, { chunkSize: 4096, tcp: { maxDirections: limit } });
    found = 0;
    for await (const _ of tight) found++;
    // Only the last `limit` directions survive until their second half arrives.
    expect(found).toBe(limit);
    expect(tight.peakBytesHeld).toBeLessThanOrEqual(limit * 100);
    expect(roomy.peakBytesHeld).toBeGreaterThan(tight.peakBytesHeld);
    const capped = readCapture(file, { chunkSize: 4096, tcp: { maxBufferedTotal: 500 } });
    found = 0;
    for await (const _ of capped) found++;
    expect(capped.peakBytesHeld).toBeLessThanOrEqual(500);
    expect(found).toBeGreaterThanOrEqual(1);
    expect(found).toBeLessThan(streams);
  });
});
