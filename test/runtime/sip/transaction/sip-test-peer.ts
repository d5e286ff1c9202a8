/**
 * Test helpers shared by the transport, transaction and dialog tests: a real
 * SIP transport on loopback that records every message it sees, and
 * builders for requests. Nothing here fakes the network.
 */
import {
  createRequest,
  generateCallId,
  generateTag,
} from '../../../../runtime/sip/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../../runtime/sip/message/index.js';
import { SipTransport } from '../../../../runtime/sip/transport/index.js';
import type {
  TransportError,
  TransportProtocol,
  TransportTarget,
  TransportTraceEvent,
} from '../../../../runtime/sip/transport/index.js';

/** Polls `condition` on the real event loop until it holds or `timeoutMs` passes. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets pending socket I/O complete (a few turns of the real event loop). */
export async function settle(ms = 30): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** A loopback transport that records all traffic. */
export class SipTestPeer {
  readonly events: TransportTraceEvent[] = [];
  readonly errors: TransportError[] = [];

  private constructor(readonly transport: SipTransport) {
    transport.addTraceHook((e) => this.events.push(e));
    transport.addErrorListener((e) => this.errors.push(e));
  }

  /** Binds UDP and TCP on `address` (ephemeral ports); `now` stamps the trace (a FakeClock in timer tests). */
  static async start(address = '127.0.0.1', now?: () => number): Promise<SipTestPeer> {
    const transport = await SipTransport.listen({
      udp: [{ address, port: 0 }],
      tcp: [{ address, port: 0 }],
      ...(now ? { wallClock: now } : {}),
    });
    return new SipTestPeer(transport);
  }

  /** Where to reach this peer. */
  target(transport: TransportProtocol = 'udp'): TransportTarget {
    const found = this.transport.endpoints().find((e) => e.transport === transport);
    if (!found) throw new Error(`no ${transport} endpoint`);
    return found;
  }

  /** Messages received, optionally only requests of a method or responses of a status. */
  received(filter?: string | number): SipMessage[] {
    return this.events
      .filter((e) => e.direction === 'in' && e.message !== undefined)
      .map((e) => e.message as SipMessage)
      .filter((m) => matches(m, filter));
  }

  /** Trace events of sent messages, optionally filtered like {@link received}. */
  sent(filter?: string | number): TransportTraceEvent[] {
    return this.events.filter(
      (e) => e.direction === 'out' && e.message !== undefined && matches(e.message, filter),
    );
  }

  /** Waits until at least `count` matching messages were received. */
  async waitForReceived(filter: string | number, count = 1): Promise<SipMessage[]> {
    await waitUntil(
      () => this.received(filter).length >= count,
      3000,
      `${count} × ${String(filter)}`,
    );
    return this.received(filter);
  }

  /** The last matching request received. */
  lastRequest(method: string): SipRequest {
    const found = this.received(method).at(-1);
    if (found?.kind !== 'request') throw new Error(`no ${method} received`);
    return found;
  }

  /** The last matching response received. */
  lastResponse(status: number): SipResponse {
    const found = this.received(status).at(-1);
    if (found?.kind !== 'response') throw new Error(`no ${status} received`);
    return found;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

function matches(m: SipMessage, filter: string | number | undefined): boolean {
  if (filter === undefined) return true;
  return typeof filter === 'number'
    ? m.kind === 'response' && m.status === filter
    : m.kind === 'request' && m.method === filter;
}

/** An out-of-dialog request from `from` to `to` (no Via: the transaction layer adds it). */
export function newRequest(
  method: string,
  to: TransportTarget,
  from: TransportTarget,
  cseq = 1,
): SipRequest {
  const host = (t: TransportTarget): string =>
    t.address.includes(':') ? `[${t.address}]` : t.address;
  const transportParam = to.transport === 'tcp' ? ';transport=tcp' : '';
  return createRequest({
    method,
    requestUri: `sip:bob@${host(to)}:${to.port}${transportParam}`,
    from: `<sip:alice@${host(from)}>;tag=${generateTag()}`,
    to: `<sip:bob@${host(to)}>`,
    callId: generateCallId('flowspec.test'),
    cseq,
    contact: `<sip:alice@${host(from)}:${from.port}${from.transport === 'tcp' ? ';transport=tcp' : ''}>`,
  });
}

/** The value, or a test failure naming what was missing. */
export function must<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`);
  return value;
}

/** Where `message` came from, according to the peer's trace. */
export function sourceOf(peer: SipTestPeer, message: SipMessage): TransportTarget {
  const event = must(
    peer.events.find((e) => e.message === message),
    'trace event',
  );
  return { transport: event.transport, ...event.remote };
}
