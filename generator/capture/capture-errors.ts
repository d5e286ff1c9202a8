/**
 * Typed, located errors of the capture reader. Every error names the file,
 * the byte offset in it, and where known the frame number (1-based, as
 * tshark counts) and the pcapng block type, so a corrupt capture is reported
 * precisely and everything read before the error has already been delivered.
 */

/** Where in a capture something went wrong. */
export interface CaptureLocation {
  /** File path, or a label such as `<memory>` for in-memory input. */
  readonly file: string;
  /** Byte offset of the record or block that failed, from the file start. */
  readonly offset: number;
  /** 1-based number of the frame the record would have been, when known. */
  readonly frame?: number;
  /** pcapng block type (e.g. 0x00000006 for an EPB), when the file is pcapng. */
  readonly blockType?: number;
}

function describe(location: CaptureLocation): string {
  const parts = [`${location.file} at byte ${location.offset}`];
  if (location.frame !== undefined) parts.push(`frame ${location.frame}`);
  if (location.blockType !== undefined) {
    parts.push(`block type 0x${location.blockType.toString(16).padStart(8, '0')}`);
  }
  return parts.join(', ');
}

/** Base class of every capture reader error: a message plus its location. */
export class CaptureError extends Error {
  /** Where the problem is. */
  readonly location: CaptureLocation;
  /** The reason without the location, for findings and JSON output. */
  readonly reason: string;

  constructor(reason: string, location: CaptureLocation) {
    super(`${reason} (${describe(location)})`);
    this.name = new.target.name;
    this.reason = reason;
    this.location = location;
  }
}

/** The file is not pcap or pcapng, or a header or block is malformed. */
export class CaptureFormatError extends CaptureError {}

/** The file ends in the middle of a record or block (a capture cut short). */
export class CaptureTruncatedError extends CaptureError {}

/** Reading the file failed at the operating system level. */
export class CaptureIoError extends CaptureError {}
