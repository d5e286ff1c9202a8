/**
 * Classic libpcap files (draft-ietf-opsawg-pcap): a 24-byte file header
 * followed by records of a 16-byte header and the captured bytes. Both byte
 * orders, microsecond (0xA1B2C3D4) and nanosecond (0xA1B23C4D) magic.
 */
import type { ByteWindow } from './byte-window.js';
import { CaptureFormatError } from './capture-errors.js';
import type { FrameRecord, TimeBase } from './frame-record.js';
import { MICROSECONDS_SPLIT, NANOSECONDS_SPLIT, newFrameRecord } from './frame-record.js';
import type { FrameSink, RecordParser } from './record-parser.js';

/** Magic numbers as read big-endian from the first four bytes. */
export const PCAP_MAGIC = {
  microBig: 0xa1b2c3d4,
  microLittle: 0xd4c3b2a1,
  nanoBig: 0xa1b23c4d,
  nanoLittle: 0x4d3cb2a1,
} as const;

/** pcap file header length (draft-ietf-opsawg-pcap section 4). */
export const PCAP_HEADER_LENGTH = 24;
/** pcap packet record header length (section 5). */
const RECORD_HEADER_LENGTH = 16;
/**
 * Largest captured length accepted in a record. libpcap's MAXIMUM_SNAPLEN is
 * 262144; some tools write larger, so allow more but stop at nonsense.
 */
const MAX_RECORD_LENGTH = 16 << 20;

/** True when the first four bytes are a pcap magic number in either byte order. */
export function isPcapMagic(first4: number): boolean {
  return (
    first4 === PCAP_MAGIC.microBig ||
    first4 === PCAP_MAGIC.microLittle ||
    first4 === PCAP_MAGIC.nanoBig ||
    first4 === PCAP_MAGIC.nanoLittle
  );
}

/** Reads pcap records from a window whose first 24 bytes are the file header. */
export class PcapReader implements RecordParser {
  readonly format = 'pcap' as const;
  private readonly little: boolean;
  private readonly timeBase: TimeBase;
  private readonly linkType: number;
  private readonly record: FrameRecord = newFrameRecord();
  private frameCount = 0;
  private readonly label: string;

  /** Parses the file header from the window (which must hold 24 bytes) and consumes it. */
  constructor(window: ByteWindow) {
    this.label = window.label;
    const view = new DataView(window.bytes.buffer, window.bytes.byteOffset + window.start, 24);
    const magic = view.getUint32(0, false);
    if (!isPcapMagic(magic)) {
      throw new CaptureFormatError('not a pcap file header', {
        file: window.label,
        offset: window.offset,
      });
    }
    this.little = magic === PCAP_MAGIC.microLittle || magic === PCAP_MAGIC.nanoLittle;
    const nano = magic === PCAP_MAGIC.nanoBig || magic === PCAP_MAGIC.nanoLittle;
    this.timeBase = nano ? NANOSECONDS_SPLIT : MICROSECONDS_SPLIT;
    const major = view.getUint16(4, this.little);
    if (major !== 2) {
      throw new CaptureFormatError(`unsupported pcap version ${major}`, {
        file: window.label,
        offset: window.offset + 4,
      });
    }
    // Section 4: LinkType is the low 16 bits; bits 26-31 carry the FCS length flags.
    this.linkType = view.getUint32(20, this.little) & 0xffff;
    window.start += PCAP_HEADER_LENGTH;
  }

  get nextFrame(): number {
    return this.frameCount + 1;
  }

  pendingBlockType(): number | undefined {
    return undefined;
  }

  parse(window: ByteWindow, sink: FrameSink): number {
    const bytes = window.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const little = this.little;
    const record = this.record;
    let pos = window.start;
    const end = window.end;
    try {
      while (end - pos >= RECORD_HEADER_LENGTH) {
        const capLen = view.getUint32(pos + 8, little);
        if (capLen > MAX_RECORD_LENGTH) {
          throw new CaptureFormatError(`implausible captured length ${capLen}`, {
            file: this.label,
            offset: window.base + pos,
            frame: this.frameCount + 1,
          });
        }
        const total = RECORD_HEADER_LENGTH + capLen;
        if (end - pos < total) return total;
        this.frameCount++;
        record.frame = this.frameCount;
        record.fileOffset = window.base + pos;
        record.linkType = this.linkType;
        record.timeBase = this.timeBase;
        record.timeHigh = view.getUint32(pos, little);
        record.timeLow = view.getUint32(pos + 4, little);
        record.originalLength = view.getUint32(pos + 12, little);
        record.bytes = bytes;
        record.start = pos + RECORD_HEADER_LENGTH;
        record.end = pos + total;
        pos += total;
        window.start = pos;
        sink(record);
      }
      return RECORD_HEADER_LENGTH;
    } finally {
      window.start = pos;
    }
  }
}
