/**
 * Observed messages in batches that cross a thread boundary without being
 * copied: `flowspec diff` reads and parses a capture in one thread and runs
 * the conformance engine in another (generator/cli/diff-threads.ts). A
 * batch holds the messages' bytes in chunks of 16 KiB, their frame, time
 * and ends in a Float64Array, and where the parse found each SIP message's
 * start line, header lines and body in an Int32Array (message-layout.ts),
 * all transferred; the addresses and the header names that are not common
 * spellings travel once per batch as tables of texts. The receiving side
 * builds each message from its bytes and layout without parsing them again:
 * a header's value is made when the engine reads it, its structured form
 * parsed when first read, as with the parser's `checked` mode.
 *
 * The chunks are what a message kept by the engine pins (an instance keeps
 * its messages' bytes, logged-message.ts): 16 KiB, not the whole batch. They
 * are made by the writer, in the reading thread, so that the engine's thread
 * neither copies the bytes nor allocates buffers for them.
 */
import { decodeMbcp } from '../../runtime/mbcp/mbcp-codec.js';
import type { MbcpMessage } from '../../runtime/mbcp/index.js';
import { headerSpelling, knownSpellings } from '../../runtime/sip/message/header-registry.js';
import type { HeaderSpelling } from '../../runtime/sip/message/header-registry.js';
import type { SipMessage } from '../../runtime/sip/message/index.js';
import {
  laidOutMessage,
  laidOutSpellings,
  MessageLayout,
  writeLaidOut,
} from '../../runtime/sip/message/message-layout.js';
import type { FoundMessage } from '../capture/capture-types.js';
import { checkCapturedSip, parseCapturedSip } from '../capture/captured-sip.js';
import { addressText } from '../capture/ip-layer.js';
import type { WireEndpoint } from './address-map.js';
import type { IngestEvent } from '../capture/sip-events.js';
import { TRANSPORT_CODES, TRANSPORTS } from './observed.js';
import {
  endpoints,
  identityHigh,
  identityLow,
  sipParts,
  viaBranch,
  type BranchSpan,
} from './transmission-identity.js';
import type { ObservedMessage, ObservedTime } from './observed.js';

/** Numbers per message in {@link WireBatch.meta}. */
const FIELDS = 15;
/** Bytes per chunk; a message larger than a quarter chunk has a chunk of its own. */
const CHUNK = 16 * 1024;

/** A batch of observed messages as it crosses to another thread (every part structured-cloneable). */
export interface WireBatch {
  readonly count: number;
  /**
   * Per message: frame, sec, nsec, src ip index, src port, dst ip index, dst port, transport,
   * kind (0 SIP, 1 MBCP), length, index of its chunk, offset in the chunk, index of its layout
   * in {@link laid} (SIP), the identity of its transmission (transmission-identity.ts) as its
   * upper and lower bits (the lower -1 when not worked out).
   */
  readonly meta: Float64Array;
  /** The messages' bytes, one after the other. */
  readonly chunks: readonly Uint8Array[];
  /**
   * The SIP messages' layouts, offsets relative to each message's first byte. A message made
   * from the batch refers to them while it lives (messages are not kept: their bytes are).
   */
  readonly laid: Int32Array;
  /** The address texts the ip indexes refer to. */
  readonly ips: readonly string[];
  /** The header names the layouts refer to beyond the common spellings. */
  readonly names: readonly string[];
}

/** The buffers of a batch, for `postMessage`'s transfer list. */
export function transferables(b: WireBatch): ArrayBuffer[] {
  return [
    b.meta.buffer as ArrayBuffer,
    b.laid.buffer as ArrayBuffer,
    ...b.chunks.map((c) => c.buffer as ArrayBuffer),
  ];
}

/** Collects observed messages into batches of about `byteBudget` bytes. */
export class WireBatchWriter {
  /**
   * For the parse of each SIP message before it is added (`ParseOptions.layout`): a message
   * whose layout is not the last one parsed into this is parsed again when added.
   */
  readonly layout = new MessageLayout();
  /** Where {@link identity} finds a Via's branch. */
  private readonly branch: BranchSpan = { text: '', start: 0, end: 0 };
  private meta: Float64Array;
  private chunks: Uint8Array[] = [];
  /** The chunk being filled (its index in `chunks`), and how far. */
  private chunk = new Uint8Array(0);
  private chunkIndex = -1;
  private chunkUsed = 0;
  private laid = new Int32Array(64 * 1024);
  private count = 0;
  /** Bytes of the messages collected. */
  private used = 0;
  private laidUsed = 0;
  private ips: string[] = [];
  /** By address: its text, or an IPv4 address's number (`FoundMessage`). */
  private ipIndex = new Map<string | number, number>();
  private names: string[] = [];
  private nameIndex = new Map<string, number>();

  constructor(
    private readonly maxMessages = 1024,
    private readonly byteBudget = 512 * 1024,
  ) {
    this.meta = new Float64Array(maxMessages * FIELDS);
  }

  /** Messages collected since the last {@link take}. */
  get size(): number {
    return this.count;
  }

  /** True when the next message may not fit: time to {@link take} the batch. */
  get full(): boolean {
    return this.count >= this.maxMessages || this.used >= this.byteBudget * 0.875;
  }

  /** Adds a message that has its bytes (a SIP message or an MBCP packet read from a capture). */
  add(o: ObservedMessage): void {
    const wire = o.wire;
    if (wire === undefined)
      throw new TypeError(`frame ${o.frame}: a batched message needs its bytes`);
    const { src, dst } = o;
    const sip = o.sip !== undefined;
    this.put(
      o.frame,
      o.time.sec,
      o.time.nsec,
      src.ip,
      src.port,
      dst.ip,
      dst.port,
      o.transport,
      wire,
      sip,
    );
  }

  /**
   * Adds a captured event that parsed (a SIP message, built or only checked: see
   * `IngestOptions.checkOnly`, or a decoded MBCP packet) as {@link add} adds its observed
   * message, without making one. An event that did not parse (it has a finding) goes no further.
   */
  addEvent(e: IngestEvent): void {
    if (e.finding !== undefined || (e.kind === 'mbcp' && e.mbcp === undefined)) return;
    const { src, dst, time } = e;
    const sip = e.kind === 'sip';
    this.put(
      e.frame,
      time.sec,
      time.nsec,
      src.ip,
      src.port,
      dst.ip,
      dst.port,
      e.transport,
      e.bytes,
      sip,
    );
  }

  /**
   * Adds a message as the capture reader decoded it, once it parsed (`IngestOptions.onMessage`):
   * its bytes are copied into the batch.
   */
  addFound(m: FoundMessage): void {
    const { src, srcPort, dst, dstPort } = m;
    this.put(
      m.frame,
      m.sec,
      m.nsec,
      src,
      srcPort,
      dst,
      dstPort,
      m.transport,
      m.bytes,
      m.kind === 'sip',
    );
  }

  private put(
    frame: number,
    sec: number,
    nsec: number,
    src: string | number,
    srcPort: number,
    dst: string | number,
    dstPort: number,
    transport: ObservedMessage['transport'],
    wire: Uint8Array,
    sip: boolean,
  ): void {
    const n = wire.length;
    let chunk: number;
    let offset = 0;
    if (n > CHUNK / 4) {
      // A large message (a TCP stream's): a chunk of its own, the one being filled stays.
      chunk = this.chunks.push(wire.slice()) - 1;
    } else {
      if (this.chunkIndex < 0 || this.chunkUsed + n > CHUNK) {
        this.chunk = new Uint8Array(CHUNK);
        this.chunkIndex = this.chunks.push(this.chunk) - 1;
        this.chunkUsed = 0;
      }
      chunk = this.chunkIndex;
      offset = this.chunkUsed;
      this.chunk.set(wire, offset);
      this.chunkUsed += n;
    }
    const at = this.count * FIELDS;
    const m = this.meta;
    m[at] = frame;
    m[at + 1] = sec;
    m[at + 2] = nsec;
    m[at + 3] = this.ip(src);
    m[at + 4] = srcPort;
    m[at + 5] = this.ip(dst);
    m[at + 6] = dstPort;
    m[at + 7] = TRANSPORT_CODES[transport];
    m[at + 8] = sip ? 0 : 1;
    m[at + 9] = n;
    m[at + 10] = chunk;
    m[at + 11] = offset;
    m[at + 12] = sip ? this.laidUsed : -1;
    if (sip) this.addLayout(wire, transport);
    // The identity of the transmission, worked out here rather than in the engine's thread.
    const id = sip ? this.identity(wire, m[at + 3] ?? 0, srcPort, m[at + 5] ?? 0, dstPort) : 0;
    m[at + 13] = id === 0 ? 0 : identityHigh(id);
    m[at + 14] = id === 0 ? -1 : identityLow(id);
    this.used += n;
    this.count++;
  }

  private addLayout(wire: Uint8Array, transport: ObservedMessage['transport']): void {
    const layout = this.layout;
    if (layout.bytes !== wire) {
      try {
        checkCapturedSip(wire, transport, { checked: true, layout });
      } catch {
        // Written as a message to parse again: the engine's side meets the error as before.
      }
    }
    const size = layout.laidOutSize;
    if (this.laidUsed + size > this.laid.length) {
      const grown = new Int32Array(Math.max(this.laid.length * 2, this.laidUsed + size));
      grown.set(this.laid.subarray(0, this.laidUsed));
      this.laid = grown;
    }
    this.laidUsed = writeLaidOut(layout, this.laid, this.laidUsed, this.nameId);
  }

  /**
   * The identity of a SIP message's transmission (transmission-identity.ts) from the layout just
   * written for it: what the engine would work out from the message it builds of the layout; 0
   * when the message was not laid out (the engine works it out from what it parses).
   */
  private identity(
    wire: Uint8Array,
    src: number,
    srcPort: number,
    dst: number,
    dstPort: number,
  ): number {
    const l = this.layout;
    if (l.bytes !== wire || !l.plain) return 0;
    sipParts(
      l.response ? undefined : l.method(),
      l.response ? l.second : 0,
      viaBranch(l.firstValue('via'), this.branch),
      l.firstValue('cseq') ?? '',
    );
    return endpoints(this.ips[src] ?? '', srcPort, this.ips[dst] ?? '', dstPort);
  }

  /** The id of a header name that is not a common spelling: its place in the batch's names. */
  private readonly nameId = (name: string): number => {
    let i = this.nameIndex.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, i);
    }
    return knownSpellings.length + i;
  };

  /**
   * The index of an address (its text, or an IPv4 address's number) in the batch's texts: one
   * text per address, whether it came as a number (over UDP) or as its text (over TCP).
   */
  private ip(address: string | number): number {
    let i = this.ipIndex.get(address);
    if (i === undefined) {
      const text = addressText(address);
      i = this.ipIndex.get(text);
      if (i === undefined) {
        i = this.ips.length;
        this.ips.push(text);
        this.ipIndex.set(text, i);
      }
      this.ipIndex.set(address, i);
    }
    return i;
  }

  /** The batch so far; the writer starts a new one (the buffers are handed over, not reused). */
  take(): WireBatch {
    const batch: WireBatch = {
      count: this.count,
      meta: this.meta.slice(0, this.count * FIELDS),
      chunks: this.chunks,
      laid: this.laid.slice(0, this.laidUsed),
      ips: this.ips,
      names: this.names,
    };
    this.chunks = [];
    this.chunkIndex = -1;
    this.count = 0;
    this.used = 0;
    this.laidUsed = 0;
    this.ips = [];
    this.ipIndex = new Map();
    this.names = [];
    this.nameIndex = new Map();
    return batch;
  }
}

/**
 * `x` as a small integer when it is one. A number read from a Float64Array is a double: kept in
 * an object as it is, it is a boxed number of its own (16 bytes more per field and message).
 */
function small(x: number): number {
  const i = x | 0;
  return i === x ? i : x;
}

/**
 * Endpoints kept for sharing, at most (then sharing starts again): enough for the busy ones (a
 * server's), few enough that a capture of many addresses does not grow the engine's memory.
 */
const ENDS = 4096;

/** Turns batches back into observed messages (one reader per receiving thread). */
export class WireBatchReader {
  /** One text per address across batches (every message from one address shares it), and a number. */
  private addresses = new Map<string, Address>();
  /** One endpoint object per address and port across batches, by `address.id * 65536 + port`. */
  private ends = new Map<number, WireEndpoint>();

  /** The messages of a batch, made as they are iterated. */
  messages(b: WireBatch): IterableIterator<ObservedMessage> {
    if (this.ends.size > ENDS) {
      this.addresses = new Map();
      this.ends = new Map();
    }
    return new BatchMessages(
      this,
      b,
      b.ips.map((ip) => this.address(ip)),
      laidOutSpellings(b.names.map(headerSpelling)),
    );
  }

  private address(ip: string): Address {
    let known = this.addresses.get(ip);
    if (known === undefined) {
      known = { ip, id: this.addresses.size };
      this.addresses.set(ip, known);
    }
    return known;
  }

  /** The endpoint at `address` and `port`. */
  end(address: Address | undefined, port: number): WireEndpoint {
    if (address === undefined) return { ip: '', port };
    const key = address.id * 65_536 + port;
    let end = this.ends.get(key);
    if (end === undefined) {
      end = { ip: address.ip, port };
      this.ends.set(key, end);
    }
    return end;
  }
}

/** An address's text, and its number in the reader. */
interface Address {
  readonly ip: string;
  readonly id: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The messages of one batch, in order. An iterator of its own rather than a generator: it
 * hands out one result object, changed at each step, where a generator makes one per message.
 */
class BatchMessages implements IterableIterator<ObservedMessage> {
  private i = 0;
  private readonly step: { done: false; value: ObservedMessage };

  constructor(
    private readonly reader: WireBatchReader,
    private readonly b: WireBatch,
    private readonly addresses: readonly Address[],
    private readonly spellings: readonly HeaderSpelling[],
  ) {
    this.step = { done: false, value: undefined as unknown as ObservedMessage };
  }

  [Symbol.iterator](): IterableIterator<ObservedMessage> {
    return this;
  }

  next(): IteratorResult<ObservedMessage, undefined> {
    if (this.i >= this.b.count) return DONE;
    this.step.value = this.message(this.i++);
    return this.step;
  }

  private message(i: number): ObservedMessage {
    const { reader, b } = this;
    const m = b.meta;
    const at = i * FIELDS;
    // Indexes as integers (`| 0`): a double as an array index takes a slow generic path.
    const chunk = b.chunks[(m[at + 10] ?? 0) | 0] as Uint8Array;
    const wire = new Uint8Array(chunk.buffer, chunk.byteOffset + (m[at + 11] ?? 0), m[at + 9] ?? 0);
    const transport = TRANSPORTS[(m[at + 7] ?? 0) | 0] ?? 'udp';
    const src = reader.end(this.addresses[(m[at + 3] ?? 0) | 0], small(m[at + 4] ?? 0));
    const dst = reader.end(this.addresses[(m[at + 5] ?? 0) | 0], small(m[at + 6] ?? 0));
    const mbcp = m[at + 8] !== 0;
    const sip = mbcp
      ? undefined
      : (laidOutMessage(wire, b.laid, (m[at + 12] ?? 0) | 0, this.spellings) ??
        // Not laid out (a folded or non-ASCII header section): parsed again.
        parseCapturedSip(wire, transport, { checked: true }));
    return new BatchMessage(
      small(m[at] ?? 0),
      small(m[at + 1] ?? 0),
      small(m[at + 2] ?? 0),
      src,
      dst,
      transport,
      sip,
      mbcp ? decodeMbcp(wire) : undefined,
      wire,
      (m[at + 13] ?? 0) | 0,
      (m[at + 14] ?? -1) | 0,
    );
  }
}

/**
 * An observed message made from a batch: one object of one shape for SIP and MBCP alike, that
 * is its own time (its seconds and nanoseconds are fields of its own, read as numbers only)
 * rather than holding a time object more per message.
 */
class BatchMessage implements ObservedMessage, ObservedTime {
  constructor(
    readonly frame: number,
    readonly sec: number,
    readonly nsec: number,
    readonly src: WireEndpoint,
    readonly dst: WireEndpoint,
    readonly transport: ObservedMessage['transport'],
    readonly sip: SipMessage | undefined,
    readonly mbcp: MbcpMessage | undefined,
    readonly wire: Uint8Array,
    readonly transmissionHigh: number,
    readonly transmissionLow: number,
  ) {}

  get time(): ObservedTime {
    return this;
  }
}
