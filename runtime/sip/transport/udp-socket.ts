import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { TransportError } from './transport-errors.js';
import type { BindOptions, Endpoint } from './transport-types.js';

/** Receives each datagram from a {@link UdpSocket}. */
export type DatagramSink = (bytes: Buffer, remote: Endpoint, local: Endpoint) => void;

/** Receives asynchronous socket errors. */
export type SocketErrorSink = (error: TransportError) => void;

/** One bound UDP socket (IPv4 or IPv6, chosen by the bind address). */
export class UdpSocket {
  private constructor(
    private readonly socket: Socket,
    /** The bound address and the actual port (resolved when 0 was asked). */
    readonly local: Endpoint,
    /** Address family of the socket. */
    readonly family: 4 | 6,
  ) {}

  /** Binds a socket on `options.address`, port 0 meaning ephemeral. */
  static bind(
    options: BindOptions,
    onDatagram: DatagramSink,
    onError: SocketErrorSink,
  ): Promise<UdpSocket> {
    const family = isIPv6(options.address) ? 6 : 4;
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6 });
    return new Promise((resolve, reject) => {
      const failBind = (cause: Error): void => {
        socket.close();
        reject(
          new TransportError(
            `cannot bind UDP ${options.address}:${options.port ?? 0}: ${cause.message}`,
            'udp',
            {
              address: options.address,
              port: options.port ?? 0,
            },
            { cause },
          ),
        );
      };
      socket.once('error', failBind);
      socket.bind({ address: options.address, port: options.port ?? 0 }, () => {
        socket.off('error', failBind);
        const bound = socket.address();
        const udp = new UdpSocket(socket, { address: bound.address, port: bound.port }, family);
        socket.on('message', (msg, rinfo) => {
          onDatagram(msg, { address: rinfo.address, port: rinfo.port }, udp.local);
        });
        // A UDP socket error (e.g. ICMP unreachable surfaced by the OS) must not crash the process.
        socket.on('error', (cause) => {
          onError(
            new TransportError(`UDP socket error: ${cause.message}`, 'udp', udp.local, { cause }),
          );
        });
        resolve(udp);
      });
    });
  }

  /** Sends one datagram. */
  send(bytes: Buffer, remote: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, remote.port, remote.address, (cause) => {
        if (cause) {
          reject(
            new TransportError(
              `UDP send to ${remote.address}:${remote.port} failed: ${cause.message}`,
              'udp',
              remote,
              {
                cause,
              },
            ),
          );
        } else resolve();
      });
    });
  }

  /** Closes the socket. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        // Already closed (ERR_SOCKET_DGRAM_NOT_RUNNING): closing is idempotent by design.
        resolve();
      }
    });
  }
}
