import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeMbcp, encodeMbcp, mbcpSubtypeOf } from './mbcp-codec.js';
import {
  MbcpAckTimeoutError,
  MbcpDecodeError,
  MbcpEndpointClosedError,
  MbcpEndpointOptionError,
  MbcpReceiveTimeoutError,
} from './mbcp-errors.js';
import { DuplicateCache } from './duplicate-cache.js';
import type {
  MbcpAddress,
  MbcpEndpointOptions,
  MbcpPacketNote,
  MbcpPacketRecord,
  MbcpReceived,
  MbcpSendResult,
} from './mbcp-endpoint-types.js';
import {
  MBCP_ACK_REASON,
  MBCP_ACK_REQUIRED_BIT,
  type MbcpAcknowledgement,
  type MbcpMessage,
} from './mbcp-types.js';

interface Pending {
  readonly message: MbcpMessage;
  readonly bytes: Buffer;
  readonly remote: MbcpAddress;
  transmissions: number;
  timer: NodeJS.Timeout | undefined;
  resolve(result: MbcpSendResult): void;
  reject(error: Error): void;
}

interface Waiter {
  match(r: MbcpReceived): boolean;
  resolve(r: MbcpReceived): void;
  reject(e: Error): void;
}

const sameAddress = (a: MbcpAddress, b: MbcpAddress): boolean =>
  a.address === b.address && a.port === b.port;
const show = (a: MbcpAddress): string =>
  isIPv6(a.address) ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
function checkOption(option: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MbcpEndpointOptionError(option, value, `expected an integer in ${min}..${max}`);
  }
}

const highResolutionNow = (): number => performance.timeOrigin + performance.now();

/**
 * MBCP over one UDP socket. Messages that ask for an Acknowledgement (the
 * 0x10 subtype bit) are retransmitted until the peer's MBCP Acknowledgement
 * arrives; received ones are acknowledged at once (Accepted) and a
 * retransmission of them is not delivered again but answered with the same
 * Acknowledgement, since its arrival means ours was lost.
 */
export class MbcpEndpoint {
  private readonly pending = new Set<Pending>();
  private readonly inbox: MbcpReceived[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly hooks = new Set<(record: MbcpPacketRecord) => void>();
  private readonly errorHooks = new Set<(error: Error) => void>();
  private readonly receivers = new Set<(received: MbcpReceived) => void>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    /** The bound local address. */
    readonly local: MbcpAddress,
    private readonly intervalMs: number,
    private readonly maxTransmissions: number,
    private readonly duplicates: DuplicateCache,
    /** SSRC of this end, in its automatic Acknowledgements. */
    readonly ssrc: number,
    private readonly now: () => number,
  ) {
    socket.on('message', (bytes, rinfo) => this.onDatagram(bytes, rinfo));
    socket.on('error', (error) => this.reportError(error));
  }

  /** Binds a UDP socket (127.0.0.1 unless told otherwise) and starts receiving. */
  static async open(options: MbcpEndpointOptions = {}): Promise<MbcpEndpoint> {
    const intervalMs = options.retransmitIntervalMs ?? 500;
    const maxTransmissions = options.maxTransmissions ?? 4;
    const windowMs = options.duplicateWindowMs ?? 10_000;
    const ssrc = options.ssrc ?? randomInt(0, 0x1_0000_0000);
    checkOption('retransmitIntervalMs', intervalMs, 1, 2 ** 31 - 1);
    checkOption('maxTransmissions', maxTransmissions, 1, 1_000);
    checkOption('duplicateWindowMs', windowMs, 0, Number.MAX_SAFE_INTEGER);
    checkOption('ssrc', ssrc, 0, 0xffffffff);
    const address = options.address ?? '127.0.0.1';
    const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const bound = socket.address();
    const endpoint = new MbcpEndpoint(
      socket,
      { address: bound.address, port: bound.port },
      intervalMs,
      maxTransmissions,
      new DuplicateCache(windowMs),
      ssrc,
      options.clock ?? highResolutionNow,
    );
    if (options.onPacket !== undefined) endpoint.observe(options.onPacket);
    return endpoint;
  }

  /** Adds an observer of every packet in and out; returns its removal. */
  observe(hook: (record: MbcpPacketRecord) => void): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /**
   * Takes every received message no {@link MbcpEndpoint.receive} waits for
   * (instead of queueing it for a later receive); returns its removal.
   */
  onMessage(receiver: (received: MbcpReceived) => void): () => void {
    this.receivers.add(receiver);
    return () => this.receivers.delete(receiver);
  }

  /**
   * Adds an observer of failures that belong to no caller (socket errors,
   * sending an automatic Acknowledgement); returns its removal. Without one, such a
   * failure becomes a process warning.
   */
  observeErrors(hook: (error: Error) => void): () => void {
    this.errorHooks.add(hook);
    return () => this.errorHooks.delete(hook);
  }

  /**
   * Sends a message. Without the acknowledgement bit it resolves once the
   * datagram is out; with it, once the matching Acknowledgement arrives, or
   * rejects with {@link MbcpAckTimeoutError} after `maxTransmissions`.
   */
  async send(message: MbcpMessage, remote: MbcpAddress): Promise<MbcpSendResult> {
    this.assertOpen('send');
    const bytes = encodeMbcp(message);
    if (!message.ackRequired) {
      await this.transmit(bytes, message, remote, 'first');
      return { transmissions: 1 };
    }
    return new Promise<MbcpSendResult>((resolve, reject) => {
      const p: Pending = {
        message,
        bytes,
        remote,
        transmissions: 0,
        timer: undefined,
        resolve,
        reject,
      };
      this.pending.add(p);
      this.retransmit(p);
    });
  }

  /**
   * The next received message that `match` accepts (taken from those already
   * queued first), or {@link MbcpReceiveTimeoutError} after `timeoutMs`.
   */
  async receive(
    match: (r: MbcpReceived) => boolean = () => true,
    timeoutMs = 5_000,
    expected = 'MBCP message',
  ): Promise<MbcpReceived> {
    this.assertOpen('receive');
    const index = this.inbox.findIndex(match);
    const queued = index >= 0 ? this.inbox.splice(index, 1)[0] : undefined;
    if (queued !== undefined) return queued;
    return new Promise<MbcpReceived>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new MbcpReceiveTimeoutError(show(this.local), timeoutMs, expected));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Closes the socket; pending sends and receives reject with {@link MbcpEndpointClosedError}. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.reject(
        new MbcpEndpointClosedError(
          show(this.local),
          `awaiting Acknowledgement of ${p.message.kind}`,
        ),
      );
    }
    this.pending.clear();
    for (const w of this.waiters)
      w.reject(new MbcpEndpointClosedError(show(this.local), 'receive'));
    this.waiters.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private retransmit(p: Pending): void {
    if (p.transmissions >= this.maxTransmissions) {
      this.pending.delete(p);
      p.reject(
        new MbcpAckTimeoutError(
          { local: show(this.local), remote: show(p.remote) },
          p.message.kind,
          mbcpSubtypeOf(p.message),
          p.transmissions,
        ),
      );
      return;
    }
    p.transmissions += 1;
    const note = p.transmissions === 1 ? 'first' : 'retransmission';
    p.timer = setTimeout(() => this.retransmit(p), this.intervalMs);
    this.transmit(p.bytes, p.message, p.remote, note).catch((e: unknown) => {
      clearTimeout(p.timer);
      this.pending.delete(p);
      p.reject(e instanceof Error ? e : new MbcpEndpointClosedError(show(this.local), 'send'));
    });
  }

  private transmit(
    bytes: Buffer,
    message: MbcpMessage,
    remote: MbcpAddress,
    note: MbcpPacketNote,
  ): Promise<void> {
    this.emit({
      time: this.now(),
      direction: 'out',
      local: this.local,
      remote,
      bytes,
      message,
      note,
    });
    return new Promise<void>((resolve, reject) => {
      this.socket.send(bytes, remote.port, remote.address, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  private onDatagram(bytes: Buffer, rinfo: RemoteInfo): void {
    const remote: MbcpAddress = { address: rinfo.address, port: rinfo.port };
    const base = { time: this.now(), direction: 'in' as const, local: this.local, remote, bytes };
    let message: MbcpMessage;
    try {
      message = decodeMbcp(bytes);
    } catch (e) {
      if (!(e instanceof MbcpDecodeError)) throw e;
      this.emit({ ...base, message: undefined, note: 'invalid', error: e });
      return;
    }
    if (message.ackRequired) {
      const earlier = this.duplicates.lookup(remote, bytes, base.time);
      if (earlier !== undefined) {
        this.emit({ ...base, message, note: 'duplicate' });
        this.transmitAck(earlier, remote, 'retransmission');
        return;
      }
      const ack = encodeMbcp(this.acknowledgementOf(message));
      this.duplicates.remember(remote, bytes, ack, base.time);
      this.emit({ ...base, message, note: 'first' });
      this.transmitAck(ack, remote, 'first');
    } else {
      this.emit({ ...base, message, note: 'first' });
    }
    if (message.kind === 'Acknowledgement' && this.settle(message, remote)) return;
    this.deliver({ message, remote });
  }

  /** Sends an Acknowledgement; a failure goes to {@link MbcpEndpoint.reportError}. */
  private transmitAck(bytes: Buffer, remote: MbcpAddress, note: MbcpPacketNote): void {
    this.transmit(bytes, decodeMbcp(bytes), remote, note).catch((e: unknown) => {
      this.reportError(
        e instanceof Error ? e : new MbcpEndpointClosedError(show(this.local), 'send'),
      );
    });
  }

  /** A failure no caller waits for: to the error observers, or a process warning without any. */
  private reportError(error: Error): void {
    if (this.errorHooks.size === 0) process.emitWarning(error);
    for (const hook of this.errorHooks) hook(error);
  }

  /**
   * The Acknowledgement names the subtype as received, with its 0x10 bit, as the
   * crafted PoC1 vectors and the Wireshark dissector do (Taken acknowledged as 18).
   */
  private acknowledgementOf(message: MbcpMessage): MbcpAcknowledgement {
    return {
      kind: 'Acknowledgement',
      ssrc: this.ssrc,
      ackRequired: false,
      acknowledgedSubtype: mbcpSubtypeOf(message),
      reasonCode: MBCP_ACK_REASON.Accepted,
    };
  }

  /** Ends the oldest pending send to `remote` that this Acknowledgement acknowledges. */
  private settle(ack: MbcpAcknowledgement, remote: MbcpAddress): boolean {
    for (const p of this.pending) {
      const subtype = mbcpSubtypeOf(p.message);
      const acked = ack.acknowledgedSubtype;
      if (!sameAddress(p.remote, remote)) continue;
      if (acked !== subtype && acked !== (subtype & ~MBCP_ACK_REQUIRED_BIT)) continue;
      clearTimeout(p.timer);
      this.pending.delete(p);
      p.resolve({ transmissions: p.transmissions, acknowledgement: ack });
      return true;
    }
    return false;
  }

  private deliver(r: MbcpReceived): void {
    for (const w of this.waiters) {
      if (w.match(r)) {
        this.waiters.delete(w);
        w.resolve(r);
        return;
      }
    }
    if (this.receivers.size > 0) {
      for (const receiver of this.receivers) receiver(r);
      return;
    }
    this.inbox.push(r);
  }

  private emit(record: MbcpPacketRecord): void {
    for (const hook of this.hooks) hook(record);
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new MbcpEndpointClosedError(show(this.local), operation);
  }
}
