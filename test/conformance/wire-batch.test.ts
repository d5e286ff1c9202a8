/**
 * Batches of observed messages between the diff's reading and engine
 * threads (generator/conformance/wire-batch.ts), and the parser's `checked`
 * mode the engine side reads them with: what comes out is what went in, and
 * a message parsed as checked reads as the strict parse does.
 */
import { describe, expect, it } from 'vitest';
import { WireBatchReader, WireBatchWriter } from '../../generator/conformance/wire-batch.js';
import type { ObservedMessage } from '../../generator/conformance/observed.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { transmissionIdentity } from '../../generator/conformance/instance.js';
import { ingestCapture, toSipEvent } from '../../generator/capture/index.js';
import type { CaptureEvent } from '../../generator/capture/index.js';
import { encodeMbcp } from '../../runtime/mbcp/index.js';
import {
  getCSeq,
  getFrom,
  getTopVia,
  parseMessage,
  type SipMessage,
} from '../../runtime/sip/message/index.js';

const INVITE = [
  'INVITE sip:bob@example.net SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-abc;rport, SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK-old',
  'Max-Forwards: 70',
  'From: "Al\u00e9" <sip:alice@example.net>;tag=1928',
  'To: <sip:bob@example.net>',
  'Call-ID: a84b4c76e66710@pc33',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@192.0.2.1>',
  'Subject: folded',
  '  over two lines',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\nextra bytes past Content-Length',
].join('\r\n');

const RESPONSE = [
  'SIP/2.0 200 OK',
  'v: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK-t',
  'f: <sip:a@x>;tag=1',
  't: <sip:b@y>;tag=2',
  'i: tcp-1',
  'CSeq: 2 BYE',
  'l: 0',
  '',
  '',
].join('\r\n');

function sip(
  frame: number,
  text: string,
  transport: ObservedMessage['transport'],
  ip: string,
): ObservedMessage {
  const wire = new Uint8Array(Buffer.from(text, 'utf8'));
  const mode = transport === 'tcp' ? 'stream' : 'datagram';
  return {
    frame,
    time: { sec: 1_700_000_000 + frame, nsec: 123_456_789 },
    src: { ip, port: 5060 + frame },
    dst: { ip: '198.51.100.7', port: 5060 },
    transport,
    sip: parseMessage(wire, { transport: mode }),
    wire,
  };
}

/** What an observed message says, for comparison (the parsed message by its headers and body). */
function view(o: ObservedMessage): unknown {
  const m: SipMessage | undefined = o.sip;
  return {
    frame: o.frame,
    time: { sec: o.time.sec, nsec: o.time.nsec },
    src: o.src,
    dst: o.dst,
    transport: o.transport,
    wire: Buffer.from(o.wire ?? []).toString('latin1'),
    mbcp: o.mbcp,
    sip: m && {
      start: m.kind === 'request' ? `${m.method} ${m.requestUri}` : `${m.status} ${m.reason}`,
      headers: [...m.headers].map((f) => [f.name, f.value]),
      body: Buffer.from(m.body).toString('latin1'),
    },
  };
}

describe('wire batches', () => {
  it('give back every message as it went in, SIP over UDP and TCP and MBCP, IPv4 and IPv6', () => {
    const mbcpWire = encodeMbcp({ kind: 'Idle', ssrc: 7, ackRequired: false });
    const messages: ObservedMessage[] = [
      sip(1, INVITE, 'udp', '192.0.2.1'),
      sip(2, RESPONSE, 'tcp', '2001:db8::1'),
      {
        frame: 3,
        time: { sec: 5, nsec: 0 },
        src: { ip: '192.0.2.1', port: 40_001 },
        dst: { ip: '198.51.100.7', port: 40_003 },
        transport: 'udp',
        mbcp: { kind: 'Idle', ssrc: 7, ackRequired: false },
        wire: mbcpWire,
      },
      sip(4, INVITE, 'ws', '192.0.2.1'),
    ];
    const writer = new WireBatchWriter(3, 1024);
    const batches = [];
    for (const o of messages) {
      writer.add(o);
      if (writer.full) batches.push(writer.take());
    }
    batches.push(writer.take());
    expect(batches.map((b) => b.count)).toEqual([3, 1]);
    // The first batch's addresses travel once each.
    expect(batches[0]?.ips).toEqual(['192.0.2.1', '198.51.100.7', '2001:db8::1']);
    const reader = new WireBatchReader();
    const back = batches.flatMap((b) => [...reader.messages(b)]);
    expect(back.map(view)).toEqual(messages.map(view));
    // One text per address across batches.
    expect(back[3]?.src.ip).toBe(back[0]?.src.ip);
  });

  it('give a message larger than the batch a chunk of its own, and hand over buffers of their own', () => {
    const small = sip(1, RESPONSE, 'udp', '192.0.2.1');
    const big = sip(2, INVITE.replace('v=0', `v=0${'x'.repeat(5000)}`), 'udp', '192.0.2.1');
    const writer = new WireBatchWriter(8, 256);
    writer.add(small);
    writer.add(big);
    writer.add(small);
    expect(writer.full).toBe(true);
    const batch = writer.take();
    // The small ones share a chunk; the large one has its bytes alone.
    expect(batch.chunks.map((c) => [c.byteOffset, c.length, c.buffer.byteLength])).toEqual([
      [0, 16 * 1024, 16 * 1024],
      [0, big.wire?.length, big.wire?.length],
    ]);
    const back = [...new WireBatchReader().messages(batch)];
    expect(back.map(view)).toEqual([small, big, small].map(view));
    // A message pins its chunk, not the whole batch.
    expect(back[0]?.wire?.buffer).toBe(batch.chunks[0]?.buffer);
    expect(back[2]?.wire?.buffer).toBe(batch.chunks[0]?.buffer);
    expect(back[1]?.wire?.buffer).toBe(batch.chunks[1]?.buffer);
    // The next batch starts chunks of its own (these are handed over, maybe to another thread).
    writer.add(small);
    expect(writer.take().chunks[0]).not.toBe(batch.chunks[0]);
  });

  it('carry the layout of the parse that read the message, and build the message from it', () => {
    const plain = RESPONSE.replace('i: tcp-1', 'i: tcp-1\r\nX-Odd-Name: 1\r\nx-odd-name: 2');
    const writer = new WireBatchWriter();
    const wire = new Uint8Array(Buffer.from(plain, 'utf8'));
    // The reading side's parse keeps its layout in the writer's: the writer does not parse again.
    const o: ObservedMessage = {
      ...sip(1, plain, 'tcp', '192.0.2.1'),
      sip: parseMessage(wire, { transport: 'stream', layout: writer.layout }),
      wire,
    };
    expect(writer.layout.bytes).toBe(wire);
    writer.add(o);
    writer.add(sip(2, plain, 'tcp', '192.0.2.1'));
    const batch = writer.take();
    // The names that are not common spellings travel once, as the batch's table.
    expect(batch.names).toEqual(['X-Odd-Name', 'x-odd-name']);
    const back = [...new WireBatchReader().messages(batch)];
    expect(back.map(view)).toEqual([o, sip(2, plain, 'tcp', '192.0.2.1')].map(view));
    expect(back[0]?.sip?.headers.getAll('x-odd-name')).toEqual(['1', '2']);
    // One endpoint object for every message from one address and port.
    expect(back[1]?.dst).toBe(back[0]?.dst);
  });

  it('take captured events whose messages were only checked, as their observed messages', () => {
    const writer = new WireBatchWriter();
    const messages = [
      sip(1, INVITE, 'udp', '192.0.2.1'),
      sip(2, RESPONSE, 'tcp', '2001:db8::1'),
      {
        ...sip(3, RESPONSE, 'udp', '192.0.2.1'),
        wire: new Uint8Array(Buffer.from('BYE sip:b@y SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n')),
      },
    ];
    const events = messages.map((o) => {
      const raw: CaptureEvent = {
        frame: o.frame,
        time: o.time,
        interface: 0,
        src: o.src,
        dst: o.dst,
        transport: o.transport,
        kind: 'sip',
        bytes: o.wire ?? new Uint8Array(0),
      };
      return toSipEvent(raw, writer.layout, true);
    });
    // Only checked: no message made; the one that does not parse has its finding.
    expect(events.map((e) => e.message)).toEqual([undefined, undefined, undefined]);
    expect(events.map((e) => e.finding?.kind)).toEqual([undefined, undefined, 'sip-parse-error']);
    for (const e of events) writer.addEvent(e);
    const batch = writer.take();
    expect(batch.count).toBe(2);
    const back = [...new WireBatchReader().messages(batch)];
    expect(back.map(view)).toEqual(messages.slice(0, 2).map(view));
  });

  it('take messages as the capture reader decodes them, as their events', async () => {
    const captures = '/work/shared/captures';
    // IPv4 over UDP, TCP and WebSocket, IPv6, MBCP.
    for (const file of [
      'zeek__sip_wireshark.pcap',
      'heplify__sip_tcp_websocket.pcap',
      'sngrep__ipv6frag.pcap',
      'tbcp_mcpt_crafted.pcap',
    ]) {
      const input = join(captures, file);
      const byEvent = new WireBatchWriter(1 << 20, 1 << 30);
      const events = ingestCapture(input, { layout: byEvent.layout, checkOnly: true });
      for await (const batch of events.batches()) for (const e of batch) byEvent.addEvent(e);
      const found = new WireBatchWriter(1 << 20, 1 << 30);
      const taken = ingestCapture(input, {
        layout: found.layout,
        onMessage: (m) => found.addFound(m),
      });
      for await (const _ of taken.batches()) void _;
      const a = byEvent.take();
      const b = found.take();
      expect(b.count, file).toBe(a.count);
      expect(b.count, file).toBeGreaterThan(0);
      // One text per address: an IPv4 address's number stands for it.
      expect(b.ips, file).toEqual(a.ips);
      expect(b.laid, file).toEqual(a.laid);
      const reader = new WireBatchReader();
      expect([...reader.messages(b)].map(view), file).toEqual([...reader.messages(a)].map(view));
    }
  });

  it("carry each laid-out SIP message's transmission identity, the one the engine works out", async () => {
    const captures = '/work/shared/captures';
    let carried = 0;
    for (const file of readdirSync(captures).filter((f) => /\.pcap(ng)?$/.test(f))) {
      const input = join(captures, file);
      const writer = new WireBatchWriter(1 << 20, 1 << 30);
      const taken = ingestCapture(input, {
        layout: writer.layout,
        onMessage: (m) => writer.addFound(m),
      });
      for await (const _ of taken.batches()) void _;
      for (const o of new WireBatchReader().messages(writer.take())) {
        const low = o.transmissionLow ?? -1;
        // The same message without it: the engine works it out from the message it built.
        const bare = { ...o, transmissionHigh: undefined, transmissionLow: undefined };
        if (o.sip === undefined) expect(low, `${file} frame ${o.frame}`).toBe(-1);
        if (low < 0) continue;
        carried++;
        expect(transmissionIdentity(o), `${file} frame ${o.frame}`).toBe(
          transmissionIdentity(bare),
        );
      }
    }
    expect(carried).toBeGreaterThan(100);
    // Messages differing only in a part of the identity have different ones.
    const base = sip(1, RESPONSE, 'udp', '192.0.2.1');
    const variants = [
      RESPONSE,
      RESPONSE.replace('SIP/2.0 200 OK', 'SIP/2.0 180 Ringing'),
      RESPONSE.replace('branch=z9hG4bK-t', 'branch=z9hG4bK-u'),
      RESPONSE.replace('CSeq: 2 BYE', 'CSeq: 3 BYE'),
    ];
    const writer = new WireBatchWriter();
    for (const [i, text] of variants.entries())
      writer.add({ ...sip(1, text, 'udp', '192.0.2.1'), frame: i + 1 });
    writer.add({ ...base, frame: 8, dst: { ip: '192.0.2.7', port: 5060 } });
    // A retransmission: the same message again, later.
    writer.add({ ...base, frame: 9, time: { sec: 1_700_000_009, nsec: 0 } });
    const ids = [...new WireBatchReader().messages(writer.take())].map((o) => {
      expect(o.transmissionLow).toBeGreaterThanOrEqual(0);
      return transmissionIdentity(o);
    });
    expect(new Set(ids.slice(0, 5)).size).toBe(5);
    expect(ids[5]).toBe(ids[0]);
  });

  it('refuse a message without its bytes', () => {
    const o = sip(9, INVITE, 'udp', '192.0.2.1');
    expect(() => new WireBatchWriter().add({ ...o, wire: undefined })).toThrow(
      /frame 9: a batched message needs its bytes/,
    );
  });
});

describe('parseMessage with checked bytes', () => {
  it('reads as the strict parse does, structured headers parsed when first read', () => {
    for (const [text, transport] of [
      [INVITE, 'datagram'],
      [RESPONSE, 'stream'],
    ] as const) {
      const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
      const strict = parseMessage(bytes, { transport });
      const checked = parseMessage(bytes, { transport, checked: true });
      expect([...checked.headers].map((f) => [f.name, f.value])).toEqual(
        [...strict.headers].map((f) => [f.name, f.value]),
      );
      expect(Buffer.from(checked.body).toString()).toBe(Buffer.from(strict.body).toString());
      // Nothing structured was parsed with the message, except the body's delimiter.
      expect([...checked.headers].filter((f) => f.parsed !== undefined).map((f) => f.key)).toEqual([
        'content-length',
      ]);
      expect(getTopVia(checked)).toEqual(getTopVia(strict));
      expect(getFrom(checked)).toEqual(getFrom(strict));
      expect(getCSeq(checked)).toEqual(getCSeq(strict));
    }
  });
});
