/**
 * A lossy wrapper around a real SipTransport: it drops chosen outgoing
 * messages before they reach the socket, the way a congested UDP path would,
 * so tests can show that retransmission recovers.
 */
import type { SipMessage } from '../../../../runtime/sip/message/index.js';
import type {
  Endpoint,
  MessageTransport,
  SipTransport,
  TransportDelegate,
  TransportProtocol,
  TransportTarget,
} from '../../../../runtime/sip/transport/index.js';

/** Decides per outgoing message whether to drop it; `index` counts sends of the same kind (method or status) from 0. */
export type DropRule = (message: SipMessage, index: number) => boolean;

export class LossyTransport implements MessageTransport {
  /** Messages dropped so far. */
  readonly dropped: SipMessage[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly inner: SipTransport,
    private readonly drop: DropRule,
  ) {}

  async send(message: SipMessage, target: TransportTarget): Promise<void> {
    const kind = message.kind === 'request' ? message.method : String(message.status);
    const index = this.counts.get(kind) ?? 0;
    this.counts.set(kind, index + 1);
    if (this.drop(message, index)) {
      this.dropped.push(message);
      return;
    }
    await this.inner.send(message, target);
  }

  localEndpointFor(target: TransportTarget): Endpoint {
    return this.inner.localEndpointFor(target);
  }

  isReliable(protocol: TransportProtocol): boolean {
    return this.inner.isReliable(protocol);
  }

  setDelegate(delegate: TransportDelegate | undefined): void {
    this.inner.setDelegate(delegate);
  }
}
