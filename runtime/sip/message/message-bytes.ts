import { locate, SipParseError } from './sip-parse-error.js';
import type { SipParseErrorCode } from './sip-parse-error.js';

/*
 * Byte-level helpers of the message parser: one-byte views of the input and
 * errors located in it.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
// The binding behind Buffer#toString('latin1'). It reads any ArrayBufferView,
// so a plain Uint8Array (what the capture reader hands over) needs no Buffer
// wrapper made per message.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: Latin1Slice }).latin1Slice;

/** Bytes `start`..`end` as a one-byte string, without argument checks (the bounds here are ours). */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(buf, start, end);
}

/** The input as bytes, without copying them. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Throws a SipParseError located at byte `offset` of `buf`. */
export function fail(
  buf: Uint8Array,
  offset: number,
  code: SipParseErrorCode,
  reason: string,
  header?: string,
  status = 400,
): never {
  const text = latin1(buf, 0, Math.min(buf.length, offset + 1));
  throw new SipParseError(code, reason, locate(text, offset, header), status);
}

/** Moves a SipParseError from a header value (starting at byte `base`) into the message. */
export function relocate(buf: Uint8Array, base: number, error: unknown): never {
  if (!(error instanceof SipParseError)) throw error;
  fail(buf, base + error.offset, error.code, error.reason, error.header, error.status);
}

/** Decodes a latin1 view of header bytes as strict UTF-8 (RFC 3261 25.1 TEXT-UTF8). */
export function decodeUtf8(
  buf: Uint8Array,
  latin1: string,
  offset: number,
  header: string,
): string {
  try {
    return utf8.decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return fail(buf, offset, 'bad-utf8', 'header value is not valid UTF-8', header);
  }
}
