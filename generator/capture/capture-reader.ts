/**
 * The streaming capture reader: `readCapture(input)` is an async iterable
 * of SIP and MBCP events read from a pcap or pcapng file chunk by chunk.
 * Packets are decoded synchronously within a chunk and the events of the
 * chunk are then yielded, so the per-packet cost carries no promise.
 * A malformed or cut-short file ends the iteration with a located
 * `CaptureError` after every event before the fault has been yielded.
 */
import type { CaptureInput } from './byte-window.js';
import { ByteWindow, DEFAULT_CHUNK_SIZE } from './byte-window.js';
import { CaptureError, CaptureFormatError, CaptureTruncatedError } from './capture-errors.js';
import type { CaptureEvent, CaptureStats, FoundMessage } from './capture-types.js';
import { emptyStats } from './capture-types.js';
import type { ReassemblyLimits } from './ip-reassembly.js';
import { DEFAULT_REASSEMBLY_LIMITS } from './ip-reassembly.js';
import { PacketDecoder } from './packet-decoder.js';
import { PCAP_HEADER_LENGTH, PcapReader, isPcapMagic } from './pcap-reader.js';
import { PCAPNG_BLOCK, PcapngReader } from './pcapng-reader.js';
import type { RecordParser } from './record-parser.js';
import type { TcpLimits } from './tcp-reassembly.js';
import { DEFAULT_TCP_LIMITS } from './tcp-reassembly.js';

/** Options of `readCapture`. */
export interface CaptureReadOptions {
  /** Called after each chunk with the bytes consumed so far and the file size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Bytes read per system call (default 1 MiB). */
  readonly chunkSize?: number;
  /** Name used in error locations (default: the path, or `<memory>`). */
  readonly label?: string;
  /** IP fragment reassembly limits. */
  readonly reassembly?: Partial<ReassemblyLimits>;
  /** TCP reassembly and framing limits. */
  readonly tcp?: Partial<TcpLimits>;
  /** Look for MBCP (RTCP APP `PoC1`) in UDP payloads (default true). */
  readonly mbcp?: boolean;
  /**
   * The bytes of a message read whole from one packet are a view of the reader's buffer rather
   * than a copy: valid only until the next batch is asked for (default false). For a consumer
   * that copies or drops each event's bytes before it asks for more (the reading thread of
   * `flowspec diff` copies them into its batches).
   */
  readonly transientBytes?: boolean;
  /**
   * Takes each message as it is decoded, instead of an event: the iteration then yields no
   * event, but still one (empty) batch per group of records decoded, so that the consumer may
   * do what it must between groups. `m` is valid during the call only (see `FoundMessage`).
   * For a consumer that needs no event (the reading thread of `flowspec diff` writes each
   * message into its batches).
   */
  readonly onMessage?: (m: FoundMessage) => void;
}

/** A capture being read: iterate it for events; `stats` fills as it goes. */
export interface CaptureReader extends AsyncIterable<CaptureEvent> {
  /** Counters, final once the iteration has ended. */
  readonly stats: CaptureStats;
  /** Format detected from the magic number, once reading has started. */
  readonly format: 'pcap' | 'pcapng' | undefined;
  /** Largest number of bytes held in reassembly buffers at a chunk boundary. */
  readonly peakBytesHeld: number;
  /**
   * The same events a chunk at a time, in order: one promise per chunk rather than per event.
   * A reader is iterated once, either way.
   */
  batches(): AsyncIterable<readonly CaptureEvent[]>;
}

/** The batch of a group when messages are taken as they are decoded (`onMessage`). */
const NO_EVENTS: readonly CaptureEvent[] = [];

/** File bytes whose records are decoded and handed on together (at most, but for a larger record). */
const GROUP_BYTES = 64 * 1024;

class StreamingCaptureReader implements CaptureReader {
  readonly stats: CaptureStats = emptyStats();
  format: 'pcap' | 'pcapng' | undefined;
  peakBytesHeld = 0;
  private started = false;

  constructor(
    private readonly input: CaptureInput,
    private readonly options: CaptureReadOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<CaptureEvent> {
    for await (const batch of this.batches()) yield* batch;
  }

  async *batches(): AsyncGenerator<readonly CaptureEvent[]> {
    if (this.started) {
      throw new CaptureFormatError('a capture reader can be iterated only once', {
        file: this.options.label ?? (typeof this.input === 'string' ? this.input : '<memory>'),
        offset: 0,
      });
    }
    this.started = true;
    const window = await ByteWindow.open(
      this.input,
      this.options.chunkSize ?? DEFAULT_CHUNK_SIZE,
      this.options.label,
    );
    try {
      yield* this.run(window);
    } finally {
      await window.close();
    }
  }

  private async *run(window: ByteWindow): AsyncGenerator<readonly CaptureEvent[]> {
    const parser = await this.openParser(window);
    const options = this.options;
    const decoder = new PacketDecoder(this.stats, {
      reassembly: { ...DEFAULT_REASSEMBLY_LIMITS, ...options.reassembly },
      tcp: { ...DEFAULT_TCP_LIMITS, ...options.tcp },
      mbcp: options.mbcp ?? true,
      transientBytes: options.transientBytes === true,
      ...(options.onMessage === undefined ? {} : { onMessage: options.onMessage }),
    });
    const sink = (record: Parameters<PacketDecoder['handle']>[0]): void => decoder.handle(record);
    let needed = 0;
    for (;;) {
      let failure: unknown;
      // A group of records at a time, however much was read: its events are handed on before
      // the next group is decoded, so that they die young rather than outlive a collection of
      // the young generation with the rest of the chunk's (a record larger than a group is
      // parsed whole).
      const end = window.end;
      window.end = Math.min(end, window.start + Math.max(GROUP_BYTES, needed));
      try {
        needed = parser.parse(window, sink);
      } catch (error) {
        failure = error;
      } finally {
        window.end = end;
      }
      this.stats.fileBytes = window.offset;
      this.peakBytesHeld = Math.max(this.peakBytesHeld, decoder.bytesHeld);
      // Everything found before a fault is delivered before the fault is raised.
      yield* this.drain(decoder);
      if (failure !== undefined) {
        decoder.finish();
        // The consumer's own failure is not the capture's.
        if (decoder.failure !== undefined) throw decoder.failure;
        throw failure instanceof CaptureError
          ? failure
          : new CaptureFormatError(`unexpected failure: ${String(failure)}`, {
              file: window.label,
              offset: window.offset,
              frame: parser.nextFrame,
            });
      }
      // More of the chunk to decode: the next group.
      if (window.available >= needed) continue;
      options.onProgress?.(window.offset, window.totalBytes);
      if (window.available < needed && window.eof) {
        decoder.finish();
        yield* this.drain(decoder);
        if (window.available === 0) return;
        const blockType = parser.pendingBlockType();
        throw new CaptureTruncatedError(
          `capture ends ${window.available} bytes into a record that needs ${needed}`,
          {
            file: window.label,
            offset: window.offset,
            frame: parser.nextFrame,
            ...(blockType === undefined ? {} : { blockType }),
          },
        );
      }
      await window.fill(needed);
    }
  }

  /**
   * The events decoded since the last drain (none: nothing is yielded, unless messages are
   * taken as they are decoded: then a group's batch is always yielded, empty).
   */
  private *drain(decoder: PacketDecoder): Generator<readonly CaptureEvent[]> {
    const events = decoder.events;
    if (events.length === 0) {
      if (this.options.onMessage !== undefined) yield NO_EVENTS;
      return;
    }
    yield events.splice(0, events.length);
  }

  /** Reads the magic number and picks the format (pcap header, or pcapng SHB). */
  private async openParser(window: ByteWindow): Promise<RecordParser> {
    await window.fill(PCAP_HEADER_LENGTH);
    if (window.available < 4) {
      throw new CaptureTruncatedError('file too short to be a capture', {
        file: window.label,
        offset: 0,
      });
    }
    const b = window.bytes;
    const s = window.start;
    const magic =
      (((b[s] ?? 0) << 24) | ((b[s + 1] ?? 0) << 16) | ((b[s + 2] ?? 0) << 8) | (b[s + 3] ?? 0)) >>>
      0;
    if (isPcapMagic(magic)) {
      if (window.available < PCAP_HEADER_LENGTH) {
        throw new CaptureTruncatedError('pcap file header cut short', {
          file: window.label,
          offset: 0,
        });
      }
      this.format = 'pcap';
      return new PcapReader(window);
    }
    if (magic === PCAPNG_BLOCK.sectionHeader) {
      this.format = 'pcapng';
      return new PcapngReader(window);
    }
    throw new CaptureFormatError('not a pcap or pcapng file (unknown magic number)', {
      file: window.label,
      offset: 0,
    });
  }
}

/**
 * Opens a capture for streaming. `input` is a file path (read in chunks,
 * never whole) or bytes in memory. Iterate the result for events; the
 * iteration throws a located `CaptureError` when the file is malformed or
 * cut short, after yielding every event found before that point.
 */
export function readCapture(input: CaptureInput, options: CaptureReadOptions = {}): CaptureReader {
  return new StreamingCaptureReader(input, options);
}
