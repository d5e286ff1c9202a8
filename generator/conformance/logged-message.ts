/**
 * The messages an instance keeps for a replay (alt operands chosen again,
 * engine.ts `reinterpretFor`). Replays are rare, and a parsed SIP message
 * is dozens of objects: a message that came from a capture is kept as its
 * bytes and parsed again, with the same parser, only when a replay reads it.
 * The bytes of one instance's messages share one buffer outside the
 * JavaScript heap, so the garbage collector neither copies nor scans them
 * while the instance stays open for thousands of other messages.
 */
import { decodeMbcp } from '../../runtime/mbcp/index.js';
import { parseCapturedSip } from '../capture/index.js';
import type { ObservedMessage } from './observed.js';

/** Bytes an instance's first buffer holds (about eight SIP messages); it doubles when full. */
const FIRST_ARENA = 4096;

/** The placed messages of one instance, in placement order, their bytes in one buffer. */
export class MessageLog {
  readonly entries: LoggedMessage[] = [];
  private arena: Uint8Array | undefined;
  private used = 0;

  /** Messages kept. */
  get length(): number {
    return this.entries.length;
  }

  /** Keeps `o` (placed under `callId`): its bytes when it has any, else the message itself. */
  add(o: ObservedMessage, callId: string | undefined): void {
    const wire = o.wire;
    if (wire === undefined) {
      this.entries.push(new LoggedMessage(o, callId));
      return;
    }
    let arena = this.arena;
    if (arena === undefined || this.used + wire.length > arena.length) {
      // A typed array this large lives outside the heap. Views handed out by `bytes` keep the
      // buffer they were cut from, so the old one is never overwritten, only left behind.
      let size = arena === undefined ? FIRST_ARENA : arena.length * 2;
      while (size < this.used + wire.length) size *= 2;
      const grown = new Uint8Array(size);
      if (arena !== undefined) grown.set(arena.subarray(0, this.used));
      arena = grown;
      this.arena = grown;
    }
    arena.set(wire, this.used);
    this.entries.push(new LoggedMessage(o, callId, this, this.used));
    this.used += wire.length;
  }

  /** The bytes a message was logged with. */
  bytes(start: number, length: number): Uint8Array {
    // Entries only point below `used`, which every buffer the log had holds.
    const arena = this.arena as Uint8Array;
    return arena.subarray(start, start + length);
  }
}

/** One placed message of an instance's log, with the Call-ID it was placed under. */
export class LoggedMessage {
  private readonly kept: ObservedMessage | undefined;
  private readonly frame: number;
  // Numbers and the (shared) address texts rather than the message's own time and endpoint
  // objects: three objects fewer per message an open instance holds.
  private readonly sec: number;
  private readonly nsec: number;
  private readonly srcIp: string;
  private readonly srcPort: number;
  private readonly dstIp: string;
  private readonly dstPort: number;
  private readonly transport: ObservedMessage['transport'];
  private readonly length: number;
  private readonly isSip: boolean;

  /**
   * A message kept as itself; with `log`, as its bytes at `start` in that log's buffer (see
   * {@link MessageLog.add}).
   */
  constructor(
    o: ObservedMessage,
    readonly callId: string | undefined,
    private readonly log?: MessageLog,
    private readonly start = 0,
  ) {
    this.frame = o.frame;
    this.sec = o.time.sec;
    this.nsec = o.time.nsec;
    this.srcIp = o.src.ip;
    this.srcPort = o.src.port;
    this.dstIp = o.dst.ip;
    this.dstPort = o.dst.port;
    this.transport = o.transport;
    this.isSip = o.sip !== undefined;
    this.length = o.wire?.length ?? 0;
    this.kept = log === undefined ? o : undefined;
  }

  /** The IP addresses of the message's ends, without parsing it again. */
  get ips(): readonly [string, string] {
    return [this.srcIp, this.dstIp];
  }

  /** The observed message, parsed again from its bytes when only they were kept. */
  get o(): ObservedMessage {
    // `kept` is set exactly when there is no log holding the bytes.
    if (this.log === undefined) return this.kept as ObservedMessage;
    const wire = this.log.bytes(this.start, this.length);
    const base = {
      frame: this.frame,
      time: { sec: this.sec, nsec: this.nsec },
      src: { ip: this.srcIp, port: this.srcPort },
      dst: { ip: this.dstIp, port: this.dstPort },
      transport: this.transport,
    };
    // The bytes parsed (decoded) once already: the same parser gives the same message again.
    return this.isSip
      ? { ...base, sip: parseCapturedSip(wire, this.transport), wire }
      : { ...base, mbcp: decodeMbcp(wire), wire };
  }
}
