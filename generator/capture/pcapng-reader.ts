/**
 * pcapng files (draft-ietf-opsawg-pcapng): a sequence of blocks, each
 * `type, total length, body, total length`. Handles several sections
 * (each SHB sets its own byte order and resets the interfaces), Interface
 * Description Blocks with `if_tsresol` and `if_tsoffset`, Enhanced, Simple
 * and obsolete Packet Blocks; every other block type is skipped.
 */
import type { ByteWindow } from './byte-window.js';
import { CaptureFormatError } from './capture-errors.js';
import type { FrameRecord } from './frame-record.js';
import { newFrameRecord } from './frame-record.js';
import type { InterfaceInfo } from './pcapng-interface.js';
import { readInterfaceDescription } from './pcapng-interface.js';
import type { FrameSink, RecordParser } from './record-parser.js';

/** Block type codes (draft-ietf-opsawg-pcapng section 11.1). */
export const PCAPNG_BLOCK = {
  sectionHeader: 0x0a0d0d0a,
  interfaceDescription: 0x00000001,
  obsoletePacket: 0x00000002,
  simplePacket: 0x00000003,
  enhancedPacket: 0x00000006,
  systemdJournalExport: 0x00000009,
  customCopyable: 0x00000bad,
  customNotCopyable: 0x40000bad,
} as const;

/** Byte-order magic of the SHB (section 4.1). */
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Reads pcapng blocks from a window that starts at the first SHB. */
export class PcapngReader implements RecordParser {
  readonly format = 'pcapng' as const;
  private little = true;
  private interfaces: InterfaceInfo[] = [];
  private readonly record: FrameRecord = newFrameRecord();
  private frameCount = 0;
  private sawSection = false;
  private pendingType: number | undefined;
  private readonly label: string;

  constructor(window: ByteWindow) {
    this.label = window.label;
  }

  get nextFrame(): number {
    return this.frameCount + 1;
  }

  pendingBlockType(): number | undefined {
    return this.pendingType;
  }

  parse(window: ByteWindow, sink: FrameSink): number {
    const bytes = window.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = window.start;
    const end = window.end;
    try {
      while (end - pos >= 12) {
        let type = view.getUint32(pos, this.little);
        this.pendingType = type;
        if (type === PCAPNG_BLOCK.sectionHeader) {
          // Section 4.1: the SHB's own byte order comes from its byte-order magic.
          const magicLittle = view.getUint32(pos + 8, true);
          if (magicLittle === BYTE_ORDER_MAGIC) this.little = true;
          else if (view.getUint32(pos + 8, false) === BYTE_ORDER_MAGIC) this.little = false;
          else throw this.error('bad byte-order magic in section header', window.base + pos, type);
          type = PCAPNG_BLOCK.sectionHeader;
        } else if (!this.sawSection) {
          throw this.error(
            'pcapng file does not start with a section header',
            window.base + pos,
            type,
          );
        }
        const total = view.getUint32(pos + 4, this.little);
        if (total < 12 || total % 4 !== 0) {
          throw this.error(`bad block total length ${total}`, window.base + pos, type);
        }
        if (end - pos < total) return total;
        const trailer = view.getUint32(pos + total - 4, this.little);
        if (trailer !== total) {
          throw this.error(
            `block trailing length ${trailer} differs from leading length ${total}`,
            window.base + pos,
            type,
          );
        }
        const bodyStart = pos + 8;
        const bodyEnd = pos + total - 4;
        const blockOffset = window.base + pos;
        pos += total;
        window.start = pos;
        switch (type) {
          case PCAPNG_BLOCK.sectionHeader:
            this.sawSection = true;
            this.interfaces = [];
            this.checkSectionHeader(view, bodyStart, bodyEnd, blockOffset);
            break;
          case PCAPNG_BLOCK.interfaceDescription:
            this.interfaces.push(
              readInterfaceDescription(view, bodyStart, bodyEnd, this.little, (reason) => {
                throw this.error(reason, blockOffset, type);
              }),
            );
            break;
          case PCAPNG_BLOCK.enhancedPacket:
            this.readPacket(type, bytes, view, bodyStart, bodyEnd, blockOffset, sink);
            break;
          case PCAPNG_BLOCK.simplePacket:
            this.readSimple(bytes, view, bodyStart, bodyEnd, blockOffset, sink);
            break;
          case PCAPNG_BLOCK.obsoletePacket:
            this.readPacket(type, bytes, view, bodyStart, bodyEnd, blockOffset, sink);
            break;
          case PCAPNG_BLOCK.customCopyable:
          case PCAPNG_BLOCK.customNotCopyable:
          case PCAPNG_BLOCK.systemdJournalExport:
            // Sections 4.7 and 4.8: records without a packet. Wireshark numbers
            // them as frames, so they take a frame number to keep tshark's numbering.
            this.frameCount++;
            break;
          default:
            // Section 3.1: a reader skips blocks it does not know.
            break;
        }
      }
      this.pendingType = undefined;
      return 12;
    } finally {
      window.start = pos;
    }
  }

  private error(
    reason: string,
    offset: number,
    blockType: number,
    frame?: number,
  ): CaptureFormatError {
    return new CaptureFormatError(reason, {
      file: this.label,
      offset,
      blockType,
      ...(frame === undefined ? {} : { frame }),
    });
  }

  /** Section 4.1: major version 1 (minor 0 or 2, both read the same way). */
  private checkSectionHeader(view: DataView, body: number, bodyEnd: number, offset: number): void {
    if (bodyEnd - body < 16) {
      throw this.error('section header too short', offset, PCAPNG_BLOCK.sectionHeader);
    }
    const major = view.getUint16(body + 4, this.little);
    if (major !== 1) {
      throw this.error(
        `unsupported pcapng major version ${major}`,
        offset,
        PCAPNG_BLOCK.sectionHeader,
      );
    }
  }

  private interfaceOrThrow(id: number, offset: number, type: number): InterfaceInfo {
    const info = this.interfaces[id];
    if (!info) {
      throw this.error(
        `packet names interface ${id}, but the section declares ${this.interfaces.length}`,
        offset,
        type,
        this.frameCount + 1,
      );
    }
    return info;
  }

  private emit(
    sink: FrameSink,
    bytes: Uint8Array,
    offset: number,
    interfaceId: number,
    info: InterfaceInfo,
    high: number,
    low: number,
    originalLength: number,
    dataStart: number,
    dataEnd: number,
  ): void {
    const record = this.record;
    this.frameCount++;
    record.frame = this.frameCount;
    record.fileOffset = offset;
    record.interfaceId = interfaceId;
    record.linkType = info.linkType;
    record.timeBase = info.timeBase;
    record.timeHigh = high;
    record.timeLow = low;
    record.originalLength = originalLength;
    record.bytes = bytes;
    record.start = dataStart;
    record.end = dataEnd;
    sink(record);
  }

  /**
   * Section 4.3 (EPB): Interface ID (32 bits), Timestamp (high, low),
   * Captured and Original Packet Length, data. The obsolete Packet Block
   * (type 2, appendix) is the same with a 16-bit Interface ID and a 16-bit
   * Drops Count in place of the 32-bit ID.
   */
  private readPacket(
    type: number,
    bytes: Uint8Array,
    view: DataView,
    body: number,
    bodyEnd: number,
    offset: number,
    sink: FrameSink,
  ): void {
    if (bodyEnd - body < 20) {
      throw this.error('packet block too short', offset, type, this.frameCount + 1);
    }
    const id =
      type === PCAPNG_BLOCK.enhancedPacket
        ? view.getUint32(body, this.little)
        : view.getUint16(body, this.little);
    const info = this.interfaceOrThrow(id, offset, type);
    const capLen = view.getUint32(body + 12, this.little);
    const data = body + 20;
    if (capLen > bodyEnd - data) {
      throw this.error(
        `captured length ${capLen} runs past its block`,
        offset,
        type,
        this.frameCount + 1,
      );
    }
    const high = view.getUint32(body + 4, this.little);
    const low = view.getUint32(body + 8, this.little);
    const orig = view.getUint32(body + 16, this.little);
    this.emit(sink, bytes, offset, id, info, high, low, orig, data, data + capLen);
  }

  /**
   * Section 4.4: Original Packet Length then data; the captured length is the
   * smaller of the original length, the snap length and the block's room.
   * The block has no timestamp and always belongs to interface 0.
   */
  private readSimple(
    bytes: Uint8Array,
    view: DataView,
    body: number,
    bodyEnd: number,
    offset: number,
    sink: FrameSink,
  ): void {
    const type = PCAPNG_BLOCK.simplePacket;
    if (bodyEnd - body < 4)
      throw this.error('simple packet block too short', offset, type, this.frameCount + 1);
    const info = this.interfaceOrThrow(0, offset, type);
    const orig = view.getUint32(body, this.little);
    const room = bodyEnd - body - 4;
    let capLen = Math.min(orig, room);
    if (info.snapLength > 0) capLen = Math.min(capLen, info.snapLength);
    this.emit(sink, bytes, offset, 0, info, 0, 0, orig, body + 4, body + 4 + capLen);
  }
}
