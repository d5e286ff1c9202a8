/**
 * Observed messages in batches that cross a thread boundary without being
 * copied: `flowspec diff` reads and parses a capture in one thread and runs
 * the conformance engine in another (generator/cli/diff-pipeline.ts). A
 * batch holds the messages' bytes in one buffer and their frame, time and
 * ends in a Float64Array, both transferred; the addresses travel once per
 * batch as a table of texts. The receiving side parses each message again
 * with the same parser, told the bytes were parsed before (`checked`), so
 * only what the engine reads is parsed.
 */
import { decodeMbcp } from '../../runtime/mbcp/mbcp-codec.js';
import { parseMessage } from '../../runtime/sip/message/message-parser.js';
import { PayloadCopies } from '../capture/payload-copies.js';
import type { ObservedMessage } from './observed.js';

/** Numbers per message in {@link WireBatch.meta}. */
const FIELDS = 11;
const TRANSPORTS = ['udp', 'tcp', 'ws'] as const;

/** A batch of observed messages as it crosses to another thread (every part structured-cloneable). */
export interface WireBatch {
  readonly count: number;
  /** Per message: frame, sec, nsec, src ip index, src port, dst ip index, dst port, transport, kind (0 SIP, 1 MBCP), length, offset. */
  readonly meta: Float64Array;
  readonly bytes: Uint8Array;
  /** The address texts the ip indexes refer to. */
  readonly ips: readonly string[];
}

/** The buffers of a batch, for `postMessage`'s transfer list. */
export function transferables(b: WireBatch): ArrayBuffer[] {
  return [b.meta.buffer as ArrayBuffer, b.bytes.buffer as ArrayBuffer];
}

/** Collects observed messages into batches of about `byteBudget` bytes. */
export class WireBatchWriter {
  private meta: Float64Array;
  private bytes: Uint8Array;
  private count = 0;
  private used = 0;
  private ips: string[] = [];
  private ipIndex = new Map<string, number>();

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
    this.used += wire.length;
    this.count++;
  }

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
      ips: this.ips,
    };
    this.count = 0;
    this.used = 0;
    this.ips = [];
    this.ipIndex = new Map();
    return batch;
  }
}

/** Turns batches back into observed messages (one reader per receiving thread). */
export class WireBatchReader {
  /** One text per address across batches: every message from one address shares it. */
  private readonly interned = new Map<string, string>();
  private readonly copies = new PayloadCopies();

  /** The messages of a batch, parsed as they are iterated. */
  *messages(b: WireBatch): Generator<ObservedMessage> {
    const ips = b.ips.map((ip) => this.intern(ip));
    const m = b.meta;
    for (let i = 0; i < b.count; i++) {
      const at = i * FIELDS;
      const length = m[at + 9] ?? 0;
      const offset = m[at + 10] ?? 0;
      // A copy in a shared slab: a message an instance keeps pins 16 KiB, not the whole batch.
      const wire = this.copies.copy(b.bytes.subarray(offset, offset + length));
      const transport = TRANSPORTS[m[at + 7] ?? 0] ?? 'udp';
      const frame = m[at] ?? 0;
      const time = { sec: m[at + 1] ?? 0, nsec: m[at + 2] ?? 0 };
      const src = { ip: ips[m[at + 3] ?? 0] ?? '', port: m[at + 4] ?? 0 };
      const dst = { ip: ips[m[at + 5] ?? 0] ?? '', port: m[at + 6] ?? 0 };
      // Spelled out rather than spread: one object of one shape per message (as observedFromIngest).
      if (m[at + 8] === 0) {
        const sip = parseMessage(wire, {
          transport: transport === 'tcp' ? 'stream' : 'datagram',
          checked: true,
        });
        yield { frame, time, src, dst, transport, sip, wire };
      } else yield { frame, time, src, dst, transport, mbcp: decodeMbcp(wire), wire };
    }
  }

  private intern(ip: string): string {
    const known = this.interned.get(ip);
    if (known !== undefined) return known;
    this.interned.set(ip, ip);
    return ip;
  }
}
