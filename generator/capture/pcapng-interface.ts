/**
 * pcapng Interface Description Block (draft-ietf-opsawg-pcapng section
 * 4.2): link type, snap length, and the options that set how the
 * interface's timestamps are counted (`if_tsresol`, `if_tsoffset`).
 */
import type { TimeBase } from './frame-record.js';

/** What the reader keeps of one interface. */
export interface InterfaceInfo {
  readonly linkType: number;
  readonly snapLength: number;
  readonly timeBase: TimeBase;
}

/** Option codes (section 4.2, table of IDB options; opt_endofopt is 0). */
const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;

/**
 * Reads an IDB body `[body, bodyEnd)`: LinkType (16 bits), reserved,
 * SnapLen (32 bits), then options, each a code, a length and a value padded
 * to 32 bits. `fail` raises the caller's located error.
 */
export function readInterfaceDescription(
  view: DataView,
  body: number,
  bodyEnd: number,
  little: boolean,
  fail: (reason: string) => never,
): InterfaceInfo {
  if (bodyEnd - body < 8) fail('interface description too short');
  const linkType = view.getUint16(body, little);
  const snapLength = view.getUint32(body + 4, little);
  // Section 4.2: without if_tsresol, timestamps count microseconds.
  let unitsPerSecond = 1e6;
  let offsetSeconds = 0;
  let p = body + 8;
  while (bodyEnd - p >= 4) {
    const code = view.getUint16(p, little);
    const length = view.getUint16(p + 2, little);
    if (code === OPTION_END) break;
    const value = p + 4;
    if (value + length > bodyEnd) fail('interface option runs past its block');
    if (code === OPTION_IF_TSRESOL && length >= 1) {
      // MSB 0: 10^-n seconds; MSB 1: 2^-n seconds.
      const resolution = view.getUint8(value);
      const exponent = resolution & 0x7f;
      const binary = (resolution & 0x80) !== 0;
      if ((binary && exponent > 63) || (!binary && exponent > 18)) {
        fail(`unsupported if_tsresol ${resolution}`);
      }
      unitsPerSecond = binary ? 2 ** exponent : 10 ** exponent;
    } else if (code === OPTION_IF_TSOFFSET && length >= 8) {
      offsetSeconds = Number(view.getBigInt64(value, little));
    }
    p = value + ((length + 3) & ~3);
  }
  return { linkType, snapLength, timeBase: { kind: 'units', unitsPerSecond, offsetSeconds } };
}
