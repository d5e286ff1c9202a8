/**
 * The transport layer on real sockets (RFC 3261 18): UDP and TCP on
 * 127.0.0.1 and ::1, the trace hook, TCP framing of split and packed
 * messages, connection reuse, and malformed input.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createResponse,
  parseMessage,
  serializeMessage,
} from '../../../../runtime/sip/message/index.js';
import type { SipMessage } from '../../../../runtime/sip/message/index.js';
import {
  MalformedMessageError,
  SipTransport,
  TransportError,
} from '../../../../runtime/sip/transport/index.js';
import type {
  ReceivedMessage,
  TransportTraceEvent,
} from '../../../../runtime/sip/transport/index.js';
import { must, newRequest, settle, SipTestPeer, waitUntil } from '../transaction/sip-test-peer.js';

const opened: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

async function peer(address = '127.0.0.1'): Promise<SipTestPeer> {
  const p = await SipTestPeer.start(address);
  opened.push(p);
  return p;
}

function collect(transport: SipTransport): ReceivedMessage[] {
  const got: ReceivedMessage[] = [];
  transport.setDelegate({ onMessage: (r) => got.push(r) });
  return got;
}

function invite(branch: string, port: number): Buffer {
  return Buffer.from(
    [
      'INVITE sip:bob@127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=${branch}`,
      'Max-Forwards: 70',
      'From: <sip:alice@127.0.0.1>;tag=a1',
      'To: <sip:bob@127.0.0.1>',
      `Call-ID: ${branch}@test`,
      'CSeq: 1 INVITE',
      'Contact: <sip:alice@127.0.0.1>',
      'Content-Type: application/sdp',
      'Content-Length: 4',
      '',
      'v=0\n',
    ].join('\r\n'),
    'latin1',
  );
}

describe('UDP', () => {
  it('binds an ephemeral port, sends and receives, and traces both directions', async () => {
    const a = await peer();
    const b = await peer();
    const got = collect(b.transport);
    expect(a.target().port).toBeGreaterThan(0);
    const request = newRequest('OPTIONS', b.target(), a.target());
    request.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${a.target().port};branch=z9hG4bKx1`);
    await a.transport.send(request, b.target());
    await waitUntil(() => got.length === 1);
    const out = a.events.find((e) => e.direction === 'out') as TransportTraceEvent;
    const inn = b.events.find((e) => e.direction === 'in') as TransportTraceEvent;
    expect(out).toMatchObject({
      direction: 'out',
      transport: 'udp',
      local: { address: '127.0.0.1', port: a.target().port },
    });
    expect(out.remote).toEqual({ address: '127.0.0.1', port: b.target().port });
    expect(inn.remote).toEqual({ address: '127.0.0.1', port: a.target().port });
    expect(inn.bytes.equals(out.bytes)).toBe(true);
    expect(inn.message?.kind === 'request' && inn.message.method).toBe('OPTIONS');
    expect(Math.abs(inn.time - Date.now())).toBeLessThan(60_000);
    expect(got[0]?.source).toEqual({
      transport: 'udp',
      address: '127.0.0.1',
      port: a.target().port,
    });
  });

  it('reports malformed datagrams, answers a readable request with 400 and keeps working', async () => {
    const b = await peer();
    const got = collect(b.transport);
    const raw = createSocket('udp4');
    opened.push({ close: () => new Promise<void>((r) => raw.close(() => r())) });
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
    const replies: SipMessage[] = [];
    raw.on('message', (m) => replies.push(parseMessage(m)));
    const port = raw.address().port;
    const bad = [
      'INVITE sip:bob@127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKbad`,
      'From: <sip:alice@127.0.0.1>;tag=a',
      'To: <sip:bob@127.0.0.1>',
      'Call-ID: bad@test',
      'CSeq: 7 INVITE',
      'Max-Forwards: seventy',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    raw.send(Buffer.from(bad), b.target().port, '127.0.0.1');
    await waitUntil(() => replies.length === 1);
    const reply = replies[0];
    expect(reply?.kind === 'response' && reply.status).toBe(400);
    expect(reply?.headers.get('Call-ID')).toBe('bad@test');
    expect(reply?.headers.get('CSeq')).toBe('7 INVITE');
    expect(reply?.headers.get('To')).toMatch(/;tag=/);
    expect(b.errors[0]).toBeInstanceOf(MalformedMessageError);
    expect(b.events.find((e) => e.direction === 'in')?.error).toBeInstanceOf(MalformedMessageError);
    // Garbage without a request line or Via gets no answer.
    raw.send(Buffer.from('\x00\x01garbage'), b.target().port, '127.0.0.1');
    raw.send(
      Buffer.from('OPTIONS sip:b@127.0.0.1 SIP/2.0\r\nCSeq: x\r\n\r\n'),
      b.target().port,
      '127.0.0.1',
    );
    // A bad CSeq: a 400 could not be matched by the client, so none is sent.
    raw.send(
      Buffer.from(bad.replace('CSeq: 7 INVITE', 'CSeq: seven INVITE')),
      b.target().port,
      '127.0.0.1',
    );
    await waitUntil(() => b.errors.length === 4);
    await settle();
    expect(replies).toHaveLength(1);
    expect(got).toHaveLength(0);
    // The socket still works.
    const good = newRequest('OPTIONS', b.target(), {
      transport: 'udp',
      address: '127.0.0.1',
      port,
    });
    good.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKok`);
    raw.send(serializeMessage(good), b.target().port, '127.0.0.1');
    await waitUntil(() => got.length === 1);
  });

  it('rejects a send with no socket of the address family', async () => {
    const a = await peer();
    await expect(
      a.transport.send(newRequest('OPTIONS', a.target(), a.target()), {
        transport: 'udp',
        address: '::1',
        port: 5060,
      }),
    ).rejects.toBeInstanceOf(TransportError);
  });
});

describe('Via received and rport (RFC 3261 18.2.1, RFC 3581)', () => {
  it('stamps the source into the top Via of delivered requests, not into the traced wire message', async () => {
    const a = await peer();
    const b = await peer();
    const got = collect(b.transport);
    const port = a.target().port;
    const withRport = newRequest('OPTIONS', b.target(), a.target(), 1);
    withRport.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKrport;rport`);
    const named = newRequest('OPTIONS', b.target(), a.target(), 2);
    named.headers.prepend('Via', `SIP/2.0/UDP client.invalid:${port};branch=z9hG4bKnamed`);
    const plain = newRequest('OPTIONS', b.target(), a.target(), 3);
    plain.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKplain`);
    for (const r of [withRport, named, plain]) await a.transport.send(r, b.target());
    await waitUntil(() => got.length === 3);
    const vias = got.map((r) => r.message.headers.getAll('Via')[0]);
    expect(vias[0]).toBe(
      `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKrport;rport=${port};received=127.0.0.1`,
    );
    expect(vias[1]).toBe(
      `SIP/2.0/UDP client.invalid:${port};branch=z9hG4bKnamed;received=127.0.0.1`,
    );
    expect(vias[2]).toBe(`SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKplain`);
    const traced = b.events
      .filter((e) => e.direction === 'in')
      .map((e) => e.message?.headers.getAll('Via')[0]);
    expect(traced[0]).toBe(`SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKrport;rport`);
  });
});

describe('robustness', () => {
  it('survives an upper layer that throws and reports it', async () => {
    const a = await peer();
    const b = await peer();
    let calls = 0;
    b.transport.setDelegate({
      onMessage: () => {
        calls++;
        throw new RangeError('upper layer bug');
      },
    });
    for (let i = 0; i < 2; i++) {
      const r = newRequest('OPTIONS', b.target(), a.target(), i + 1);
      r.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${a.target().port};branch=z9hG4bKthrow${i}`);
      await a.transport.send(r, b.target());
    }
    await waitUntil(() => calls === 2 && b.errors.length === 2);
    expect(b.errors[0]).toBeInstanceOf(TransportError);
    expect(b.errors[0]?.cause).toBeInstanceOf(RangeError);
    // A throwing trace hook is reported too, and the message still goes out.
    a.transport.addTraceHook(() => {
      throw new RangeError('pcap writer bug');
    });
    const r = newRequest('OPTIONS', b.target(), a.target(), 3);
    r.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${a.target().port};branch=z9hG4bKthrow3`);
    await a.transport.send(r, b.target());
    await waitUntil(() => calls === 3);
    expect(a.errors.map((e) => e.message)).toEqual(['a trace hook failed']);
  });
});

describe('TCP', () => {
  it('frames messages split byte by byte and packed together, and answers on the same connection', async () => {
    const b = await peer();
    const got = collect(b.transport);
    const socket: Socket = connect({ host: '127.0.0.1', port: b.target('tcp').port });
    opened.push({ close: () => void socket.destroy() });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const local = socket.localPort ?? 0;
    // One message byte by byte...
    const first = invite('z9hG4bKsplit', local);
    for (const byte of first) {
      socket.write(Buffer.from([byte]));
    }
    // ...then two messages (and a CRLF keep-alive) packed into one write.
    socket.write(
      Buffer.concat([
        invite('z9hG4bKpack1', local),
        Buffer.from('\r\n\r\n'),
        invite('z9hG4bKpack2', local),
      ]),
    );
    await waitUntil(() => got.length === 3);
    expect(got.map((r) => r.message.headers.get('Call-ID'))).toEqual([
      'z9hG4bKsplit@test',
      'z9hG4bKpack1@test',
      'z9hG4bKpack2@test',
    ]);
    expect(got.every((r) => r.message.body.length === 4)).toBe(true);
    expect(b.transport.tcpConnectionCount()).toBe(1);
    // RFC 3261 18.2.2: the response goes back over the connection the request came on.
    const request = got[0]?.message;
    if (request?.kind !== 'request') throw new Error('no request');
    await b.transport.send(
      createResponse(request, 486, undefined, { toTag: 'b' }),
      must(got[0]).source,
    );
    await waitUntil(() => Buffer.concat(chunks).includes('486 Busy Here'));
    expect(b.transport.tcpConnectionCount()).toBe(1);
  });

  it('reuses one outbound connection for several messages to the same peer', async () => {
    const a = await peer();
    const b = await peer();
    const got = collect(b.transport);
    for (let i = 0; i < 3; i++) {
      const r = newRequest('OPTIONS', b.target('tcp'), a.target('tcp'), i + 1);
      r.headers.prepend(
        'Via',
        `SIP/2.0/TCP 127.0.0.1:${a.target('tcp').port};branch=z9hG4bKreuse${i}`,
      );
      await a.transport.send(r, b.target('tcp'));
    }
    await waitUntil(() => got.length === 3);
    expect(a.transport.tcpConnectionCount()).toBe(1);
    expect(new Set(got.map((r) => r.source.port)).size).toBe(1);
  });

  it('drops a connection that sends garbage and reports it', async () => {
    const b = await peer();
    const socket = connect({ host: '127.0.0.1', port: b.target('tcp').port });
    opened.push({ close: () => void socket.destroy() });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.write('this is not SIP at all\r\n\r\n');
    await closed;
    await waitUntil(() => b.errors.length === 1);
    expect(b.errors[0]).toBeInstanceOf(MalformedMessageError);
    await waitUntil(() => b.transport.tcpConnectionCount() === 0);
  });
});

describe('IPv6 on ::1', () => {
  it('carries UDP and TCP messages over ::1 with bracketed Via hosts', async () => {
    const a = await peer('::1');
    const b = await peer('::1');
    const got = collect(b.transport);
    for (const transport of ['udp', 'tcp'] as const) {
      const r = newRequest('OPTIONS', b.target(transport), a.target(transport));
      r.headers.prepend(
        'Via',
        `SIP/2.0/${transport.toUpperCase()} [::1]:${a.target(transport).port};branch=z9hG4bKv6${transport}`,
      );
      await a.transport.send(r, b.target(transport));
    }
    await waitUntil(() => got.length === 2);
    expect(got.map((r) => r.source.transport).sort()).toEqual(['tcp', 'udp']);
    expect(got.every((r) => r.source.address === '::1')).toBe(true);
    expect(
      a.transport.localEndpointFor({ transport: 'udp', address: '::1', port: 1 }).address,
    ).toBe('::1');
  });
});
