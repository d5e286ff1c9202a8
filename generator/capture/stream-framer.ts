/**
 * Message framing on one direction of a reassembled TCP stream: SIP framed
 * by Content-Length (RFC 3261 section 18.3; several messages in one
 * segment, one message over several), CRLF keep-alives skipped (RFC 5626
 * section 3.5.1), and SIP over WebSocket (RFC 7118) after an HTTP Upgrade
 * handshake (RFC 6455 section 4). A stream joined mid-message, or one that
 * lost bytes, is resynchronised at the next SIP start line. The buffer is
 * bounded by the largest message accepted.
 */
import { findSipStartLine, isSipStartLine, sipMessageLength, INCOMPLETE } from './sip-detect.js';
import {
  WS_OPCODE,
  copyWsPayload,
  newWsFrameHeader,
  readWsFrameHeader,
} from './websocket-frame.js';

/** Receives each framed message; `bytes` is only valid during the call. */
export type MessageSink = (bytes: Uint8Array, transport: 'tcp' | 'ws') => void;

/** Limits of one direction's framer. */
export interface FramerLimits {
  /** Largest header block (start line and headers) accepted. */
  readonly maxHeader: number;
  /** Largest whole message accepted (headers plus body, or WebSocket message). */
  readonly maxMessage: number;
}

/** Defaults: 64 KiB of headers, 1 MiB per message. */
export const DEFAULT_FRAMER_LIMITS: FramerLimits = { maxHeader: 64 << 10, maxMessage: 1 << 20 };

type Mode = 'start' | 'hunt' | 'sip' | 'http' | 'ws' | 'ignore';

const LF = 0x0a;
const CR = 0x0d;
const MAX_LINE = 4096;

function startsWithAscii(data: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start < text.length) return false;
  for (let i = 0; i < text.length; i++) if (data[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Finds `\r\n\r\n` in `[start, end)`; returns the offset after it, or -1. */
function headerEnd(data: Uint8Array, start: number, end: number): number {
  for (let p = start + 3; p < end; p++) {
    if (data[p] === LF && data[p - 1] === CR && data[p - 2] === LF && data[p - 3] === CR)
      return p + 1;
  }
  return -1;
}

/** Case-insensitive search for "websocket" in an HTTP header block. */
function mentionsWebSocket(data: Uint8Array, start: number, end: number): boolean {
  const word = 'websocket';
  outer: for (let p = start; p + word.length <= end; p++) {
    for (let i = 0; i < word.length; i++) {
      if (((data[p + i] ?? 0) | 0x20) !== word.charCodeAt(i)) continue outer;
    }
    return true;
  }
  return false;
}

/** Frames messages out of one TCP direction's in-order bytes. */
export class StreamFramer {
  private mode: Mode;
  private buffer = new Uint8Array(0);
  private length = 0;
  private readonly header = newWsFrameHeader();
  private wsMessage: Uint8Array | undefined;
  private wsLength = 0;
  private readonly limits: FramerLimits;
  /** Bytes dropped while hunting for a start line or after an oversize message. */
  skipped = 0;

  /**
   * The first bytes decide the mode: an HTTP request or response starts the
   * WebSocket handshake, anything else is searched for SIP start lines.
   */
  constructor(limits: FramerLimits = DEFAULT_FRAMER_LIMITS) {
    this.mode = 'start';
    this.limits = limits;
  }

  /** Bytes buffered now. */
  get buffered(): number {
    return this.length + this.wsLength;
  }

  /** Bytes were lost before the next push: drop partial state and hunt for a start line. */
  gap(): void {
    this.skipped += this.length;
    this.length = 0;
    this.wsMessage = undefined;
    this.wsLength = 0;
    if (this.mode !== 'ignore') this.mode = 'hunt';
  }

  /** Feeds in-order bytes; calls `sink` for each complete message. */
  push(data: Uint8Array, sink: MessageSink): void {
    if (this.mode === 'ignore' || data.length === 0) return;
    if (this.length === 0) {
      const used = this.consume(data, 0, data.length, sink);
      this.keep(data, used, data.length);
      return;
    }
    this.append(data);
    const used = this.consume(this.buffer, 0, this.length, sink);
    this.buffer.copyWithin(0, used, this.length);
    this.length -= used;
    this.shrink();
  }

  /** Keeps `data[from, to)` as the new buffer content (the buffer was empty). */
  private keep(data: Uint8Array, from: number, to: number): void {
    if (from >= to) return;
    this.append(data.subarray(from, to));
  }

  private append(data: Uint8Array): void {
    const needed = this.length + data.length;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2, 2048));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(data, this.length);
    this.length = needed;
  }

  /** Releases a large buffer once it is empty, so idle streams hold little. */
  private shrink(): void {
    if (this.length === 0 && this.buffer.length > 65536) this.buffer = new Uint8Array(0);
  }

  /** Consumes as much of `[start, end)` as possible; returns the offset of the first unused byte. */
  private consume(data: Uint8Array, start: number, end: number, sink: MessageSink): number {
    let p = start;
    for (;;) {
      if (p >= end) return p;
      switch (this.mode) {
        case 'ignore':
          return end;
        case 'start':
          if (end - p < 5) return p;
          if (startsWithAscii(data, p, end, 'GET ') || startsWithAscii(data, p, end, 'HTTP/')) {
            this.mode = 'http';
          } else {
            this.mode = 'hunt';
          }
          break;
        case 'http': {
          const after = headerEnd(data, p, end);
          if (after < 0) {
            if (end - p > this.limits.maxHeader) this.mode = 'hunt';
            return p;
          }
          this.mode = mentionsWebSocket(data, p, after) ? 'ws' : 'hunt';
          this.skipped += after - p;
          p = after;
          break;
        }
        case 'hunt': {
          const found = findSipStartLine(data, p, end);
          if (found >= 0) {
            this.skipped += found - p;
            p = found;
            this.mode = 'sip';
            break;
          }
          // Keep the last partial line: a start line may continue in the next segment.
          let keepFrom = end;
          while (keepFrom > p && data[keepFrom - 1] !== LF && end - keepFrom < MAX_LINE) keepFrom--;
          if (keepFrom > p && data[keepFrom - 1] !== LF) keepFrom = end;
          this.skipped += keepFrom - p;
          return keepFrom;
        }
        case 'sip': {
          const next = this.frameSip(data, p, end, sink);
          if (next === p) return p;
          p = next;
          break;
        }
        case 'ws': {
          const next = this.frameWs(data, p, end, sink);
          if (next === p) return p;
          p = next;
          break;
        }
      }
    }
  }

  /** One SIP message (or keep-alive CRLFs) at `p`; returns the new offset, `p` when more bytes are needed. */
  private frameSip(data: Uint8Array, p: number, end: number, sink: MessageSink): number {
    if (data[p] === CR || data[p] === LF) {
      let q = p;
      while (q < end && (data[q] === CR || data[q] === LF)) q++;
      return q;
    }
    let lineEnd = p;
    while (lineEnd < end && data[lineEnd] !== LF) lineEnd++;
    if (lineEnd >= end) {
      if (end - p <= MAX_LINE) return p;
      this.mode = 'hunt';
      this.skipped += 1;
      return p + 1;
    }
    if (!isSipStartLine(data, p, lineEnd + 1)) {
      this.mode = 'hunt';
      this.skipped += 1;
      return p + 1;
    }
    const length = sipMessageLength(data, p, end, this.limits.maxHeader);
    if (length === INCOMPLETE) return p;
    if (length < 0 || length > this.limits.maxMessage) {
      this.mode = 'hunt';
      this.skipped += 1;
      return p + 1;
    }
    if (end - p < length) return p;
    sink(data.subarray(p, p + length), 'tcp');
    return p + length;
  }

  /** One WebSocket frame at `p`; a SIP message is emitted when a data message ends. */
  private frameWs(data: Uint8Array, p: number, end: number, sink: MessageSink): number {
    const h = this.header;
    if (!readWsFrameHeader(data, p, end, h)) return p;
    if (
      h.payloadLength > this.limits.maxMessage ||
      this.wsLength + h.payloadLength > this.limits.maxMessage
    ) {
      // Cannot be SIP we would keep; stop reading this direction rather than guess.
      this.mode = 'ignore';
      this.wsMessage = undefined;
      this.wsLength = 0;
      return end;
    }
    const frameLength = h.headerLength + h.payloadLength;
    if (end - p < frameLength) return p;
    const isData = h.opcode === WS_OPCODE.text || h.opcode === WS_OPCODE.binary;
    if (isData || (h.opcode === WS_OPCODE.continuation && this.wsMessage)) {
      if (isData) this.wsLength = 0;
      const needed = this.wsLength + h.payloadLength;
      if (!this.wsMessage || this.wsMessage.length < needed) {
        const grown = new Uint8Array(Math.max(needed, 2048));
        if (this.wsMessage) grown.set(this.wsMessage.subarray(0, this.wsLength));
        this.wsMessage = grown;
      }
      copyWsPayload(data, p, h, this.wsMessage, this.wsLength);
      this.wsLength = needed;
      if (h.fin) {
        const message = this.wsMessage.subarray(0, this.wsLength);
        if (isSipStartLine(message, 0, message.length)) sink(message, 'ws');
        this.wsLength = 0;
        if (this.wsMessage.length > 65536) this.wsMessage = undefined;
      }
    }
    return p + frameLength;
  }
}
