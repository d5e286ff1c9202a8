import { locate, SipParseError } from './sip-parse-error.js';
import type { SipParseErrorCode } from './sip-parse-error.js';

/*
 * Byte-level helpers of the message parser: one-byte views of the input and
 * errors located in it.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Bytes as a one-byte string. Buffer#latin1Slice is the binding behind
 * toString('latin1') without its argument checks (the bounds here are ours).
 */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(
    start,
    end,
  );
}

/** The input as a Buffer, without copying bytes. */
export function toBuffer(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Throws a SipParseError located at byte `offset` of `buf`. */
export function fail(
  buf: Buffer,
  offset: number,
  code: SipParseErrorCode,
  reason: string,
  header?: string,
  status = 400,
): never {
  const text = buf.toString('latin1', 0, Math.min(buf.length, offset + 1));
  throw new SipParseError(code, reason, locate(text, offset, header), status);
}

/** Moves a SipParseError from a header value (starting at byte `base`) into the message. */
export function relocate(buf: Buffer, base: number, error: unknown): never {
  if (!(error instanceof SipParseError)) throw error;
  fail(buf, base + error.offset, error.code, error.reason, error.header, error.status);
}

/** Decodes a latin1 view of header bytes as strict UTF-8 (RFC 3261 25.1 TEXT-UTF8). */
export function decodeUtf8(buf: Buffer, latin1: string, offset: number, header: string): string {
  try {
    return utf8.decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return fail(buf, offset, 'bad-utf8', 'header value is not valid UTF-8', header);
  }
}
