/**
 * The packet record shared by the pcap and pcapng readers, and the
 * conversion of its raw timestamp to seconds and nanoseconds.
 *
 * One record object is reused for every packet (no per-packet allocation);
 * its bytes are a range of the reader's buffer (no view made per packet),
 * valid only during the callback.
 */
import type { CaptureTime } from './capture-types.js';

/**
 * How a raw timestamp is counted. pcap stores seconds plus a fraction in
 * micro- or nanoseconds; pcapng stores one 64-bit count of units of
 * `if_tsresol` (draft-ietf-opsawg-pcapng section 4.2, default 10^-6 s).
 */
export interface TimeBase {
  /** `split`: high = seconds, low = fraction; `units`: (high << 32 | low) units. */
  readonly kind: 'split' | 'units';
  /** Fraction units per second (split) or timestamp units per second (units). */
  readonly unitsPerSecond: number;
  /** Seconds added to every timestamp (pcapng `if_tsoffset`, option 14). */
  readonly offsetSeconds: number;
}

/** One packet record as read from the file. Reused: copy what you keep. */
export interface FrameRecord {
  /** 1-based frame number across the whole file. */
  frame: number;
  /** Byte offset of the record in the file. */
  fileOffset: number;
  /** Interface index (0 for pcap). */
  interfaceId: number;
  /** LINKTYPE_ value of the interface. */
  linkType: number;
  timeHigh: number;
  timeLow: number;
  timeBase: TimeBase;
  /** Length on the wire; `end - start` is the captured length. */
  originalLength: number;
  /** The reader's buffer: the captured bytes are `bytes[start, end)`. */
  bytes: Uint8Array;
  start: number;
  end: number;
}

/** A new record object with neutral values. */
export function newFrameRecord(): FrameRecord {
  return {
    frame: 0,
    fileOffset: 0,
    interfaceId: 0,
    linkType: 0,
    timeHigh: 0,
    timeLow: 0,
    timeBase: MICROSECONDS_SPLIT,
    originalLength: 0,
    bytes: new Uint8Array(0),
    start: 0,
    end: 0,
  };
}

/** pcap with magic 0xA1B2C3D4: seconds plus microseconds. */
export const MICROSECONDS_SPLIT: TimeBase = {
  kind: 'split',
  unitsPerSecond: 1_000_000,
  offsetSeconds: 0,
};

/** pcap with magic 0xA1B23C4D: seconds plus nanoseconds. */
export const NANOSECONDS_SPLIT: TimeBase = {
  kind: 'split',
  unitsPerSecond: 1_000_000_000,
  offsetSeconds: 0,
};

const TWO_32 = 4294967296;

/** The record's time in floating seconds: precise enough for timeouts, not for output. */
export function frameSeconds(record: FrameRecord): number {
  const base = record.timeBase;
  if (base.kind === 'split') {
    return record.timeHigh + record.timeLow / base.unitsPerSecond + base.offsetSeconds;
  }
  return (record.timeHigh * TWO_32 + record.timeLow) / base.unitsPerSecond + base.offsetSeconds;
}

/** The record's exact time as seconds and nanoseconds (in `into` when given). */
export function frameTime(record: FrameRecord, into?: MutableTime): CaptureTime {
  return toCaptureTime(record.timeHigh, record.timeLow, record.timeBase, into);
}

/** A time to fill: a new one, or one reused for every message (`FoundMessage`). */
interface MutableTime {
  sec: number;
  nsec: number;
}

/**
 * Converts a raw timestamp to seconds and nanoseconds, exactly (BigInt for 64-bit counts), in
 * `into` when given.
 */
export function toCaptureTime(
  high: number,
  low: number,
  base: TimeBase,
  into: MutableTime = { sec: 0, nsec: 0 },
): CaptureTime {
  if (base.kind === 'split') {
    const nsec = Math.floor((low * 1_000_000_000) / base.unitsPerSecond);
    // A fraction >= one second is malformed but must not break output: carry it.
    const carry = Math.floor(nsec / 1_000_000_000);
    into.sec = high + carry + base.offsetSeconds;
    into.nsec = nsec % 1_000_000_000;
    return into;
  }
  const units = BigInt(Math.round(base.unitsPerSecond));
  const total = (BigInt(high) << 32n) | BigInt(low);
  const sec = total / units;
  const nsec = ((total % units) * 1_000_000_000n) / units;
  into.sec = Number(sec) + base.offsetSeconds;
  into.nsec = Number(nsec);
  return into;
}
