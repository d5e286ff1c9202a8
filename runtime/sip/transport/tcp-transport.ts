import { connect, createServer, isIPv6 } from 'node:net';
import type { Server, Socket } from 'node:net';
import { TransportError } from './transport-errors.js';
import type { BindOptions, Endpoint } from './transport-types.js';

/** What a {@link StreamSplitter} made of one chunk. */
export interface SplitChunk {
  /** The messages completed, in order, before any framing error. */
  readonly messages: Buffer[];
  /** The framing error met after them; the connection cannot be resynchronised (RFC 3261 18.3). */
  readonly error?: unknown;
  /** With an error: the bytes from the offending message on. */
  readonly unframed?: Buffer;
}

/**
 * Splits a TCP byte stream into SIP messages (RFC 3261 18.3: framing by
 * Content-Length). One instance per connection.
 */
export interface StreamSplitter {
  /** Feeds a chunk; returns every message completed by it and the framing error after them, if any. */
  feed(chunk: Buffer): SplitChunk;
  /** Bytes held back, waiting for the rest of a message. */
  readonly buffered: number;
}

/** Receives each framed message, or a framing error, from a connection. */
export interface TcpSink {
  onFrame(bytes: Buffer, remote: Endpoint, local: Endpoint): void;
  /**
   * A framing error after the messages delivered before it. Returns the bytes
   * to send on the connection before it is closed (a 400 when the header
   * section was readable, RFC 3261 18.3), or undefined.
   */
  onFramingError(
    error: unknown,
    bytes: Buffer,
    remote: Endpoint,
    local: Endpoint,
  ): Buffer | undefined;
  onError(error: TransportError): void;
}

/** Timing of the connections of a {@link TcpTransport}. */
export interface TcpConnectionTiming {
  /**
   * How long part of a message may wait for the rest before the connection is
   * closed (RFC 4475 3.1.2.2: a Content-Length beyond the bytes sent; "close
   * the connection if none is forthcoming within a reasonable period").
   * Default 32 s (64*T1 with the default T1).
   */
  readonly incompleteMessageTimeoutMs?: number;
  /**
   * After a framing error: how long the connection stays open for writing, so
   * that answers to the messages delivered before the error still leave on
   * it, before it is closed (input is read and dropped meanwhile). Default 500 ms.
   */
  readonly closeLingerMs?: number;
}

interface Connection {
  readonly socket: Socket;
  readonly remote: Endpoint;
  readonly local: Endpoint;
}

/** Default of {@link TcpConnectionTiming.incompleteMessageTimeoutMs}. */
export const INCOMPLETE_MESSAGE_TIMEOUT_MS = 32_000;
/** Default of {@link TcpConnectionTiming.closeLingerMs}. */
export const CLOSE_LINGER_MS = 500;

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
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    /** The listening address and actual port. */
    readonly local: Endpoint,
    /** Address family of the listener. */
    readonly family: 4 | 6,
    private readonly createSplitter: () => StreamSplitter,
    private readonly sink: TcpSink,
    private readonly timing: Required<TcpConnectionTiming>,
  ) {}

  /** Starts listening on `options.address`, port 0 meaning ephemeral. */
  static listen(
    options: BindOptions,
    createSplitter: () => StreamSplitter,
    sink: TcpSink,
    timing: TcpConnectionTiming = {},
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
            {
              incompleteMessageTimeoutMs:
                timing.incompleteMessageTimeoutMs ?? INCOMPLETE_MESSAGE_TIMEOUT_MS,
              closeLingerMs: timing.closeLingerMs ?? CLOSE_LINGER_MS,
            },
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
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
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
    let failed = false;
    let incomplete: NodeJS.Timeout | undefined;
    const stopWaiting = (): void => {
      if (incomplete) this.cancelTimer(incomplete);
      incomplete = undefined;
    };
    socket.on('data', (chunk: Buffer) => {
      // RFC 3261 18.3: after a framing error the rest of the stream is read and dropped until close.
      if (failed) return;
      const split = splitter.feed(chunk);
      // The messages completed before a framing error are delivered (and answered) first.
      for (const frame of split.messages) this.sink.onFrame(frame, remote, local);
      if (split.error !== undefined) {
        failed = true;
        stopWaiting();
        const reply = this.sink.onFramingError(split.error, split.unframed ?? chunk, remote, local);
        this.closeAfterError(connection, reply);
        return;
      }
      if (splitter.buffered === 0 || split.messages.length > 0) stopWaiting();
      if (splitter.buffered > 0 && !incomplete) {
        // RFC 4475 3.1.2.2: part of a message that never completes ends the connection.
        incomplete = this.startTimer(this.timing.incompleteMessageTimeoutMs, () => {
          incomplete = undefined;
          failed = true;
          this.sink.onError(
            new TransportError(
              `TCP connection ${remote.address}:${remote.port}: ${splitter.buffered} bytes of an ` +
                `incomplete message for ${this.timing.incompleteMessageTimeoutMs} ms; closing it`,
              'tcp',
              remote,
            ),
          );
          this.closeAfterError(connection, undefined);
        });
      }
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
      stopWaiting();
      if (this.connections.get(key) === connection) this.connections.delete(key);
    });
    return connection;
  }

  /**
   * RFC 3261 18.3: a stream that cannot be framed cannot be resynchronised, so
   * its connection is closed: `reply` (a 400) is written once the answers the
   * upper layer gave at once have been, the connection stays open for writing
   * for the linger time (answers to the messages delivered before the error),
   * then it is ended, and destroyed if the peer does not close its side
   * within the same time.
   */
  private closeAfterError(connection: Connection, reply: Buffer | undefined): void {
    const { socket } = connection;
    // The answers to the messages delivered before the error go first (RFC 3261 18.2.2).
    if (reply) setImmediate(() => socket.destroyed || socket.write(reply));
    this.startTimer(this.timing.closeLingerMs, () => {
      const key = keyOf(connection.remote);
      if (this.connections.get(key) === connection) this.connections.delete(key);
      socket.end();
      this.startTimer(this.timing.closeLingerMs, () => socket.destroy());
    });
  }

  private startTimer(ms: number, onFire: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      onFire();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private cancelTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
