import { createSocket, type Socket } from 'node:dgram';
import type { MbcpAddress } from '../../../../runtime/mbcp/index.js';

/** Options of {@link LossyUdpRelay.open}. */
export interface LossyUdpRelayOptions {
  readonly a: MbcpAddress;
  readonly b: MbcpAddress;
  /** Drop the first N datagrams coming from `a`. */
  readonly dropFromA: number;
  /** Drop the first N datagrams coming from `b`. */
  readonly dropFromB: number;
}

/**
 * A real UDP relay on 127.0.0.1 between two peers that drops the first N
 * datagrams of each direction: each peer talks to the relay's address as if
 * it were the other peer.
 */
export class LossyUdpRelay {
  readonly dropped = { fromA: [] as Buffer[], fromB: [] as Buffer[] };
  readonly forwarded = { fromA: [] as Buffer[], fromB: [] as Buffer[] };

  private constructor(
    private readonly socket: Socket,
    readonly address: MbcpAddress,
    private readonly options: LossyUdpRelayOptions,
  ) {
    socket.on('message', (bytes, rinfo) =>
      this.relay(bytes, { address: rinfo.address, port: rinfo.port }),
    );
  }

  static async open(options: LossyUdpRelayOptions): Promise<LossyUdpRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { address, port } = socket.address();
    return new LossyUdpRelay(socket, { address, port }, options);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private relay(bytes: Buffer, from: MbcpAddress): void {
    const same = (x: MbcpAddress): boolean => x.address === from.address && x.port === from.port;
    const side = same(this.options.a) ? 'fromA' : same(this.options.b) ? 'fromB' : undefined;
    if (side === undefined) return;
    const limit = side === 'fromA' ? this.options.dropFromA : this.options.dropFromB;
    if (this.dropped[side].length < limit) {
      this.dropped[side].push(bytes);
      return;
    }
    this.forwarded[side].push(bytes);
    const to = side === 'fromA' ? this.options.b : this.options.a;
    this.socket.send(bytes, to.port, to.address);
  }
}
