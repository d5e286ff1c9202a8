/**
 * Bad input over TCP on real sockets on 127.0.0.1 (RFC 3261 18.3, RFC 4475
 * 3.1.2): a request that frames but does not parse is answered on its
 * connection, which stays open; a stream that can no longer be framed is
 * closed, after a 400 when the offending header section was readable, and
 * after the messages that came before it in the same read were delivered and
 * answered; part of a message that never completes closes the connection.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponse, SipStreamFramer } from '../../../../runtime/sip/message/index.js';
import {
  MalformedMessageError,
  SipTransport,
  TransportError,
} from '../../../../runtime/sip/transport/index.js';
import type {
  ReceivedMessage,
  TcpConnectionTiming,
  TransportTraceEvent,
} from '../../../../runtime/sip/transport/index.js';
import { torture } from '../message/torture-fixtures.js';
import { settle, waitUntil } from '../transaction/sip-test-peer.js';

const opened: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

/** A TCP listener on 127.0.0.1 whose upper layer answers every request 200 at once. */
async function server(timing: TcpConnectionTiming = { closeLingerMs: 50 }): Promise<{
  transport: SipTransport;
  port: number;
  got: ReceivedMessage[];
  errors: TransportError[];
  events: TransportTraceEvent[];
}> {
  const transport = await SipTransport.listen({
    tcp: [{ address: '127.0.0.1', port: 0 }],
    tcpTiming: timing,
  });
  opened.push(transport);
  const got: ReceivedMessage[] = [];
  const errors: TransportError[] = [];
  const events: TransportTraceEvent[] = [];
  transport.addErrorListener((e) => errors.push(e));
  transport.addTraceHook((e) => events.push(e));
  transport.setDelegate({
    onMessage: (received) => {
      got.push(received);
      if (received.message.kind !== 'request') return;
      void transport.send(
        createResponse(received.message, 200, undefined, { toTag: 'srv' }),
        received.source,
      );
    },
  });
  return { transport, port: transport.localEndpoint('tcp').port, got, errors, events };
}

/**
 * A response as the raw client keeps it: status and Call-ID read from the bytes (an answer to a
 * malformed request copies its malformed header fields, RFC 3261 8.2.6.2, so it may not parse).
 */
interface RawResponse {
  readonly status: number;
  readonly callId: string;
}

/** A raw TCP client that frames what comes back and notes when the server closes. */
interface RawClient {
  readonly socket: Socket;
  readonly responses: RawResponse[];
  readonly closed: () => boolean;
}

async function client(port: number): Promise<RawClient> {
  const socket = connect({ host: '127.0.0.1', port });
  opened.push({ close: () => void socket.destroy() });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const responses: RawResponse[] = [];
  const framer = new SipStreamFramer();
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  socket.on('data', (chunk: Buffer) => {
    for (const frame of framer.push(chunk)) {
      const text = frame.toString('latin1');
      const status = /^SIP\/2\.0 (\d{3}) /.exec(text)?.[1];
      if (status === undefined) throw new Error(`not a response: ${text}`);
      responses.push({
        status: Number(status),
        callId: /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(text)?.[1] ?? '',
      });
    }
  });
  return { socket, responses, closed: () => closed };
}

/** An OPTIONS with `extra` header lines; over a stream it needs a Content-Length among them. */
function options(
  port: number,
  callId: string,
  extra: readonly string[] = ['Content-Length: 0'],
): Buffer {
  return Buffer.from(
    [
      'OPTIONS sip:srv@127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bK-${callId}`,
      'Max-Forwards: 70',
      'From: <sip:alice@127.0.0.1>;tag=a1',
      'To: <sip:srv@127.0.0.1>',
      `Call-ID: ${callId}`,
      'CSeq: 1 OPTIONS',
      ...extra,
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

const statusOf = (c: RawClient): string[] => c.responses.map((r) => `${r.status} ${r.callId}`);

describe('a request that frames but does not parse (RFC 4475 3.1.2 over TCP)', () => {
  it('is answered 400 (505 for the version) on its connection, which stays open and serves on', async () => {
    const s = await server();
    const c = await client(s.port);
    for (const name of ['badinv01', 'scalar02', 'lwsruri', 'lwsstart', 'mismatch01', 'badvers'])
      c.socket.write(torture(name));
    await waitUntil(() => c.responses.length === 6, 3000, 'six answers');
    expect(c.responses.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 505]);
    expect(s.got).toEqual([]);
    expect(s.errors.every((e) => e instanceof MalformedMessageError)).toBe(true);
    expect(s.errors).toHaveLength(6);
    // The framing held: the next request on the same connection is delivered and answered.
    c.socket.write(options(c.socket.localPort ?? 0, 'after-bad'));
    await waitUntil(() => c.responses.length === 7, 3000, 'the answer to a good request');
    expect(statusOf(c).at(-1)).toBe('200 after-bad');
    expect(c.closed()).toBe(false);
    expect(s.transport.tcpConnectionCount()).toBe(1);
  });

  it('drops a malformed response (RFC 4475 3.1.2.19 bigcode) silently and keeps the connection', async () => {
    const s = await server();
    const c = await client(s.port);
    c.socket.write(Buffer.concat([torture('bigcode'), options(c.socket.localPort ?? 0, 'next')]));
    await waitUntil(() => c.responses.length === 1, 3000, 'the answer to the next request');
    expect(statusOf(c)).toEqual(['200 next']);
    expect(s.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/status code/) as string,
    ]);
    expect(c.closed()).toBe(false);
  });
});

describe('a stream that can no longer be framed (RFC 3261 18.3)', () => {
  it('gets a 400 for a request with an unusable Content-Length (RFC 4475 3.1.2.3 ncl), then is closed', async () => {
    const s = await server();
    const c = await client(s.port);
    c.socket.write(torture('ncl'));
    await waitUntil(() => c.closed(), 3000, 'the server to close the connection');
    expect(c.responses.map((r) => [r.status, r.callId])).toEqual([
      [400, expect.stringMatching(/^ncl\./) as string],
    ]);
    const out = s.events.filter((e) => e.direction === 'out');
    expect(out.map((e) => e.bytes.toString('latin1').split('\r\n')[0])).toEqual([
      'SIP/2.0 400 Bad Request',
    ]);
    await waitUntil(() => s.transport.tcpConnectionCount() === 0);
  });

  it('gets a 400 for a request without Content-Length, after the request before it in the same write was answered', async () => {
    const s = await server();
    const c = await client(s.port);
    const port = c.socket.localPort ?? 0;
    c.socket.write(Buffer.concat([options(port, 'good'), options(port, 'no-length', [])]));
    await waitUntil(() => c.closed(), 3000, 'the server to close the connection');
    expect(s.got.map((r) => r.message.headers.get('Call-ID'))).toEqual(['good']);
    expect(statusOf(c)).toEqual(['200 good', '400 no-length']);
  });

  it('delivers and answers the complete request before garbage in the same write, then closes without answering the garbage', async () => {
    const s = await server();
    const c = await client(s.port);
    c.socket.write(
      Buffer.concat([
        options(c.socket.localPort ?? 0, 'before-garbage'),
        Buffer.from('\x16\x03\x01 this is not SIP\r\n\r\n', 'latin1'),
      ]),
    );
    await waitUntil(() => c.closed(), 3000, 'the server to close the connection');
    expect(s.got.map((r) => r.message.headers.get('Call-ID'))).toEqual(['before-garbage']);
    expect(statusOf(c)).toEqual(['200 before-garbage']);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toBeInstanceOf(MalformedMessageError);
    expect(s.errors[0]?.message).toMatch(/do not begin a SIP message/);
    // The listener serves on: a new connection is answered.
    const next = await client(s.port);
    next.socket.write(options(next.socket.localPort ?? 0, 'new-connection'));
    await waitUntil(() => next.responses.length === 1, 3000, 'an answer on a new connection');
    expect(statusOf(next)).toEqual(['200 new-connection']);
  });

  it('answers a message beyond the size limit 513 when its header section was read', async () => {
    const s = await server();
    const c = await client(s.port);
    c.socket.write(options(c.socket.localPort ?? 0, 'too-large', ['Content-Length: 2000000']));
    await waitUntil(() => c.closed(), 3000, 'the server to close the connection');
    expect(statusOf(c)).toEqual(['513 too-large']);
  });
});

describe('part of a message that never completes (RFC 4475 3.1.2.2 clerr over TCP)', () => {
  it('closes the connection after the incomplete-message timeout, delivering nothing', async () => {
    const s = await server({ closeLingerMs: 20, incompleteMessageTimeoutMs: 150 });
    const c = await client(s.port);
    c.socket.write(torture('clerr'));
    await settle(60);
    expect(c.closed()).toBe(false);
    await waitUntil(() => c.closed(), 3000, 'the server to close the connection');
    expect(s.got).toEqual([]);
    expect(c.responses).toEqual([]);
    expect(s.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/incomplete message for 150 ms/) as string,
    ]);
  });

  it('keeps a connection whose message completes within the timeout', async () => {
    const s = await server({ closeLingerMs: 20, incompleteMessageTimeoutMs: 150 });
    const c = await client(s.port);
    const wire = options(c.socket.localPort ?? 0, 'in-pieces');
    c.socket.write(wire.subarray(0, 40));
    await settle(50);
    c.socket.write(wire.subarray(40));
    await waitUntil(() => c.responses.length === 1, 3000, 'the answer');
    await settle(250);
    expect(c.closed()).toBe(false);
    expect(s.errors).toEqual([]);
  });
});
