import { MbcpDecodeError, MbcpEncodeError } from './mbcp-errors.js';

/**
 * Reads big-endian fields from a window of a buffer, failing with a located
 * {@link MbcpDecodeError} (absolute offset and field name) instead of reading
 * past the end of the packet.
 */
export class ByteReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  /** Absolute offset of the next byte to read. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left before the end of the window. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** The next byte without consuming it, or undefined at the end. */
  peek(): number | undefined {
    return this.pos < this.end ? this.buf[this.pos] : undefined;
  }

  u8(field: string): number {
    this.need(1, field);
    const v = this.buf[this.pos] ?? 0;
    this.pos += 1;
    return v;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = ((this.buf[this.pos] ?? 0) << 8) | (this.buf[this.pos + 1] ?? 0);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    const hi = this.u16(field);
    const lo = this.u16(field);
    return hi * 0x10000 + lo;
  }

  /** An 8-bit length followed by that many UTF-8 bytes (RFC 3550 section 6.5 SDES item text). */
  lengthPrefixedText(field: string): string {
    const len = this.u8(field);
    this.need(len, field);
    const text = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, len).toString('utf8');
    this.pos += len;
    return text;
  }

  /** Expects `expected` at the current byte (an item code or length). */
  expect(expected: number, field: string, what: string): void {
    const at = this.pos;
    const v = this.u8(field);
    if (v !== expected) {
      throw new MbcpDecodeError(at, field, `${what} is ${v}, expected ${expected}`);
    }
  }

  /** Skips zero bytes up to the next 32-bit boundary relative to `base`. */
  skipAlignment(base: number, field: string): void {
    while ((this.pos - base) % 4 !== 0 && this.pos < this.end) {
      if (this.buf[this.pos] !== 0) {
        throw new MbcpDecodeError(this.pos, field, 'padding byte is not zero');
      }
      this.pos += 1;
    }
  }

  /** Requires that nothing but zero padding (less than one 32-bit word) is left. */
  expectOnlyPadding(field: string): void {
    if (this.remaining >= 4) {
      throw new MbcpDecodeError(this.pos, field, `${this.remaining} unexpected trailing bytes`);
    }
    while (this.pos < this.end) {
      if (this.buf[this.pos] !== 0) {
        throw new MbcpDecodeError(this.pos, field, 'trailing byte is not zero padding');
      }
      this.pos += 1;
    }
  }

  private need(n: number, field: string): void {
    if (this.pos + n > this.end) {
      throw new MbcpDecodeError(
        this.pos,
        field,
        `needs ${n} byte(s), ${this.end - this.pos} left in the packet`,
      );
    }
  }
}

/** Appends big-endian fields, checking that each value fits its width. */
export class ByteWriter {
  private readonly bytes: number[] = [];

  constructor(private readonly kind: string) {}

  get length(): number {
    return this.bytes.length;
  }

  u8(value: number, field: string): this {
    this.check(value, 0xff, field);
    this.bytes.push(value);
    return this;
  }

  u16(value: number, field: string): this {
    this.check(value, 0xffff, field);
    this.bytes.push(value >>> 8, value & 0xff);
    return this;
  }

  u32(value: number, field: string): this {
    this.check(value, 0xffffffff, field);
    return this.u16(Math.floor(value / 0x10000), field).u16(value % 0x10000, field);
  }

  /** An 8-bit length followed by the UTF-8 bytes of `text` (at most 255). */
  lengthPrefixedText(text: string, field: string): this {
    const encoded = Buffer.from(text, 'utf8');
    if (encoded.length > 0xff) {
      throw new MbcpEncodeError(this.kind, field, `${encoded.length} bytes exceed 255`);
    }
    this.bytes.push(encoded.length, ...encoded);
    return this;
  }

  /** Zero bytes up to the next 32-bit boundary (RFC 3550 section 6.7: APP data is 32-bit aligned). */
  align(): this {
    while (this.bytes.length % 4 !== 0) this.bytes.push(0);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }

  private check(value: number, max: number, field: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new MbcpEncodeError(this.kind, field, `${value} is not an integer in 0..${max}`);
    }
  }
}
