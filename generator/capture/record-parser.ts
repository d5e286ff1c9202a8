/**
 * The contract between the capture reader and the two file formats: a
 * parser consumes whole records from the window and reports how many bytes
 * it needs to make progress when the window holds only part of one.
 */
import type { ByteWindow } from './byte-window.js';
import type { FrameRecord } from './frame-record.js';

/** Called once per packet record; the record and its data are reused afterwards. */
export type FrameSink = (record: FrameRecord) => void;

/** A parser of one capture format. */
export interface RecordParser {
  /** Format name for messages: `pcap` or `pcapng`. */
  readonly format: 'pcap' | 'pcapng';
  /**
   * Consumes every complete record in the window, calling `sink` for each
   * packet. Returns the number of bytes (from `window.start`) needed to
   * parse the next record, which is more than are available.
   * Throws a located `CaptureFormatError` on malformed input.
   */
  parse(window: ByteWindow, sink: FrameSink): number;
  /** Describes the record that would start at the window's offset, for truncation errors. */
  pendingBlockType(): number | undefined;
  /** Number of the next frame (1-based). */
  readonly nextFrame: number;
}
