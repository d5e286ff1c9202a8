import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseMessage,
  SipParseError,
  SipStreamFramer,
} from '../../../../runtime/sip/message/index.js';
import { torture } from './torture-fixtures.js';

const bye = (n: number, body = ''): string =>
  `BYE sip:b@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK${n}\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>;tag=2\r\nCall-ID: c${n}\r\nCSeq: ${n} BYE\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

function framingError(fn: () => unknown): SipParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SipParseError) return error;
    throw error;
  }
  throw new TypeError('expected a SipParseError');
}

describe('SipStreamFramer (RFC 3261 18.3)', () => {
  it('cuts several messages out of one chunk and skips CRLF keep-alives', () => {
    const framer = new SipStreamFramer();
    const out = framer.push(
      Buffer.from(`\r\n\r\n${bye(1)}\r\n${bye(2, 'hello')}\r\n\r\n${bye(3)}`),
    );
    expect(out.map((m) => m.toString())).toEqual([bye(1), bye(2, 'hello'), bye(3)]);
    expect(framer.buffered).toBe(0);
    expect(out.map((m) => parseMessage(m, { transport: 'stream' }).headers.get('call-id'))).toEqual(
      ['c1', 'c2', 'c3'],
    );
  });

  it('reassembles one message pushed a byte at a time', () => {
    const framer = new SipStreamFramer();
    const wire = Buffer.from(bye(7, 'body bytes'));
    const out: Buffer[] = [];
    for (const byte of wire) out.push(...framer.push(Uint8Array.of(byte)));
    expect(out).toHaveLength(1);
    expect(out[0]?.equals(wire)).toBe(true);
  });

  it('rejects a message without Content-Length and garbage, then resyncs on the next start line', () => {
    const framer = new SipStreamFramer();
    const missing = framingError(() =>
      framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n')),
    );
    expect(missing.code).toBe('missing-content-length');
    expect(framer.resync()).toBeGreaterThan(0);
    const garbage = framingError(() =>
      framer.push(Buffer.from(`\x16\x03\x01garbage\r\nmore\r\n${bye(9)}`)),
    );
    expect(garbage.code).toBe('bad-start-line');
    framer.resync();
    expect(framer.push(Buffer.alloc(0)).map((m) => m.toString())).toEqual([bye(9)]);
  });

  it('refuses frames larger than the limit', () => {
    const framer = new SipStreamFramer({ maxMessageSize: 200 });
    expect(framingError(() => framer.push(Buffer.from(bye(1, 'x'.repeat(300))))).code).toBe(
      'frame-too-large',
    );
  });

  it('frames the torture messages that carry a correct Content-Length', () => {
    const framer = new SipStreamFramer();
    const names = ['wsinv', 'esc01', 'longreq', 'mpart01', 'unreason'];
    const out = framer.push(Buffer.concat(names.map((n) => torture(n))));
    expect(
      out.map(
        (m) => parseMessage(m, { transport: 'stream' }).headers.get('call-id')?.split('.')[0],
      ),
    ).toEqual([
      'wsinv',
      'esc01',
      'longreq',
      '3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA',
      'unreason',
    ]);
  });
});

describe('SipStreamFramer on a real TCP connection over 127.0.0.1', () => {
  const sockets: Socket[] = [];
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await close?.();
  });

  it('receives 200 messages written in odd-sized pieces', async () => {
    const framer = new SipStreamFramer();
    const received: string[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (chunk: Buffer) => {
        for (const m of framer.push(chunk))
          received.push(parseMessage(m, { transport: 'stream' }).headers.get('call-id') ?? '');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;
    const client = createConnection({ host: '127.0.0.1', port });
    sockets.push(client);
    await once(client, 'connect');
    client.setNoDelay(true);
    const wire = Buffer.concat(
      Array.from({ length: 200 }, (_, i) => Buffer.from(bye(i, i % 3 === 0 ? 'x'.repeat(i) : ''))),
    );
    for (let at = 0, size = 1; at < wire.length; at += size, size = (size * 7 + 3) % 997) {
      client.write(wire.subarray(at, at + size));
    }
    client.end();
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (received.length >= 200) {
          clearInterval(check);
          resolve();
        }
      }, 5);
      client.on('error', reject);
    });
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => `c${i}`));
  });
});
