import { isIPv6 } from 'node:net';
import { parseMessage, REASON_PHRASES, serializeMessage, SipParseError } from '../message/index.js';
import type { SipMessage } from '../message/index.js';
import { buildMalformedRequestReply } from './malformed-reply.js';
import { createStreamSplitter } from './stream-splitter.js';
import { TcpTransport } from './tcp-transport.js';
import type { TcpConnectionTiming } from './tcp-transport.js';
import { MalformedMessageError, TransportError } from './transport-errors.js';
import type {
  BindOptions,
  Endpoint,
  MessageTransport,
  TransportDelegate,
  TransportProtocol,
  TransportTarget,
  TransportTraceEvent,
  TransportTraceHook,
} from './transport-types.js';
import { UdpSocket } from './udp-socket.js';
import { stampReceived } from './via-received.js';

/** Where to listen. Each list may hold one IPv4 and one IPv6 address (or more). */
export interface SipTransportOptions {
  readonly udp?: readonly BindOptions[];
  readonly tcp?: readonly BindOptions[];
  /** Wall clock for trace timestamps; defaults to `Date.now`. */
  readonly wallClock?: () => number;
  /** How long TCP connections wait for the rest of a message, and linger after a framing error. */
  readonly tcpTiming?: TcpConnectionTiming;
}

/** Listener for errors that have no caller to reject: malformed input, socket failures. */
export type TransportErrorListener = (error: TransportError) => void;

/**
 * The transport layer (RFC 3261 18): UDP sockets and TCP listeners on
 * configured addresses, one trace hook for every message in and out, parsing
 * of inbound bytes and delivery upward through a {@link TransportDelegate}.
 * It never throws on bad input: parse failures go to the error listeners and
 * the trace, and malformed requests get a 400 when that can be routed, over
 * UDP to their source, over TCP on their connection. A TCP stream that can no
 * longer be framed (RFC 3261 18.3) is closed, after a 400 when the header
 * section of the offending request was readable, and after the messages
 * before it were delivered.
 */
export class SipTransport implements MessageTransport {
  private readonly udpSockets: UdpSocket[] = [];
  private readonly tcpListeners: TcpTransport[] = [];
  private readonly hooks = new Set<TransportTraceHook>();
  private readonly errorListeners = new Set<TransportErrorListener>();
  private delegate: TransportDelegate | undefined;
  private readonly wallClock: () => number;

  private constructor(options: SipTransportOptions) {
    this.wallClock = options.wallClock ?? Date.now;
  }

  /** Binds every requested socket; port 0 binds an ephemeral port (see {@link SipTransport.endpoints}). */
  static async listen(options: SipTransportOptions): Promise<SipTransport> {
    const transport = new SipTransport(options);
    try {
      for (const bind of options.udp ?? []) {
        transport.udpSockets.push(
          await UdpSocket.bind(
            bind,
            (bytes, remote, local) => transport.receive(bytes, remote, local, 'udp'),
            (error) => transport.reportError(error),
          ),
        );
      }
      for (const bind of options.tcp ?? []) {
        transport.tcpListeners.push(
          await TcpTransport.listen(
            bind,
            createStreamSplitter,
            {
              onFrame: (bytes, remote, local) => transport.receive(bytes, remote, local, 'tcp'),
              onFramingError: (error, bytes, remote, local) =>
                transport.rejectFraming(error, bytes, remote, local),
              onError: (error) => transport.reportError(error),
            },
            options.tcpTiming,
          ),
        );
      }
    } catch (error) {
      await transport.close();
      throw error;
    }
    if (transport.udpSockets.length === 0 && transport.tcpListeners.length === 0) {
      throw new TransportError('no UDP or TCP address to listen on', 'udp');
    }
    return transport;
  }

  /** Sets the upward delegate (the transaction layer). */
  setDelegate(delegate: TransportDelegate | undefined): void {
    this.delegate = delegate;
  }

  /** Adds a trace hook that sees every message in and out; returns its remover. */
  addTraceHook(hook: TransportTraceHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Adds an error listener (malformed input, socket errors); returns its remover. */
  addErrorListener(listener: TransportErrorListener): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Every bound endpoint with its actual port. */
  endpoints(): TransportTarget[] {
    return [
      ...this.udpSockets.map((s) => ({ transport: 'udp' as const, ...s.local })),
      ...this.tcpListeners.map((t) => ({ transport: 'tcp' as const, ...t.local })),
    ];
  }

  /** The first bound endpoint of a protocol and, optionally, an address family. */
  localEndpoint(protocol: TransportProtocol, family?: 4 | 6): Endpoint {
    const pool = protocol === 'udp' ? this.udpSockets : this.tcpListeners;
    const found = pool.find((s) => family === undefined || s.family === family);
    if (!found)
      throw new TransportError(
        `no ${protocol} socket${family ? ` for IPv${family}` : ''} is bound`,
        protocol,
      );
    return found.local;
  }

  /** The local endpoint that sending to `target` uses (for Via sent-by, RFC 3261 18.1.1). */
  localEndpointFor(target: TransportTarget): Endpoint {
    return this.localEndpoint(target.transport, isIPv6(target.address) ? 6 : 4);
  }

  /** RFC 3261 18: TCP is reliable, UDP is not. */
  isReliable(protocol: TransportProtocol): boolean {
    return protocol === 'tcp';
  }

  /** Open TCP connections over all listeners. */
  tcpConnectionCount(): number {
    return this.tcpListeners.reduce((n, t) => n + t.connectionCount(), 0);
  }

  /** Serializes and sends `message`; the trace sees it once the bytes are handed to the socket. */
  async send(message: SipMessage, target: TransportTarget): Promise<void> {
    await this.sendBytes(serializeMessage(message), target, message);
  }

  /** Sends raw bytes (used for replies to unparseable input, and by tests that craft bytes). */
  async sendBytes(bytes: Buffer, target: TransportTarget, message?: SipMessage): Promise<void> {
    // The trace time is when the message is handed to the socket, not when the send completes.
    const time = this.wallClock();
    const family = isIPv6(target.address) ? 6 : 4;
    let local: Endpoint;
    if (target.transport === 'udp') {
      const socket = this.udpSockets.find((s) => s.family === family);
      if (!socket)
        throw new TransportError(
          `no UDP socket for IPv${family} to reach ${target.address}`,
          'udp',
          target,
        );
      await socket.send(bytes, target);
      local = socket.local;
    } else {
      const listener = this.tcpListeners.find((t) => t.family === family);
      if (!listener)
        throw new TransportError(
          `no TCP listener for IPv${family} to reach ${target.address}`,
          'tcp',
          target,
        );
      local = await listener.send(bytes, target);
    }
    this.trace({
      time,
      direction: 'out',
      local,
      remote: endpointOf(target),
      transport: target.transport,
      bytes,
      message,
    });
  }

  /** Closes every socket and connection. */
  async close(): Promise<void> {
    await Promise.all([
      ...this.udpSockets.map((s) => s.close()),
      ...this.tcpListeners.map((t) => t.close()),
    ]);
    this.udpSockets.length = 0;
    this.tcpListeners.length = 0;
  }

  private receive(
    bytes: Buffer,
    remote: Endpoint,
    local: Endpoint,
    transport: TransportProtocol,
  ): void {
    let message: SipMessage;
    try {
      message = parseMessage(bytes, { transport: transport === 'tcp' ? 'stream' : 'datagram' });
    } catch (error) {
      this.rejectInput(error, bytes, remote, local, transport);
      return;
    }
    this.trace({
      time: this.wallClock(),
      direction: 'in',
      local,
      remote,
      transport,
      bytes,
      message,
    });
    try {
      // RFC 3261 18.2.1 / RFC 3581 4: a request's top Via learns its real source before the layer above sees it.
      const delivered = message.kind === 'request' ? stampReceived(message, remote) : message;
      this.delegate?.onMessage({
        message: delivered,
        source: { transport, ...remote },
        local,
        bytes,
      });
    } catch (error) {
      // A failing upper layer must not take the socket down with it; report instead.
      this.reportError(
        new TransportError(
          `delivering a message from ${remote.address}:${remote.port} failed`,
          transport,
          remote,
          { cause: error },
        ),
      );
    }
  }

  /** Reports and traces bytes that did not parse (or frame) as a SIP message. */
  private reportMalformed(
    error: unknown,
    bytes: Buffer,
    remote: Endpoint,
    local: Endpoint,
    transport: TransportProtocol,
  ): void {
    const reason = error instanceof Error ? error.message : String(error);
    const malformed = new MalformedMessageError(
      `malformed SIP message from ${remote.address}:${remote.port}: ${reason}`,
      transport,
      remote,
      bytes,
      { cause: error },
    );
    this.trace({
      time: this.wallClock(),
      direction: 'in',
      local,
      remote,
      transport,
      bytes,
      error: malformed,
    });
    this.reportError(malformed);
  }

  /**
   * A framed message that failed to parse. RFC 3261 16.3 / 8.2: a malformed
   * request is answered 400 (505 for the version) when it can be routed:
   * over UDP to its source, over TCP on the connection it came on, which
   * stays open (the framing held, RFC 3261 18.3).
   */
  private rejectInput(
    error: unknown,
    bytes: Buffer,
    remote: Endpoint,
    local: Endpoint,
    transport: TransportProtocol,
  ): void {
    this.reportMalformed(error, bytes, remote, local, transport);
    const status = errorStatus(error);
    const reply = buildMalformedRequestReply(
      bytes,
      status,
      REASON_PHRASES[status] ?? 'Bad Request',
    );
    if (reply) {
      this.sendBytes(reply, { transport, ...remote }).catch((sendError: unknown) => {
        this.reportError(
          sendError instanceof TransportError
            ? sendError
            : new TransportError(String(sendError), transport, remote),
        );
      });
    }
  }

  /**
   * A TCP stream that can no longer be framed (RFC 3261 18.3); the connection
   * is closed after the returned answer. Only a request whose header section
   * was read whole is answered: 400 for a missing or unusable Content-Length
   * (RFC 4475 3.1.2.3 ncl), 513 for a message over the size limit (RFC 3261
   * 21.5.13). Bytes that begin no start line get no answer.
   */
  private rejectFraming(
    error: unknown,
    bytes: Buffer,
    remote: Endpoint,
    local: Endpoint,
  ): Buffer | undefined {
    this.reportMalformed(error, bytes, remote, local, 'tcp');
    const code = error instanceof SipParseError ? error.code : undefined;
    const headEnd = bytes.indexOf('\r\n\r\n', 0, 'latin1');
    if (headEnd < 0) return undefined;
    const head = bytes.subarray(0, headEnd + 4);
    let reply: Buffer | undefined;
    if (code === 'missing-content-length' || code === 'bad-content-length')
      reply = buildMalformedRequestReply(head);
    else if (code === 'frame-too-large')
      reply = buildMalformedRequestReply(head, 513, REASON_PHRASES[513] ?? 'Message Too Large');
    if (reply)
      this.trace({
        time: this.wallClock(),
        direction: 'out',
        local,
        remote,
        transport: 'tcp',
        bytes: reply,
      });
    return reply;
  }

  private reportError(error: TransportError): void {
    for (const listener of [...this.errorListeners]) listener(error);
  }

  private trace(event: TransportTraceEvent): void {
    for (const hook of [...this.hooks]) {
      try {
        hook(event);
      } catch (error) {
        // A failing observer (a trace or pcap writer) must not stop the traffic; it is reported instead.
        this.reportError(
          new TransportError('a trace hook failed', event.transport, event.remote, {
            cause: error,
          }),
        );
      }
    }
  }
}

function endpointOf(target: TransportTarget): Endpoint {
  return { address: target.address, port: target.port };
}

/** The status a parse error asks for (400, or 505 for an unsupported version). */
function errorStatus(error: unknown): number {
  if (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number'
  ) {
    return error.status;
  }
  return 400;
}
