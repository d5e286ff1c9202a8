/**
 * Robustness of the streaming reader: results do not depend on the chunk
 * size; progress is reported; a capture cut at any byte gives a located
 * error or a partial result, never a crash; random corruption (fast-check)
 * likewise, and ingest never throws on bad input at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import {
  CaptureError,
  LINKTYPE,
  ingestCapture,
  readCapture,
} from '../../generator/capture/index.js';
import type { CaptureEvent, FoundMessage } from '../../generator/capture/index.js';
import { addressText } from '../../generator/capture/ip-layer.js';
import { writePcap } from './helpers/capture-writer.js';
import { collect, ingestAll } from './helpers/collect.js';
import {
  ETH_IPV4,
  TCP,
  concat,
  ethernet,
  ipv4,
  ipv4Fragments,
  sipRequest,
  sipResponse,
  tcp,
  udp,
  at,
} from './helpers/packet-builder.js';

const CAPTURES = '/work/shared/captures';

/** A small crafted capture with UDP, TCP split over segments, and IPv4 fragments. */
function mixedCapture(): Uint8Array {
  const src = { src: '192.0.2.1', dst: '192.0.2.2' };
  const invite = sipRequest('INVITE', 'fuzz@example.com', 1, 'v=0\r\n'.repeat(40));
  const bye = sipRequest('BYE', 'fuzz@example.com', 2);
  const stream = concat(invite, bye);
  const frames = [
    ethernet(
      ETH_IPV4,
      ipv4(
        { ...src, protocol: 17 },
        udp(5060, 5060, sipResponse(200, 'OPTIONS', 'fuzz-0@example.com')),
      ),
    ),
    ethernet(
      ETH_IPV4,
      ipv4({ ...src, protocol: 6 }, tcp(40000, 5060, 100, 1, TCP.syn, new Uint8Array(0))),
    ),
    ethernet(
      ETH_IPV4,
      ipv4({ ...src, protocol: 6 }, tcp(40000, 5060, 101, 1, TCP.ack, stream.subarray(0, 70))),
    ),
    ethernet(
      ETH_IPV4,
      ipv4({ ...src, protocol: 6 }, tcp(40000, 5060, 171, 1, TCP.ack, stream.subarray(70))),
    ),
    ...ipv4Fragments({ ...src, protocol: 17, id: 9 }, udp(5060, 5060, invite), 96).map((f) =>
      ethernet(ETH_IPV4, f),
    ),
  ];
  return writePcap(
    { linkType: LINKTYPE.ethernet },
    frames.map((data, i) => ({ sec: 1000 + i, nsec: 0, data })),
  );
}

const key = (e: CaptureEvent): string =>
  `${e.frame}:${e.kind}:${Buffer.from(e.bytes).toString('latin1')}`;

const SMALL_INPUTS: [string, Uint8Array][] = [
  ['crafted mixed pcap', mixedCapture()],
  ['pkts__cancel.pcap', readFileSync(join(CAPTURES, 'pkts__cancel.pcap'))],
  ['wireshark-v4.0.17__sip.pcapng', readFileSync(join(CAPTURES, 'wireshark-v4.0.17__sip.pcapng'))],
];

describe('streaming', () => {
  it('gives the same events whatever the chunk size', async () => {
    const file = join(CAPTURES, 'heplify__sip_ipv4_tcp_fragmented.pcap');
    const reference = (await collect(file)).events.map(key);
    expect(reference.length).toBeGreaterThan(0);
    for (const chunkSize of [64, 1000, 4096]) {
      const { events, error } = await collect(file, { chunkSize });
      expect(error).toBeUndefined();
      expect(events.map(key)).toEqual(reference);
    }
  });

  it('hands a large chunk on in groups, and the same events with transient bytes', async () => {
    // About 400 KiB of UDP messages: one chunk read, several groups of 64 KiB decoded.
    const frames = Array.from({ length: 1200 }, (_, i) => ({
      sec: 1000 + i,
      nsec: 0,
      data: ethernet(
        ETH_IPV4,
        ipv4(
          { src: '192.0.2.1', dst: '192.0.2.2', protocol: 17 },
          udp(5060, 5060, sipRequest('MESSAGE', `group-${i}@example.com`, 1, 'x'.repeat(200))),
        ),
      ),
    }));
    const capture = writePcap({ linkType: LINKTYPE.ethernet }, frames);
    const read = async (transientBytes: boolean): Promise<[number, string[]]> => {
      let batches = 0;
      const keys: string[] = [];
      for await (const batch of readCapture(capture, { transientBytes }).batches()) {
        batches++;
        // Transient bytes are read before the next batch is asked for.
        for (const e of batch) keys.push(key(e));
      }
      return [batches, keys];
    };
    const [batches, copied] = await read(false);
    const [, viewed] = await read(true);
    expect(copied).toHaveLength(1200);
    expect(batches).toBeGreaterThan(4);
    expect(viewed).toEqual(copied);
  });

  it('hands each message as it is decoded (onMessage) as its event says, one batch a group', async () => {
    const what = (e: CaptureEvent): unknown => ({
      ...e,
      bytes: Buffer.from(e.bytes).toString('latin1'),
    });
    const found = (m: FoundMessage): unknown => ({
      frame: m.frame,
      time: { sec: m.sec, nsec: m.nsec },
      interface: m.interface,
      src: { ip: addressText(m.src), port: m.srcPort },
      dst: { ip: addressText(m.dst), port: m.dstPort },
      transport: m.transport,
      kind: m.kind,
      bytes: Buffer.from(m.bytes).toString('latin1'),
    });
    const files = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f));
    const inputs: [string, Uint8Array | string][] = [
      ['crafted mixed pcap', mixedCapture()],
      ...files.map((f): [string, string] => [f, join(CAPTURES, f)]),
    ];
    for (const [name, input] of inputs) {
      const events = await collect(input, { chunkSize: 4096 });
      const reader = readCapture(input, {
        chunkSize: 4096,
        onMessage: (m) => taken.push(found(m)),
      });
      const taken: unknown[] = [];
      let batches = 0;
      for await (const batch of reader.batches()) {
        batches++;
        expect(batch).toEqual([]);
      }
      expect(taken, name).toEqual(events.events.map(what));
      expect(reader.stats, name).toEqual(events.stats);
      if (name === 'crafted mixed pcap') expect(batches).toBeGreaterThan(1);
    }
  });

  it('takes only the messages that parsed with onMessage, the others as findings', async () => {
    const erspan = readFileSync(join(CAPTURES, 'heplify__erspan_sip_ipv4_udp.pcapng'));
    // SIP that does not parse; MBCP; a capture cut short (its finding last).
    const inputs = [
      erspan,
      readFileSync(join(CAPTURES, 'tbcp_mcpt_crafted.pcap')),
      erspan.subarray(0, erspan.length - 100),
    ];
    let findings = 0;
    for (const input of inputs) {
      const events = ingestCapture(input);
      const parsed: string[] = [];
      for await (const e of events)
        if (e.finding === undefined) parsed.push(`${e.frame} ${e.kind}`);
      const taken: string[] = [];
      const ingest = ingestCapture(input, { onMessage: (m) => taken.push(`${m.frame} ${m.kind}`) });
      for await (const batch of ingest.batches()) expect([...batch]).toEqual([]);
      expect(taken).toEqual(parsed);
      expect(taken.length).toBeGreaterThan(0);
      expect(ingest.findings).toEqual(events.findings);
      expect(ingest.counts).toEqual(events.counts);
      expect(ingest.stats).toEqual(events.stats);
      findings += ingest.findings.length;
    }
    expect(findings).toBeGreaterThan(6);
  });

  it('raises what onMessage throws as it is, not as a fault of the capture', async () => {
    const failure = new RangeError('the consumer failed');
    const reader = readCapture(mixedCapture(), {
      onMessage: () => {
        throw failure;
      },
    });
    await expect(async () => {
      for await (const _ of reader.batches()) void _;
    }).rejects.toBe(failure);
  });

  it('reports progress up to the file size', async () => {
    const file = join(CAPTURES, 'heplify__rtp_rtcp_sip_ipv4_udp.pcap');
    const seen: [number, number][] = [];
    await collect(file, {
      chunkSize: 65536,
      onProgress: (read, total) => seen.push([read, total]),
    });
    const size = readFileSync(file).length;
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual([size, size]);
    for (let i = 1; i < seen.length; i++)
      expect(at(seen, i)[0]).toBeGreaterThanOrEqual(at(seen, i - 1)[0]);
  });

  it('rejects a file that is not a capture with a located error', async () => {
    const { events, error } = await collect(
      new TextEncoder().encode('INVITE sip:a@b SIP/2.0\r\n'),
      { label: 'text.txt' },
    );
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).location).toEqual({ file: 'text.txt', offset: 0 });
    const missing = await collect(join(CAPTURES, 'no-such-file.pcap'));
    expect((missing.error as CaptureError).name).toBe('CaptureIoError');
  });

  it('can be iterated only once', async () => {
    const reader = readCapture(mixedCapture());
    for await (const _ of reader) void _;
    await expect(async () => {
      for await (const _ of reader) void _;
    }).rejects.toBeInstanceOf(CaptureError);
  });
});

describe('truncation at every byte', () => {
  for (const [name, bytes] of SMALL_INPUTS) {
    it(name, async () => {
      const full = await collect(bytes);
      expect(full.error).toBeUndefined();
      const all = full.events.map(key);
      expect(all.length).toBeGreaterThan(0);
      let errors = 0;
      for (let cut = 0; cut < bytes.length; cut++) {
        const { events, error } = await collect(bytes.subarray(0, cut), {
          label: name,
          chunkSize: 512,
        });
        // Whatever was found is what the whole file gives, in order (a cut fragment
        // or TCP segment may only lose messages, never invent or alter them).
        const got = events.map(key);
        let j = 0;
        for (const g of got) {
          while (j < all.length && all[j] !== g) j++;
          expect(j).toBeLessThan(all.length);
        }
        if (error !== undefined) {
          errors++;
          expect(error).toBeInstanceOf(CaptureError);
          const location = (error as CaptureError).location;
          expect(location.file).toBe(name);
          expect(location.offset).toBeLessThanOrEqual(cut);
        }
      }
      expect(errors).toBeGreaterThan(bytes.length / 2);
    });
  }
});

describe('random corruption', () => {
  it('never crashes or hangs the reader, and never makes ingest throw', async () => {
    const inputs = SMALL_INPUTS.map((i) => i[1]);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: inputs.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.constantFrom(64, 700, 1 << 20),
        async (which, edits, chunkSize) => {
          const bytes = Uint8Array.from(at(inputs, which));
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const { events, error, stats } = await collect(bytes, { chunkSize });
          if (error !== undefined) expect(error).toBeInstanceOf(CaptureError);
          for (const e of events) {
            expect(e.frame).toBeGreaterThan(0);
            expect(e.frame).toBeLessThanOrEqual(stats.packets + 64);
            expect(e.bytes.length).toBeGreaterThan(0);
          }
          const ingested = await ingestAll(bytes, { chunkSize });
          expect(ingested.events.length).toBe(events.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
