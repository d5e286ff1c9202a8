/**
 * Observed messages in batches that cross a thread boundary without being
 * copied: `flowspec diff` reads and parses a capture in one thread and runs
 * the conformance engine in another (generator/cli/diff-pipeline.ts). A
 * batch holds the messages' bytes in one buffer, their frame, time and ends
 * in a Float64Array, and where the parse found each SIP message's start
 * line, header lines and body in an Int32Array (message-layout.ts), all
 * transferred; the addresses and the header names that are not common
 * spellings travel once per batch as tables of texts. The receiving side
 * builds each message from its bytes and layout without parsing them again:
 * a header's value is made when the engine reads it, its structured form
 * parsed when first read, as with the parser's `checked` mode.
 */
import { decodeMbcp } from '../../runtime/mbcp/mbcp-codec.js';
import { headerSpelling, knownSpellings } from '../../runtime/sip/message/header-registry.js';
import type { HeaderSpelling } from '../../runtime/sip/message/header-registry.js';
import {
  laidOutMessage,
  laidOutSize,
  laidOutSpellings,
  MessageLayout,
  writeLaidOut,
} from '../../runtime/sip/message/message-layout.js';
import { parseMessage } from '../../runtime/sip/message/message-parser.js';
import type { WireEndpoint } from './address-map.js';
import type { ObservedMessage } from './observed.js';

/** Numbers per message in {@link WireBatch.meta}. */
const FIELDS = 12;
const TRANSPORTS = ['udp', 'tcp', 'ws'] as const;

/** A batch of observed messages as it crosses to another thread (every part structured-cloneable). */
export interface WireBatch {
  readonly count: number;
  /**
   * Per message: frame, sec, nsec, src ip index, src port, dst ip index, dst port, transport,
   * kind (0 SIP, 1 MBCP), length, offset, index of its layout in {@link laid} (SIP).
   */
  readonly meta: Float64Array;
  readonly bytes: Uint8Array;
  /** The SIP messages' layouts, offsets relative to each message's first byte. */
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
    b.bytes.buffer as ArrayBuffer,
    b.laid.buffer as ArrayBuffer,
  ];
}

/** Collects observed messages into batches of about `byteBudget` bytes. */
export class WireBatchWriter {
  /**
   * For the parse of each SIP message before it is added (`ParseOptions.layout`): a message
   * whose layout is not the last one parsed into this is parsed again when added.
   */
  readonly layout = new MessageLayout();
  private meta: Float64Array;
  private bytes: Uint8Array;
  private laid = new Int32Array(64 * 1024);
  private count = 0;
  private used = 0;
  private laidUsed = 0;
  private ips: string[] = [];
  private ipIndex = new Map<string, number>();
  private names: string[] = [];
  private nameIndex = new Map<string, number>();

  constructor(
    private readonly maxMessages = 1024,
    private readonly byteBudget = 512 * 1024,
  ) {
    this.meta = new Float64Array(maxMessages * FIELDS);
    this.bytes = new Uint8Array(byteBudget);
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
    if (this.used + wire.length > this.bytes.length) {
      // One large message (a TCP stream's): the buffer grows for this batch only.
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + wire.length));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(wire, this.used);
    const at = this.count * FIELDS;
    const m = this.meta;
    m[at] = o.frame;
    m[at + 1] = o.time.sec;
    m[at + 2] = o.time.nsec;
    m[at + 3] = this.ip(o.src.ip);
    m[at + 4] = o.src.port;
    m[at + 5] = this.ip(o.dst.ip);
    m[at + 6] = o.dst.port;
    m[at + 7] = TRANSPORTS.indexOf(o.transport);
    m[at + 8] = o.sip ? 0 : 1;
    m[at + 9] = wire.length;
    m[at + 10] = this.used;
    m[at + 11] = o.sip ? this.laidUsed : -1;
    if (o.sip) this.addLayout(wire, o.transport);
    this.used += wire.length;
    this.count++;
  }

  private addLayout(wire: Uint8Array, transport: ObservedMessage['transport']): void {
    const layout = this.layout;
    if (layout.bytes !== wire) {
      try {
        parseMessage(wire, {
          transport: transport === 'tcp' ? 'stream' : 'datagram',
          checked: true,
          layout,
        });
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

  private ip(text: string): number {
    let i = this.ipIndex.get(text);
    if (i === undefined) {
      i = this.ips.length;
      this.ips.push(text);
      this.ipIndex.set(text, i);
    }
    return i;
  }

  /** The batch so far; the writer starts a new one (the buffers are handed over, not reused). */
  take(): WireBatch {
    const batch: WireBatch = {
      count: this.count,
      meta: this.meta.slice(0, this.count * FIELDS),
      bytes: this.bytes.slice(0, this.used),
      laid: this.laid.slice(0, this.laidUsed),
      ips: this.ips,
      names: this.names,
    };
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
 * Copies of the parts of a batch's array that messages keep: a message an instance keeps pins
 * one slab, not the whole batch. The messages of a batch lie one after the other, so one copy
 * fills a slab with the run of them that starts at the message that needs it.
 */
class Slabs<A extends Uint8Array | Int32Array> {
  /** The array that holds what {@link place} placed last. */
  held: A | undefined = undefined;
  private slab: A | undefined = undefined;
  private source: A | undefined = undefined;
  private from = 0;
  private to = 0;

  /** `size` elements a slab. */
  constructor(private readonly size: number) {}

  /** Places `source[start..end)` in {@link held}; returns its index there. */
  place(source: A, start: number, end: number): number {
    // Larger than a quarter slab (a TCP stream's big message): a copy of its own.
    if (end - start > this.size / 4) {
      this.held = source.slice(start, end) as A;
      return 0;
    }
    if (source !== this.source || start < this.from || end > this.to) {
      this.source = source;
      this.from = start;
      this.to = Math.min(source.length, start + this.size);
      this.slab = source.slice(start, this.to) as A;
    }
    this.held = this.slab;
    return start - this.from;
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

/** Endpoints kept for sharing, at most (then sharing starts again). */
const ENDS = 65_536;

/** Turns batches back into observed messages (one reader per receiving thread). */
export class WireBatchReader {
  /**
   * Per address, one text and one endpoint object per port across batches: every message from
   * or to an address and port shares them.
   */
  private addresses = new Map<string, Address>();
  private endCount = 0;
  /** Where the messages' bytes and layouts are copied to. */
  readonly bytes = new Slabs<Uint8Array>(16 * 1024);
  readonly layouts = new Slabs<Int32Array>(4 * 1024);

  /** The messages of a batch, made as they are iterated. */
  messages(b: WireBatch): IterableIterator<ObservedMessage> {
    if (this.endCount > ENDS) {
      this.addresses = new Map();
      this.endCount = 0;
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
      known = { ip, ports: new Map() };
      this.addresses.set(ip, known);
    }
    return known;
  }

  /** The endpoint at `address` and `port`. */
  end(address: Address | undefined, port: number): WireEndpoint {
    let end = address?.ports.get(port);
    if (end === undefined) {
      end = { ip: address?.ip ?? '', port };
      address?.ports.set(port, end);
      this.endCount++;
    }
    return end;
  }
}

/** An address's text, and its endpoints by port. */
interface Address {
  readonly ip: string;
  readonly ports: Map<number, WireEndpoint>;
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
    const length = m[at + 9] ?? 0;
    const offset = m[at + 10] ?? 0;
    // A copy in a shared slab: a message an instance keeps pins 16 KiB, not the whole batch.
    const start = reader.bytes.place(b.bytes, offset, offset + length);
    const held = reader.bytes.held as Uint8Array;
    const wire = new Uint8Array(held.buffer, held.byteOffset + start, length);
    const transport = TRANSPORTS[m[at + 7] ?? 0] ?? 'udp';
    const frame = small(m[at] ?? 0);
    const time = { sec: small(m[at + 1] ?? 0), nsec: small(m[at + 2] ?? 0) };
    const src = reader.end(this.addresses[m[at + 3] ?? 0], small(m[at + 4] ?? 0));
    const dst = reader.end(this.addresses[m[at + 5] ?? 0], small(m[at + 6] ?? 0));
    // Spelled out rather than spread: one object of one shape per message (as observedFromIngest).
    if (m[at + 8] !== 0) return { frame, time, src, dst, transport, mbcp: decodeMbcp(wire), wire };
    const laid = m[at + 11] ?? 0;
    const where = reader.layouts.place(b.laid, laid, laid + laidOutSize(b.laid, laid));
    const sip =
      laidOutMessage(wire, reader.layouts.held as Int32Array, where, this.spellings) ??
      // Not laid out (a folded or non-ASCII header section): parsed again.
      parseMessage(wire, {
        transport: transport === 'tcp' ? 'stream' : 'datagram',
        checked: true,
      });
    return { frame, time, src, dst, transport, sip, wire };
  }
}
