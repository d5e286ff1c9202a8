/**
 * RFC 4475 torture messages against a running generated role: the valid but
 * tortuous requests of section 3.1.1 and the invalid messages of section
 * 3.1.2, sent as they are from a raw UDP socket, or each on a TCP connection
 * of its own, one after another; what the role answered (seen at the sender)
 * and sent (its own trace), and whether its process survived each one.
 */
import { createSocket, type Socket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { SipStreamFramer } from '../../../runtime/sip/message/index.js';
import { torture } from '../../runtime/sip/message/torture-fixtures.js';
import type { RoleProcess } from '../harness/role-process.js';
import type { TraceLine } from '../harness/role-protocol.js';
import type { Endpoint } from '../../../runtime/sip/transport/index.js';

/** RFC 4475 3.1.1, in the RFC's order: valid messages that are hard to parse. */
export const VALID_3_1_1 = [
  'wsinv',
  'intmeth',
  'esc01',
  'escnull',
  'esc02',
  'lwsdisp',
  'longreq',
  'dblreq',
  'semiuri',
  'transports',
  'mpart01',
  'unreason',
  'noreason',
] as const;

/** RFC 4475 3.1.2, in the RFC's order: invalid messages. */
export const INVALID_3_1_2 = [
  'badinv01',
  'clerr',
  'ncl',
  'scalar02',
  'scalarlg',
  'quotbal',
  'ltgtruri',
  'lwsruri',
  'lwsstart',
  'trws',
  'escruri',
  'baddate',
  'regbadct',
  'badaspec',
  'baddn',
  'badvers',
  'mismatch01',
  'mismatch02',
  'bigcode',
] as const;

/**
 * RFC 4475 3.1.1.8 (`dblreq`): extra octets after the body of a UDP datagram, which the element
 * discards. On a stream they are the next message (RFC 3261 18.3): the REGISTER and the INVITE
 * after it are framed, delivered and answered; the octets after the INVITE's body begin no
 * message, so the stream cannot be framed on and the connection is closed, unanswered.
 */
export const DATAGRAM_ONLY: readonly string[] = ['dblreq'];

/**
 * RFC 4475 3.1.2.2 (`clerr`): a Content-Length beyond the bytes sent. Over a stream the element
 * waits for the rest (RFC 3261 18.3) and closes the connection when none comes within a
 * reasonable time (32 s by default, longer than a torture run): not seen, not answered.
 */
export const STREAM_WAITS: readonly string[] = ['clerr'];

/**
 * RFC 4475 3.1.2.3 (`ncl`): a negative Content-Length. Over a stream the framing error cannot
 * be recovered from (RFC 4475: "the connection should be closed"): the header section was
 * read, so the request is answered 400, and then the connection is closed.
 */
export const STREAM_BREAKS: readonly string[] = ['ncl'];

/** RFC 4475 3.1.2: the status an element answers each invalid request with (3.1.2.16: 505 for the version; 3.1.2.18: 501, or 400). */
export function rfcStatuses(message: string): readonly number[] {
  if (message === 'badvers') return [505];
  if (message === 'mismatch02') return [501, 400];
  return [400];
}

/** One torture message. */
export interface TortureMessage {
  readonly name: string;
  /** "3.1.2.16" */
  readonly section: string;
  readonly kind: 'valid' | 'invalid';
  readonly bytes: Buffer;
  /** A request (a response, 3.1.1.12/13 and 3.1.2.19, is never answered). */
  readonly request: boolean;
  readonly callId: string;
}

const CALL_ID = /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im;

/** The Call-ID of raw SIP bytes (the corpus gives every message its own). */
export function rawCallId(bytes: Buffer): string {
  return CALL_ID.exec(bytes.toString('latin1'))?.[1] ?? '';
}

/** Every message of RFC 4475 3.1.1 and 3.1.2, in the RFC's order. */
export function tortureMessages(): TortureMessage[] {
  const of = (kind: 'valid' | 'invalid', names: readonly string[], prefix: string) =>
    names.map((name, i): TortureMessage => {
      const bytes = torture(name);
      return {
        name,
        section: `${prefix}.${i + 1}`,
        kind,
        bytes,
        request: !bytes.subarray(0, 8).toString('latin1').startsWith('SIP/'),
        callId: rawCallId(bytes),
      };
    });
  return [...of('valid', VALID_3_1_1, '3.1.1'), ...of('invalid', INVALID_3_1_2, '3.1.2')];
}

/** A datagram (or a message on a TCP connection) the sender received. */
export interface Received {
  readonly time: number;
  readonly from: Endpoint;
  /** First line: "SIP/2.0 400 Bad Request". */
  readonly line: string;
  readonly status?: number;
  readonly callId: string;
}

/** What came back from `from`, as the sender keeps it. */
function receivedOf(bytes: Buffer, from: Endpoint): Received {
  const text = bytes.toString('latin1');
  const line = text.slice(0, Math.max(0, text.indexOf('\r\n'))) || text.slice(0, 80);
  const status = /^SIP\/2\.0 (\d{3}) /.exec(line)?.[1];
  return {
    time: Date.now(),
    from,
    line,
    ...(status !== undefined ? { status: Number(status) } : {}),
    callId: rawCallId(bytes),
  };
}

/** Sends torture messages one way (UDP or TCP) and keeps what comes back. */
export interface TortureChannel {
  readonly transport: 'udp' | 'tcp';
  readonly received: Received[];
  /** Sends one message; resolves with the local end it left from. */
  send(bytes: Buffer, to: Endpoint): Promise<Endpoint>;
  /** TCP: the role closed (or reset) the connection the message left from. */
  closedByPeer?(from: Endpoint): boolean;
  close(): Promise<void>;
}

/** A raw UDP socket that sends the torture messages and keeps what comes back. */
export class TortureSender implements TortureChannel {
  readonly transport = 'udp';
  readonly received: Received[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly local: Endpoint,
  ) {
    socket.on('message', (bytes, rinfo) => {
      this.received.push(receivedOf(bytes, { address: rinfo.address, port: rinfo.port }));
    });
  }

  /**
   * Binds `address:5060`: responses go to the top Via's sent-by port at the
   * source address (RFC 3261 18.2.2, `received`), 5060 when the Via names none.
   */
  static bind(address: string): Promise<TortureSender> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(5060, address, () => {
        socket.off('error', reject);
        resolve(new TortureSender(socket, { address, port: 5060 }));
      });
    });
  }

  send(bytes: Buffer, to: Endpoint): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, to.port, to.address, (err) =>
        err ? reject(err) : resolve(this.local),
      );
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Sends each torture message on a TCP connection of its own from `address` (an ephemeral
 * port), so that a message the role cannot frame (RFC 3261 18.3: it drops the connection) or
 * waits on (a Content-Length beyond the bytes sent) takes no other message with it; the
 * responses that come back on a connection are framed by Content-Length and kept. The
 * connections stay open until {@link close}, so the role can answer on them (RFC 3261 18.2.2).
 */
export class TcpTortureSender implements TortureChannel {
  readonly transport = 'tcp';
  readonly received: Received[] = [];
  private readonly sockets = new Set<TcpSocket>();
  /** Local ports of the open connections the role closed or reset. */
  private readonly closedPorts = new Set<number>();

  constructor(readonly address: string) {}

  send(bytes: Buffer, to: Endpoint): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: to.address, port: to.port, localAddress: this.address });
      this.sockets.add(socket);
      const framer = new SipStreamFramer();
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const port = socket.localPort ?? 0;
        // The port may have served an earlier connection (the system reuses ephemeral ports).
        this.closedPorts.delete(port);
        // The role ends the connection (FIN) or resets it: nothing more comes on it.
        socket.on('end', () => this.closedPorts.add(port));
        socket.on('error', () => this.closedPorts.add(port));
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('data', (chunk: Buffer) => {
          let frames: Buffer[];
          try {
            frames = framer.push(chunk);
          } catch {
            // What the role sent does not frame: keep it whole, as it came.
            frames = [chunk];
          }
          for (const frame of frames) this.received.push(receivedOf(frame, to));
        });
        const local = { address: socket.localAddress ?? this.address, port };
        socket.write(bytes, (err) => (err ? reject(err) : resolve(local)));
      });
    });
  }

  closedByPeer(from: Endpoint): boolean {
    return this.closedPorts.has(from.port);
  }

  /** Open connections (the role closes the ones it cannot frame). */
  get open(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await Promise.resolve();
  }
}

/**
 * The status line of the final response to a well-formed OPTIONS sent to `target` over a new
 * TCP connection from `from` (RFC 3261 11; a proxy forwards it or answers it itself), or
 * undefined after 5 s, and whether the role closed the connection. `after`, when given, goes
 * in the same write right behind the OPTIONS (bytes that break the framing, RFC 3261 18.3).
 */
export function optionsOverTcp(
  from: string,
  target: Endpoint,
  after?: Buffer,
): Promise<{ line: string | undefined; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.address, port: target.port, localAddress: from });
    let line: string | undefined;
    let closed = false;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ line, closed });
    };
    const timer = setTimeout(done, 5000);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      line ??= /^SIP\/2\.0 [2-6]\d\d [^\r]*/m.exec(text)?.[0];
      // Without bytes after the OPTIONS the role keeps the connection: its answer is enough.
      if (line !== undefined && after === undefined) done();
    });
    // With bytes after it, the role closes the connection once it has answered the OPTIONS.
    socket.once('end', () => {
      closed = true;
      done();
    });
    socket.once('error', () => {
      closed = true;
      done();
    });
    socket.once('connect', () => {
      const local = `${socket.localAddress ?? from}:${socket.localPort ?? 0}`;
      const uri = `sip:${target.address}:${target.port};transport=tcp`;
      const options = Buffer.from(
        [
          `OPTIONS ${uri} SIP/2.0`,
          `Via: SIP/2.0/TCP ${local};branch=z9hG4bK-tcp-options-${String(socket.localPort)}`,
          'Max-Forwards: 70',
          `From: <sip:torture@${from}>;tag=tcp-options`,
          `To: <${uri}>`,
          `Call-ID: tcp-options-${String(socket.localPort)}@${from}`,
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
        'latin1',
      );
      socket.write(after ? Buffer.concat([options, after]) : options);
    });
  });
}

/** What one role did with one torture message. */
export interface TortureOutcome {
  readonly role: string;
  readonly instance: string;
  /** The transport the message went over. */
  readonly transport: 'udp' | 'tcp';
  readonly message: string;
  readonly section: string;
  readonly kind: 'valid' | 'invalid';
  /**
   * The role's transport: "parsed", "rejected: <reason>", or "not seen" (over TCP: a
   * Content-Length beyond the bytes sent, the role waits for the rest, RFC 3261 18.3).
   */
  readonly parse: string;
  /** Responses that reached the sender ("400 Bad Request"). */
  readonly answered: readonly string[];
  /** Everything the role sent for the message's Call-ID ("400 Bad Request (INVITE) -> 127.…:5060"). */
  readonly sent: readonly string[];
  /** The role process was still running after the message. */
  readonly alive: boolean;
  /** TCP: the role closed the message's connection (RFC 3261 18.3), by the end of the run. */
  readonly closed?: boolean;
}

function describeOut(t: TraceLine): string {
  return `${t.summary} -> ${t.remote.address}:${t.remote.port}`;
}

/** Resolves once `done()` holds, looked at every 50 ms, or after `ms` whatever it says. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Sends every message to `target` (one role of `process`), `gapMs` apart,
 * then waits `drainMs` for late answers; one outcome per message.
 */
export async function tortureRole(options: {
  readonly process: RoleProcess;
  readonly sender: TortureChannel;
  readonly role: string;
  readonly instance: string;
  readonly target: Endpoint;
  readonly messages: readonly TortureMessage[];
  readonly gapMs: number;
  readonly drainMs: number;
}): Promise<TortureOutcome[]> {
  const { process, sender, target, instance } = options;
  const firstReceived = sender.received.length;
  const firstTrace = process.trace.length;
  const alive: boolean[] = [];
  const froms: Endpoint[] = [];
  for (const m of options.messages) {
    froms.push(await sender.send(m.bytes, target));
    await new Promise((resolve) => setTimeout(resolve, options.gapMs));
    alive.push(process.exit === undefined);
    if (process.exit !== undefined) break;
  }
  await new Promise((resolve) => setTimeout(resolve, options.drainMs));
  const answers = sender.received
    .slice(firstReceived)
    .filter((r) => r.from.address === target.address && r.from.port === target.port);
  // UDP: one datagram per message, delivered in order on loopback: the n-th the role's transport
  // saw from the sender is the n-th message (an unparsable one has no Call-ID to match it by).
  // TCP: the message is the first thing the role saw on its connection (by the sender's port).
  // Trace lines come through the role process's stdout: wait for them (at most 5 s) on a loaded
  // machine.
  const fromSender = (t: TraceLine): boolean =>
    t.id === instance &&
    t.direction === 'in' &&
    froms.some((f) => t.remote.address === f.address && t.remote.port === f.port);
  const seen = (): TraceLine[] => process.trace.slice(firstTrace).filter(fromSender);
  const inboundOf = (i: number): TraceLine | undefined => {
    const from = froms[i];
    if (sender.transport === 'udp' || !from) return seen()[i];
    return seen().find((t) => t.remote.port === from.port);
  };
  const complete = (): number =>
    sender.transport === 'udp'
      ? seen().length
      : froms.filter((_, i) => inboundOf(i) !== undefined).length;
  await until(() => complete() >= alive.length, sender.transport === 'udp' ? 5000 : 1000);
  // TCP: a connection the role is to close (a broken framing, RFC 3261 18.3; octets after a
  // message that begin none) may close after the drain on a loaded machine: wait for those closes
  // (at most 5 s) rather than read them at a fixed time. One that never comes fails the test.
  const closer = sender.closedByPeer?.bind(sender);
  if (closer) {
    const toClose = options.messages
      .slice(0, alive.length)
      .map((m, i) => ({ m, from: froms[i] }))
      .filter(({ m }) => STREAM_BREAKS.includes(m.name) || DATAGRAM_ONLY.includes(m.name));
    await until(() => toClose.every(({ from }) => !from || closer(from)), 5000);
  }
  const parseOf = (i: number): string => {
    const t = inboundOf(i);
    if (!t) return 'not seen';
    return t.summary.startsWith('unparsable: ')
      ? `rejected: ${t.summary.slice('unparsable: '.length)}`
      : 'parsed';
  };
  return options.messages.slice(0, alive.length).map((m, i) => ({
    role: options.role,
    instance,
    transport: sender.transport,
    message: m.name,
    section: m.section,
    kind: m.kind,
    parse: parseOf(i),
    answered: answers
      .filter((a) => a.callId === m.callId)
      .map((a) => a.line.replace(/^SIP\/2\.0 /, '')),
    sent: process.trace
      .slice(firstTrace)
      .filter((t) => t.id === instance && t.direction === 'out' && t.callId === m.callId)
      .map(describeOut),
    alive: alive[i] ?? false,
    ...(sender.closedByPeer ? { closed: sender.closedByPeer(froms[i] ?? target) } : {}),
  }));
}
