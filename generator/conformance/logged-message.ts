/**
 * The messages an instance keeps for a replay (alt operands chosen again,
 * engine.ts `reinterpretFor`). Replays are rare, and a parsed SIP message
 * is dozens of objects: a message that came from a capture is kept as its
 * bytes and parsed again, with the same parser, only when a replay reads it.
 * A young instance keeps views of the bytes as they came; one that stays
 * open is compacted, its messages' numbers and bytes moved into one buffer
 * outside the JavaScript heap, so it neither pins the slabs of other
 * messages nor has the garbage collector copy, promote or scan an object per
 * message while thousands of other messages pass.
 */
import { decodeMbcp } from '../../runtime/mbcp/mbcp-codec.js';
import { parseCapturedSip } from '../capture/captured-sip.js';
import { TRANSPORT_CODES, TRANSPORTS, type ObservedMessage } from './observed.js';

/**
 * Numbers a compacted message keeps in its log's arena, before the bytes of all: frame, time
 * (seconds, nanoseconds), ports, where its bytes lie (offset, length; the length negated, less
 * one, for a message other than SIP), and indexes into the log's texts (source and destination
 * address, transport, Call-ID or -1) and, for a message kept as itself, into its kept messages
 * (else -1).
 */
const HEAD = 12;

/**
 * Numbers a young message keeps in {@link MessageLog}'s list: frame, time (seconds,
 * nanoseconds), both ports in one number (source times 65536 plus destination), the offset of its
 * bytes in their buffer, what else it is in one number ({@link info}), and its addresses and
 * Call-ID as indexes into the log's texts in one number ({@link names}).
 */
const YOUNG_NUMS = 7;

/** Texts a log can index in one {@link names} number: more than a log of MAX_LOG messages names. */
const MAX_TEXTS = 4096;

/** A young message's source and destination address and Call-ID (or -1), as text indexes in one number. */
function names(src: number, dst: number, callId: number): number {
  return src + dst * MAX_TEXTS + (callId + 1) * MAX_TEXTS * MAX_TEXTS;
}

/** A young message kept as its bytes: SIP, or anything else (MBCP); or kept as itself. */
const SIP = 1;
const OTHER = 0;
const WHOLE = 2;

/** A young message's length, transport and kind ({@link SIP}, {@link OTHER}, {@link WHOLE}) in one small integer. */
function info(length: number, transport: ObservedMessage['transport'], kind: number): number {
  return length * 16 + TRANSPORT_CODES[transport] * 4 + kind;
}

/** Things a young message keeps in {@link MessageLog}'s other list: its bytes' buffer (or itself, kept whole). */
const YOUNG_REFS = 1;

/** The young lists of a log that has none: shared, never written. */
const NO_NUMS: number[] = [];
const NO_REFS: unknown[] = [];

/** The placed messages of one instance, in placement order. */
export class MessageLog {
  /**
   * Messages placed since the last {@link compact}, as {@link YOUNG_NUMS} numbers and
   * {@link YOUNG_REFS} things each in two lists made with room for as many messages as the
   * instance's flow calls for: no object per message, and no list regrown as a run fills it (an
   * open instance's lists are promoted with it on a busy capture).
   */
  private nums: number[] = NO_NUMS;
  private refs: unknown[] = NO_REFS;
  /** Young messages. */
  private young = 0;
  /**
   * The compacted messages: their {@link HEAD} numbers as float64 from the buffer's start, then
   * their bytes. Outside the JavaScript heap: an open instance's messages are no objects for the
   * garbage collector to scan while thousands of other sessions pass.
   */
  private arena: ArrayBuffer | undefined;
  /** Messages in {@link arena}. */
  private count = 0;
  /** Texts the compacted messages name (addresses, transports, Call-IDs), each once. */
  private texts: (string | undefined)[] | undefined;
  /** Texts in {@link texts} (the list may have room for more). */
  private textCount = 0;
  /** Compacted messages that have no bytes, kept as themselves. */
  private kept: ObservedMessage[] | undefined;

  /** A log with room for `expected` messages before its lists grow (made at the first). */
  constructor(private readonly expected = 8) {}

  /** Messages kept. */
  get length(): number {
    return this.count + this.young;
  }

  /** The messages, in placement order (made again: read only by a replay). */
  get entries(): readonly LoggedMessage[] {
    const out: LoggedMessage[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.restore(i));
    for (let i = 0; i < this.young; i++) out.push(this.restoreYoung(i));
    return out;
  }

  /** Keeps `o` (placed under `callId`): its bytes when it has any, else the message itself. */
  add(o: ObservedMessage, callId: string | undefined): void {
    const i = this.young++;
    if (this.nums === NO_NUMS) {
      this.nums = new Array<number>(this.expected * YOUNG_NUMS).fill(0);
      this.refs = new Array<unknown>(this.expected * YOUNG_REFS).fill(undefined);
    } else if (i * YOUNG_NUMS >= this.nums.length) {
      // Past the room made: half as much again, copied.
      const more = Math.max(1, i >> 1);
      this.nums = this.nums.concat(new Array<number>(more * YOUNG_NUMS).fill(0));
      this.refs = this.refs.concat(new Array<unknown>(more * YOUNG_REFS).fill(undefined));
    }
    const n = this.nums;
    const r = this.refs;
    const at = i * YOUNG_NUMS;
    const ref = i * YOUNG_REFS;
    // A view of the bytes as they came (a capture's messages share slabs), kept as its buffer and
    // range: no copy while the message is young; {@link compact} moves them into the arena.
    const wire = o.wire;
    n[at] = o.frame;
    n[at + 1] = o.time.sec;
    n[at + 2] = o.time.nsec;
    n[at + 3] = o.src.port * 65_536 + o.dst.port;
    n[at + 4] = wire === undefined ? 0 : wire.byteOffset;
    n[at + 5] =
      wire === undefined
        ? info(0, o.transport, WHOLE)
        : info(wire.length, o.transport, o.sip !== undefined ? SIP : OTHER);
    n[at + 6] = names(
      this.textIndex(o.src.ip),
      this.textIndex(o.dst.ip),
      callId === undefined ? -1 : this.textIndex(callId),
    );
    r[ref] = wire === undefined ? o : wire.buffer;
  }

  /**
   * Moves the young messages, numbers and bytes, into the log's arena (made again, with the
   * messages it held): an instance that stays open long then pins no slab of messages it did not
   * place and holds no list per message.
   */
  compact(): void {
    const young = this.young;
    if (young === 0) return;
    const count = this.count + young;
    const old = this.arena;
    const oldHeads = this.count * HEAD * 8;
    const oldBytes = old === undefined ? 0 : old.byteLength - oldHeads;
    let bytes = oldBytes;
    for (let i = 0; i < young; i++) if (this.wireOf(i) !== undefined) bytes += this.lengthOf(i);
    const heads = count * HEAD * 8;
    const arena = new ArrayBuffer(heads + bytes);
    const nums = new Float64Array(arena, 0, count * HEAD);
    const data = new Uint8Array(arena, heads);
    if (old !== undefined) {
      nums.set(new Float64Array(old, 0, this.count * HEAD));
      data.set(new Uint8Array(old, oldHeads, oldBytes));
    }
    let used = oldBytes;
    const n = this.nums;
    const r = this.refs;
    for (let i = 0; i < young; i++) {
      const at = (this.count + i) * HEAD;
      const y = i * YOUNG_NUMS;
      const ref = i * YOUNG_REFS;
      const length = this.lengthOf(i);
      const buffer = this.wireOf(i);
      let offset = -1;
      if (buffer !== undefined) {
        data.set(new Uint8Array(buffer, n[y + 4] ?? 0, length), used);
        offset = used;
        used += length;
      }
      nums[at] = n[y] ?? 0;
      nums[at + 1] = n[y + 1] ?? 0;
      nums[at + 2] = n[y + 2] ?? 0;
      nums[at + 3] = this.srcPortOf(i);
      nums[at + 4] = this.dstPortOf(i);
      nums[at + 5] = offset;
      nums[at + 6] = this.kindOf(i) === SIP ? length : -length - 1;
      const named = n[y + 6] ?? 0;
      nums[at + 7] = named % MAX_TEXTS;
      nums[at + 8] = Math.floor(named / MAX_TEXTS) % MAX_TEXTS;
      nums[at + 9] = this.textIndex(this.transportOf(i));
      nums[at + 10] = Math.floor(named / (MAX_TEXTS * MAX_TEXTS)) - 1;
      nums[at + 11] = buffer === undefined ? this.keep(r[ref] as ObservedMessage) : -1;
    }
    this.arena = arena;
    this.count = count;
    this.young = 0;
    // The young lists (and what they held) let go: made again at the next message.
    this.nums = NO_NUMS;
    this.refs = NO_REFS;
  }

  /** The buffer young message `i`'s bytes lie in, undefined when it is kept as itself. */
  private wireOf(i: number): ArrayBufferLike | undefined {
    return this.kindOf(i) === WHOLE ? undefined : (this.refs[i * YOUNG_REFS] as ArrayBufferLike);
  }

  /** What young message `i` is: {@link SIP}, {@link OTHER} or {@link WHOLE}. */
  private kindOf(i: number): number {
    return (this.nums[i * YOUNG_NUMS + 5] ?? 0) % 4;
  }

  /** The transport young message `i` came over. */
  private transportOf(i: number): ObservedMessage['transport'] {
    return TRANSPORTS[((this.nums[i * YOUNG_NUMS + 5] ?? 0) >> 2) % 4] ?? 'udp';
  }

  /** The number of bytes of young message `i`. */
  private lengthOf(i: number): number {
    return Math.floor((this.nums[i * YOUNG_NUMS + 5] ?? 0) / 16);
  }

  private srcPortOf(i: number): number {
    return Math.floor((this.nums[i * YOUNG_NUMS + 3] ?? 0) / 65_536);
  }

  private dstPortOf(i: number): number {
    return (this.nums[i * YOUNG_NUMS + 3] ?? 0) % 65_536;
  }

  /**
   * The index of `text` among the log's texts, added when new. A log names a handful of
   * addresses and Call-IDs (a dozen for a run of several dialogs): its list has room for 4, made
   * twice as long when full up to 16, then grown by push (copies one longer would cost the
   * square of their number, and a list grown by push from the start would reserve room for 17).
   */
  private textIndex(text: string): number {
    const n = this.textCount;
    let texts = this.texts;
    if (texts !== undefined) for (let i = 0; i < n; i++) if (texts[i] === text) return i;
    if (n >= MAX_TEXTS) throw new RangeError(`a log names at most ${MAX_TEXTS} texts`);
    if (texts === undefined) this.texts = texts = new Array<string | undefined>(4).fill(undefined);
    else if (n === texts.length) {
      if (n >= 16) {
        texts.push(text);
        this.textCount = n + 1;
        return n;
      }
      const grown = new Array<string | undefined>(n * 2).fill(undefined);
      for (let k = 0; k < n; k++) grown[k] = texts[k];
      this.texts = texts = grown;
    }
    texts[n] = text;
    this.textCount = n + 1;
    return n;
  }

  /** The index of `o` among the log's messages kept as themselves. */
  private keep(o: ObservedMessage): number {
    const kept = (this.kept ??= []);
    kept.push(o);
    return kept.length - 1;
  }

  /** The compacted message `i`, as an entry of its own. */
  private restore(i: number): LoggedMessage {
    const arena = this.arena as ArrayBuffer;
    const n = new Float64Array(arena, i * HEAD * 8, HEAD);
    const text = (k: number): string => this.texts?.[n[k] ?? 0] ?? '';
    const callId = (n[10] ?? -1) < 0 ? undefined : text(10);
    const keptAt = n[11] ?? -1;
    if (keptAt >= 0) return new LoggedMessage(this.kept?.[keptAt] as ObservedMessage, callId);
    const signed = n[6] ?? 0;
    const head: LoggedHead = {
      frame: n[0] ?? 0,
      time: { sec: n[1] ?? 0, nsec: n[2] ?? 0 },
      src: { ip: text(7), port: n[3] ?? 0 },
      dst: { ip: text(8), port: n[4] ?? 0 },
      transport: text(9) as ObservedMessage['transport'],
      sip: signed < 0 ? undefined : true,
    };
    const heads = this.count * HEAD * 8;
    const bytes = new Uint8Array(arena, heads + (n[5] ?? 0), signed < 0 ? -signed - 1 : signed);
    return new LoggedMessage(head, callId, bytes);
  }

  /** Young message `i`, as an entry of its own. */
  private restoreYoung(i: number): LoggedMessage {
    const n = this.nums;
    const r = this.refs;
    const y = i * YOUNG_NUMS;
    const ref = i * YOUNG_REFS;
    const named = n[y + 6] ?? 0;
    const text = (k: number): string => this.texts?.[k] ?? '';
    const callAt = Math.floor(named / (MAX_TEXTS * MAX_TEXTS)) - 1;
    const callId = callAt < 0 ? undefined : text(callAt);
    const buffer = this.wireOf(i);
    if (buffer === undefined) return new LoggedMessage(r[ref] as ObservedMessage, callId);
    const head: LoggedHead = {
      frame: n[y] ?? 0,
      time: { sec: n[y + 1] ?? 0, nsec: n[y + 2] ?? 0 },
      src: { ip: text(named % MAX_TEXTS), port: this.srcPortOf(i) },
      dst: { ip: text(Math.floor(named / MAX_TEXTS) % MAX_TEXTS), port: this.dstPortOf(i) },
      transport: this.transportOf(i),
      sip: this.kindOf(i) === SIP ? true : undefined,
    };
    const bytes = new Uint8Array(buffer, n[y + 4] ?? 0, this.lengthOf(i));
    return new LoggedMessage(head, callId, bytes);
  }
}

/** What a log keeps of a message besides its bytes (`sip` set for SIP, else MBCP). */
export interface LoggedHead {
  readonly frame: number;
  readonly time: ObservedMessage['time'];
  readonly src: ObservedMessage['src'];
  readonly dst: ObservedMessage['dst'];
  readonly transport: ObservedMessage['transport'];
  readonly sip?: unknown;
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
  private byteLength = 0;

  /** A message kept as itself; with `bytes`, as those bytes (see {@link MessageLog.add}). */
  constructor(o: ObservedMessage, callId: string | undefined, bytes?: Uint8Array);
  /** A message kept as its head and bytes (a compacted one, restored). */
  constructor(o: LoggedHead, callId: string | undefined, bytes: Uint8Array);
  constructor(
    o: ObservedMessage | LoggedHead,
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
    // Without bytes, `o` is a whole message (the overloads above).
    this.kept = bytes === undefined ? (o as ObservedMessage) : undefined;
    if (bytes !== undefined) this.keep(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** The bytes the message was parsed from, undefined when it is kept as itself. */
  get bytes(): Uint8Array | undefined {
    return this.buffer === undefined
      ? undefined
      : new Uint8Array(this.buffer, this.offset, this.byteLength);
  }

  /** Keeps the message's bytes as `length` bytes of `buffer` from `offset`. */
  private keep(buffer: ArrayBufferLike, offset: number, length: number): void {
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
