/**
 * Test parties for the core tests: user agent cores on real loopback UDP
 * sockets with short RFC 3261 timers, a scripted answering behaviour, and a
 * record of every message each one sent and received. Nothing is faked.
 */
import { answerStreamRemoval, UserAgentCore } from '../../../../runtime/core/index.js';
import type { IncomingRequest, OutgoingInvite } from '../../../../runtime/core/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../../runtime/sip/message/index.js';
import type { TransportTraceEvent } from '../../../../runtime/sip/transport/index.js';
import { FAST_CLOCK } from './scaled-clock.js';
import { isIdle } from '../../../../runtime/session/index.js';
import type { SessionSnapshot } from '../../../../runtime/session/index.js';

export { FAST_CLOCK } from './scaled-clock.js';

/** An offer with an audio and an MSRP stream, as in a CPM session (OMA CPM) interworked by an IWF. */
export function offerSdp(user: string, port = 49170): string {
  return [
    'v=0',
    `o=${user} 2890844526 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    `m=message ${port + 2} TCP/MSRP *`,
    'a=accept-types:text/plain',
    `a=path:msrp://127.0.0.1:${port + 2}/${user};tcp`,
    '',
  ].join('\r\n');
}

/** Polls on the real event loop until `condition` holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until every snapshot is idle, then returns them (so a test can assert all zeros). */
export async function settleSnapshots(
  sources: readonly { snapshot(): SessionSnapshot }[],
): Promise<SessionSnapshot[]> {
  await waitUntil(
    () => sources.every((s) => isIdle(s.snapshot())),
    'zero dialogs, transactions and sessions',
    5000,
  ).catch(() => undefined);
  return sources.map((s) => s.snapshot());
}

/** How a phone answers an INVITE. */
export type AnswerMode = 'answer' | 'ring-only' | 'busy';

/** A user agent that answers INVITEs as scripted and records its traffic. */
export class Phone {
  readonly trace: TransportTraceEvent[] = [];
  answerMode: AnswerMode = 'answer';
  /** The SDP this phone last sent. */
  localSdp: string;
  /** INVITEs waiting while ringing. */
  readonly ringing: IncomingRequest[] = [];

  private constructor(
    readonly core: UserAgentCore,
    readonly name: string,
  ) {
    this.localSdp = offerSdp(name, 40000 + Math.floor(Math.random() * 1000) * 4);
    core.transport?.addTraceHook((event) => this.trace.push(event));
    core.on('INVITE', (incoming) => this.receiveInvite(incoming));
  }

  /** Starts a phone on `address` (127.0.0.1 or ::1), optionally sending out-of-dialog requests via a proxy. */
  static async start(name: string, outboundProxy?: string, address = '127.0.0.1'): Promise<Phone> {
    const core = await UserAgentCore.listen({
      address,
      user: name,
      clock: FAST_CLOCK,
      ...(outboundProxy !== undefined ? { outboundProxy } : {}),
    });
    return new Phone(core, name);
  }

  get uri(): string {
    const t = this.core.target;
    const host = t.address.includes(':') ? `[${t.address}]` : t.address;
    return `sip:${this.name}@${host}:${t.port}`;
  }

  /** Messages received (`in`) or sent (`out`), requests by method or responses by `status METHOD`. */
  messages(direction: 'in' | 'out'): SipMessage[] {
    return this.trace
      .filter((e) => e.direction === direction && e.message)
      .map((e) => e.message as SipMessage);
  }

  /** Requests received with this method. */
  received(method: string): SipRequest[] {
    const seen = new Set<string>();
    return this.messages('in').filter((m): m is SipRequest => {
      if (m.kind !== 'request' || m.method !== method) return false;
      // UDP retransmissions (same top Via and CSeq) are counted once.
      const key = `${m.headers.getAll('Via')[0] ?? ''}|${m.headers.get('CSeq') ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * A compact line per message in either direction, in order of first
   * occurrence (UDP retransmissions folded): `out INVITE`, `in 200 INVITE` ...
   */
  ladder(): string[] {
    const lines = this.trace
      .filter((e) => e.message)
      .map((e) => {
        const m = e.message as SipMessage;
        return m.kind === 'request'
          ? `${e.direction} ${m.method}`
          : `${e.direction} ${m.status} ${m.headers.get('CSeq')?.split(' ')[1] ?? ''}`;
      });
    return [...new Set(lines)];
  }

  close(): Promise<void> {
    return this.core.close();
  }

  private receiveInvite(incoming: IncomingRequest): void {
    if (incoming.dialog) {
      // RFC 3264 8.2: a re-INVITE that removes streams is answered with port 0 on the same m-lines.
      const offer = Buffer.from(incoming.request.body).toString('utf8');
      this.localSdp = answerStreamRemoval(offer, this.localSdp);
      incoming.respond(200, { contentType: 'application/sdp', body: this.localSdp });
      return;
    }
    if (this.answerMode === 'busy') {
      incoming.respond(486);
      return;
    }
    incoming.respond(180);
    if (this.answerMode === 'ring-only') {
      this.ringing.push(incoming);
      return;
    }
    incoming.respond(200, { contentType: 'application/sdp', body: this.localSdp });
  }
}

/** The value, or a failed test naming what was missing (instead of a non-null assertion). */
export function must<T>(value: T | undefined, what = 'a value'): T {
  if (value === undefined) throw new Error(`expected ${what}, got undefined`);
  return value;
}

/** What a ringing UAS sees of a cancelled INVITE (RFC 3261 9.2, 17.2.1), retransmissions folded. */
export const CANCELLED_UAS_LADDER: readonly string[] = [
  'in INVITE',
  'out 180 INVITE',
  'in CANCEL',
  'out 200 CANCEL',
  'out 487 INVITE',
  'in ACK',
];

/** Resolves with the first 180 of an outgoing INVITE. */
export function ringing(call: OutgoingInvite): Promise<SipResponse> {
  return new Promise((resolve) =>
    call.onProvisional((response) => {
      if (response.status === 180) resolve(response);
    }),
  );
}
