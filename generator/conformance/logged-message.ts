/**
 * The messages an instance keeps for a replay (alt operands chosen again,
 * engine.ts `reinterpretFor`). Replays are rare, and a parsed SIP message
 * is dozens of objects: a message that came from a capture is kept as its
 * bytes and parsed again, with the same parser, only when a replay reads it.
 * A young instance keeps views of the bytes as they came; one that stays
 * open is compacted, its bytes moved into one buffer outside the JavaScript
 * heap, so it neither pins the slabs of other messages nor has the garbage
 * collector copy or scan its bytes while thousands of other messages pass.
 */
import { decodeMbcp } from '../../runtime/mbcp/mbcp-codec.js';
import { parseCapturedSip } from '../capture/captured-sip.js';
import type { ObservedMessage } from './observed.js';

/** The placed messages of one instance, in placement order. */
export class MessageLog {
  readonly entries: LoggedMessage[] = [];
  private compacted = false;

  /** Messages kept. */
  get length(): number {
    return this.entries.length;
  }

  /** Keeps `o` (placed under `callId`): its bytes when it has any, else the message itself. */
  add(o: ObservedMessage, callId: string | undefined): void {
    const wire = o.wire;
    // A view of the bytes as they came (a capture's messages share slabs): no copy while the
    // instance is young; {@link compact} moves them into a buffer of the log's own.
    this.entries.push(new LoggedMessage(o, callId, wire));
    if (this.compacted && wire !== undefined) this.compacted = false;
  }

  /**
   * Moves the kept bytes into one buffer of the log's own, outside the JavaScript heap: an
   * instance that stays open long then pins no slab of messages it did not place.
   */
  compact(): void {
    if (this.compacted) return;
    this.compacted = true;
    let size = 0;
    for (const e of this.entries) size += e.byteLength;
    if (size === 0) return;
    const arena = new Uint8Array(size);
    let used = 0;
    for (const e of this.entries) {
      const bytes = e.bytes;
      if (bytes === undefined) continue;
      arena.set(bytes, used);
      e.keep(arena.buffer, used, bytes.length);
      used += bytes.length;
    }
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
  private readonly isSip: boolean;
  /**
   * Where the bytes the message was parsed from lie (moved by {@link MessageLog.compact}): the
   * buffer and the range rather than a view of it, one object fewer per message kept.
   */
  private buffer: ArrayBufferLike | undefined;
  private offset = 0;
  /** The number of bytes kept (0 when the message is kept as itself). */
  byteLength = 0;

  /** A message kept as itself; with `bytes`, as those bytes (see {@link MessageLog.add}). */
  constructor(
    o: ObservedMessage,
    readonly callId: string | undefined,
    bytes?: Uint8Array,
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
    this.kept = bytes === undefined ? o : undefined;
    if (bytes !== undefined) this.keep(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** The bytes the message was parsed from, undefined when it is kept as itself. */
  get bytes(): Uint8Array | undefined {
    return this.buffer === undefined
      ? undefined
      : new Uint8Array(this.buffer, this.offset, this.byteLength);
  }

  /** Keeps the message's bytes as `length` bytes of `buffer` from `offset`. */
  keep(buffer: ArrayBufferLike, offset: number, length: number): void {
    this.buffer = buffer;
    this.offset = offset;
    this.byteLength = length;
  }

  /** The IP addresses of the message's ends, without parsing it again. */
  get ips(): readonly [string, string] {
    return [this.srcIp, this.dstIp];
  }

  /** The observed message, parsed again from its bytes when only they were kept. */
  get o(): ObservedMessage {
    // `kept` is set exactly when there are no bytes.
    const wire = this.bytes;
    if (wire === undefined) return this.kept as ObservedMessage;
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
