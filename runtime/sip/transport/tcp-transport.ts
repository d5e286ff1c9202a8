import { connect, createServer, isIPv6 } from 'node:net';
import type { Server, Socket } from 'node:net';
import { TransportError } from './transport-errors.js';
import type { BindOptions, Endpoint } from './transport-types.js';

/**
 * Splits a TCP byte stream into SIP messages (RFC 3261 18.3: framing by
 * Content-Length). One instance per connection.
 */
export interface StreamSplitter {
  /** Feeds a chunk; returns every message completed by it, as bytes, or throws a parse error. */
  push(chunk: Buffer): Buffer[];
}

/** Receives each framed message, or a framing error, from a connection. */
export interface TcpSink {
  onFrame(bytes: Buffer, remote: Endpoint, local: Endpoint): void;
  onFramingError(error: unknown, bytes: Buffer, remote: Endpoint, local: Endpoint): void;
  onError(error: TransportError): void;
}

interface Connection {
  readonly socket: Socket;
  readonly remote: Endpoint;
  readonly local: Endpoint;
}

/** Key of the connection table: RFC 3261 18 reuses connections per remote address and port. */
function keyOf(remote: Endpoint): string {
  return `${remote.address}|${remote.port}`;
}

/**
 * A TCP listener plus the table of open connections, inbound and outbound,
 * keyed by remote address and port so that requests and responses to the same
 * peer reuse one connection (RFC 3261 18.1.1, 18.2.2).
 */
export class TcpTransport {
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Map<string, Promise<Connection>>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    /** The listening address and actual port. */
    readonly local: Endpoint,
    /** Address family of the listener. */
    readonly family: 4 | 6,
    private readonly createSplitter: () => StreamSplitter,
    private readonly sink: TcpSink,
  ) {}

  /** Starts listening on `options.address`, port 0 meaning ephemeral. */
  static listen(
    options: BindOptions,
    createSplitter: () => StreamSplitter,
    sink: TcpSink,
  ): Promise<TcpTransport> {
    const family = isIPv6(options.address) ? 6 : 4;
    const server = createServer();
    return new Promise((resolve, reject) => {
      const failListen = (cause: Error): void => {
        reject(
          new TransportError(
            `cannot listen on TCP ${options.address}:${options.port ?? 0}: ${cause.message}`,
            'tcp',
            { address: options.address, port: options.port ?? 0 },
            { cause },
          ),
        );
      };
      server.once('error', failListen);
      server.listen(
        { host: options.address, port: options.port ?? 0, ipv6Only: family === 6 },
        () => {
          server.off('error', failListen);
          const addr = server.address();
          if (addr === null || typeof addr === 'string') {
            server.close();
            reject(new TransportError('TCP listener has no address', 'tcp'));
            return;
          }
          const tcp = new TcpTransport(
            server,
            { address: addr.address, port: addr.port },
            family,
            createSplitter,
            sink,
          );
          server.on('connection', (socket) => tcp.adopt(socket));
          server.on('error', (cause) =>
            sink.onError(
              new TransportError(`TCP listener error: ${cause.message}`, 'tcp', tcp.local, {
                cause,
              }),
            ),
          );
          resolve(tcp);
        },
      );
    });
  }

  /** Number of open connections (inbound and outbound). */
  connectionCount(): number {
    return this.connections.size;
  }

  /** Sends bytes to `remote`, reusing an open connection or opening one. */
  async send(bytes: Buffer, remote: Endpoint): Promise<Endpoint> {
    const connection = await this.connectionTo(remote);
    await new Promise<void>((resolve, reject) => {
      connection.socket.write(bytes, (cause) => {
        if (cause) {
          reject(
            new TransportError(
              `TCP write to ${remote.address}:${remote.port} failed: ${cause.message}`,
              'tcp',
              remote,
              { cause },
            ),
          );
        } else resolve();
      });
    });
    return connection.local;
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.connections.values()) c.socket.destroy();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connectionTo(remote: Endpoint): Promise<Connection> {
    const key = keyOf(remote);
    const open = this.connections.get(key);
    if (open) return Promise.resolve(open);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    if (this.closed)
      return Promise.reject(new TransportError('TCP transport is closed', 'tcp', remote));
    const attempt = new Promise<Connection>((resolve, reject) => {
      const socket = connect({
        host: remote.address,
        port: remote.port,
        localAddress: this.local.address,
      });
      const failConnect = (cause: Error): void => {
        reject(
          new TransportError(
            `TCP connect to ${remote.address}:${remote.port} failed: ${cause.message}`,
            'tcp',
            remote,
            { cause },
          ),
        );
      };
      socket.once('error', failConnect);
      socket.once('connect', () => {
        socket.off('error', failConnect);
        resolve(this.adopt(socket, remote));
      });
    }).finally(() => this.pending.delete(key));
    this.pending.set(key, attempt);
    return attempt;
  }

  private adopt(socket: Socket, knownRemote?: Endpoint): Connection {
    const remote = knownRemote ?? {
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
    };
    const local = {
      address: socket.localAddress ?? this.local.address,
      port: socket.localPort ?? 0,
    };
    const connection: Connection = { socket, remote, local };
    const key = keyOf(remote);
    this.connections.set(key, connection);
    socket.setNoDelay(true);
    const splitter = this.createSplitter();
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = splitter.push(chunk);
      } catch (error) {
        // RFC 3261 18.3: a stream that cannot be framed cannot be resynchronised; drop the connection.
        this.sink.onFramingError(error, chunk, remote, local);
        socket.destroy();
        return;
      }
      for (const frame of frames) this.sink.onFrame(frame, remote, local);
    });
    socket.on('error', (cause) => {
      this.sink.onError(
        new TransportError(
          `TCP connection ${remote.address}:${remote.port} error: ${cause.message}`,
          'tcp',
          remote,
          { cause },
        ),
      );
    });
    socket.on('close', () => {
      if (this.connections.get(key) === connection) this.connections.delete(key);
    });
    return connection;
  }
}
