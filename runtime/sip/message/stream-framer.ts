import { SipParseError } from './sip-parse-error.js';
import { parseContentLength } from './simple-headers.js';

/** What {@link SipStreamFramer.feed} made of a chunk. */
export interface FramedChunk {
  /** The messages completed, in order, before any error. */
  readonly messages: Buffer[];
  /** The framing error met after them, if any; the stream cannot go on without resync or reset. */
  readonly error?: SipParseError;
  /** With an error: the bytes held from the offending message on (its header section first). */
  readonly unframed?: Buffer;
}

/** Limits of a stream framer. */
export interface FramerOptions {
  /** Largest message (headers and body) accepted, in bytes. Default 1 MiB. */
  readonly maxMessageSize?: number;
}

// RFC 3261 7.1 / 7.2: a start line is "Method SP Request-URI SP SIP-Version" or "SIP-Version SP
// code SP Reason-Phrase". The framer only tells a message from garbage, so it accepts a line that
// looks like either even when its spacing or code is wrong (RFC 4475 3.1.2.8 lwsruri, 3.1.2.9
// lwsstart, 3.1.2.19 bigcode): such a message is still framed by its Content-Length, and the
// parser rejects it afterwards, without losing the stream.
const START_LINE =
  /^(?:[A-Za-z0-9!%*_+`'~.-]+[ \t][^\r\n]*[ \t]SIP\/\d+\.\d+[ \t]*|SIP\/\d+\.\d+[ \t]+\d+(?:[ \t][^\r\n]*)?)\r\n/;
/** The beginning of a start line whose end has not arrived yet: a token, or the SIP version. */
const START_PREFIX = /^(?:[A-Za-z0-9!%*_+`'~.-]+(?:[ \t][^\r\n]*)?|S(?:I(?:P(?:\/[^\r\n]*)?)?)?)$/;
const START_ANYWHERE =
  /\r\n(?=[A-Za-z0-9!%*_+`'~.-]+ [^ \r\n]+ SIP\/\d+\.\d+\r\n|SIP\/\d+\.\d+ \d{3} )/g;
// Content-Length or its compact form "l" at the start of a header line.
const CONTENT_LENGTH = /\r\n(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/gi;

/**
 * Cuts a byte stream (TCP, TLS, a reassembled capture) into SIP messages by
 * Content-Length (RFC 3261 18.3). Push bytes as they come; every complete
 * message is returned whole, header and body, ready for parseMessage with
 * `{ transport: 'stream' }`. CRLF keep-alives between messages (RFC 5626
 * 4.4.1) are skipped. On garbage `push` throws a SipParseError whose offset
 * counts bytes from the start of the stream (`feed` returns it instead,
 * together with the messages completed before it); `resync()` then drops
 * bytes up to the next start line so the caller can go on (or close the
 * connection).
 */
export class SipStreamFramer {
  #pending: Buffer = Buffer.alloc(0);
  #consumed = 0;
  readonly #max: number;

  constructor(options: FramerOptions = {}) {
    this.#max = options.maxMessageSize ?? 1024 * 1024;
  }

  /** Bytes held back, waiting for the rest of a message. */
  get buffered(): number {
    return this.#pending.length;
  }

  /** Bytes of the stream already returned, skipped or dropped. */
  get consumed(): number {
    return this.#consumed;
  }

  /** Adds bytes; returns the messages they complete, in order, or throws the framing error. */
  push(chunk: Uint8Array): Buffer[] {
    const framed = this.feed(chunk);
    if (framed.error) throw framed.error;
    return framed.messages;
  }

  /**
   * Adds bytes; returns the messages they complete and, instead of throwing,
   * the framing error met after them. A TCP connection delivers the messages
   * that came before the error (RFC 3261 18.3) and only then deals with it.
   */
  feed(chunk: Uint8Array): FramedChunk {
    this.#pending =
      this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      let message: Buffer | undefined;
      try {
        message = this.#next();
      } catch (error) {
        if (!(error instanceof SipParseError)) throw error;
        return { messages, error, unframed: Buffer.from(this.#pending) };
      }
      if (message === undefined) return { messages };
      messages.push(message);
    }
  }

  /**
   * After an error: drops bytes up to the next line that looks like a start
   * line (or everything). Returns how many bytes were dropped.
   */
  resync(): number {
    const text = this.#pending.toString('latin1');
    START_ANYWHERE.lastIndex = 1;
    const m = START_ANYWHERE.exec(text);
    const drop = m ? m.index + 2 : this.#pending.length;
    this.#drop(drop);
    return drop;
  }

  /** Forgets everything buffered. */
  reset(): void {
    this.#drop(this.#pending.length);
  }

  #drop(n: number): void {
    this.#pending = this.#pending.subarray(n);
    this.#consumed += n;
  }

  #fail(
    code: 'bad-start-line' | 'missing-content-length' | 'bad-content-length' | 'frame-too-large',
    reason: string,
    at: number,
  ): never {
    const offset = this.#consumed + at;
    throw new SipParseError(code, reason, { offset, line: 1, column: offset + 1 });
  }

  #next(): Buffer | undefined {
    let p = 0;
    const buf = this.#pending;
    // RFC 5626 4.4.1: CRLF keep-alives ("\r\n\r\n" ping, "\r\n" pong) between messages.
    while (p + 1 < buf.length && buf[p] === 13 && buf[p + 1] === 10) p += 2;
    if (p > 0) this.#drop(p);
    const data = this.#pending;
    if (data.length === 0 || (data.length === 1 && data[0] === 13)) return undefined;
    const firstEnd = data.indexOf('\r\n', 0, 'latin1');
    if (firstEnd < 0) {
      // The start line has not ended yet: its beginning must already look like one.
      const probe = data.toString('latin1', 0, Math.min(data.length, 256));
      if (!START_PREFIX.test(probe.endsWith('\r') ? probe.slice(0, -1) : probe))
        this.#fail('bad-start-line', 'bytes on the stream do not begin a SIP message', 0);
    } else if (!START_LINE.test(data.toString('latin1', 0, firstEnd + 2))) {
      this.#fail('bad-start-line', 'bytes on the stream do not begin a SIP message', 0);
    }
    const headEnd = data.indexOf('\r\n\r\n', 0, 'latin1');
    if (headEnd < 0) {
      if (data.length > this.#max)
        this.#fail('frame-too-large', `header section longer than ${this.#max} bytes`, 0);
      return undefined;
    }
    const head = data.toString('latin1', 0, headEnd + 2);
    CONTENT_LENGTH.lastIndex = 0;
    const m = CONTENT_LENGTH.exec(head);
    // RFC 3261 18.3: on a stream, Content-Length MUST be present to find the end of the body.
    if (!m) this.#fail('missing-content-length', 'a message on a stream needs Content-Length', 0);
    let length: number;
    try {
      length = parseContentLength((m[1] ?? '').trim());
    } catch (error) {
      if (error instanceof SipParseError)
        this.#fail('bad-content-length', error.reason, m.index + 2);
      throw error;
    }
    const total = headEnd + 4 + length;
    if (total > this.#max)
      this.#fail('frame-too-large', `message of ${total} bytes exceeds ${this.#max}`, 0);
    if (data.length < total) return undefined;
    const message = Buffer.from(data.subarray(0, total));
    this.#drop(total);
    return message;
  }
}
