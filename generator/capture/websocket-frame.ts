/**
 * WebSocket framing (RFC 6455 section 5.2) for SIP over WebSocket
 * (RFC 7118): after the HTTP Upgrade handshake each direction of the TCP
 * connection carries frames; a text or binary message holds one SIP message.
 */

/** Opcodes (RFC 6455 section 5.2). */
export const WS_OPCODE = {
  continuation: 0,
  text: 1,
  binary: 2,
  close: 8,
  ping: 9,
  pong: 10,
} as const;

/** A parsed frame header; one object is reused. */
export interface WsFrameHeader {
  fin: boolean;
  opcode: number;
  /** Offset of the payload from the frame start, and its length. */
  headerLength: number;
  payloadLength: number;
  /** Masking key (client to server frames), or -1. */
  maskOffset: number;
}

/** New reusable header object. */
export function newWsFrameHeader(): WsFrameHeader {
  return { fin: false, opcode: 0, headerLength: 0, payloadLength: 0, maskOffset: -1 };
}

/**
 * Reads the frame header at `start`. Returns false when `[start, end)` does
 * not hold the whole header yet. Payload lengths above 2^53 are reported as
 * Infinity so that callers reject them by their size limit.
 */
export function readWsFrameHeader(
  data: Uint8Array,
  start: number,
  end: number,
  out: WsFrameHeader,
): boolean {
  if (end - start < 2) return false;
  const b0 = data[start] ?? 0;
  const b1 = data[start + 1] ?? 0;
  out.fin = (b0 & 0x80) !== 0;
  out.opcode = b0 & 0x0f;
  const masked = (b1 & 0x80) !== 0;
  let length = b1 & 0x7f;
  let p = start + 2;
  if (length === 126) {
    if (end - p < 2) return false;
    length = ((data[p] ?? 0) << 8) | (data[p + 1] ?? 0);
    p += 2;
  } else if (length === 127) {
    if (end - p < 8) return false;
    const high =
      (((data[p] ?? 0) << 24) |
        ((data[p + 1] ?? 0) << 16) |
        ((data[p + 2] ?? 0) << 8) |
        (data[p + 3] ?? 0)) >>>
      0;
    const low =
      (((data[p + 4] ?? 0) << 24) |
        ((data[p + 5] ?? 0) << 16) |
        ((data[p + 6] ?? 0) << 8) |
        (data[p + 7] ?? 0)) >>>
      0;
    length = high >= 0x200000 ? Infinity : high * 4294967296 + low;
    p += 8;
  }
  if (masked) {
    if (end - p < 4) return false;
    out.maskOffset = p - start;
    p += 4;
  } else {
    out.maskOffset = -1;
  }
  out.headerLength = p - start;
  out.payloadLength = length;
  return true;
}

/** Copies a frame's payload into `target` at `at`, unmasking it (RFC 6455 section 5.3). */
export function copyWsPayload(
  data: Uint8Array,
  frameStart: number,
  header: WsFrameHeader,
  target: Uint8Array,
  at: number,
): void {
  const payloadStart = frameStart + header.headerLength;
  const payload = data.subarray(payloadStart, payloadStart + header.payloadLength);
  if (header.maskOffset < 0) {
    target.set(payload, at);
    return;
  }
  const m = frameStart + header.maskOffset;
  const k0 = data[m] ?? 0;
  const k1 = data[m + 1] ?? 0;
  const k2 = data[m + 2] ?? 0;
  const k3 = data[m + 3] ?? 0;
  for (let i = 0; i < payload.length; i++) {
    const k = (i & 3) === 0 ? k0 : (i & 3) === 1 ? k1 : (i & 3) === 2 ? k2 : k3;
    target[at + i] = (payload[i] ?? 0) ^ k;
  }
}
