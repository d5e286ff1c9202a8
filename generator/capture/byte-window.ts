/**
 * A sliding window over a capture read in chunks: the file is never read
 * whole. Record parsers look at `bytes[start, end)`; when a record straddles
 * the end of the window the unread tail is moved to the front and the next
 * chunk is appended. The window grows only for a record larger than itself,
 * up to a hard limit, so memory stays flat whatever the file size.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { CaptureFormatError, CaptureIoError } from './capture-errors.js';

/** Where capture bytes come from: a file path or bytes already in memory. */
export type CaptureInput = string | Uint8Array;

/** Default chunk size: large enough to amortise system calls, small enough to stay flat. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

/** Largest record or block the window will grow to hold. */
export const MAX_WINDOW_SIZE = 64 << 20;

/** A chunked reader of one capture with a compacting window. */
export class ByteWindow {
  /** Buffer holding the window; replaced only when it must grow. */
  bytes: Uint8Array;
  /** First unread byte of the window in `bytes`. */
  start = 0;
  /** One past the last valid byte in `bytes`. */
  end = 0;
  /** File offset of `bytes[0]`. */
  base = 0;
  /** True once the source has no more bytes. */
  eof = false;
  /** Size of the input in bytes: when opened, or as far as it has grown since. */
  totalBytes: number;
  /** Label used in error locations. */
  readonly label: string;

  private handle: FileHandle | undefined;
  private readonly memory: Uint8Array | undefined;
  private memoryOffset = 0;

  private constructor(
    label: string,
    totalBytes: number,
    chunkSize: number,
    handle: FileHandle | undefined,
    memory: Uint8Array | undefined,
  ) {
    this.label = label;
    this.totalBytes = totalBytes;
    this.handle = handle;
    this.memory = memory;
    this.bytes = new Uint8Array(memory ? Math.min(chunkSize, memory.length || 1) : chunkSize);
  }

  /** Opens a file (streamed) or wraps in-memory bytes (still served chunk by chunk). */
  static async open(
    input: CaptureInput,
    chunkSize = DEFAULT_CHUNK_SIZE,
    label?: string,
  ): Promise<ByteWindow> {
    if (typeof input !== 'string') {
      return new ByteWindow(label ?? '<memory>', input.length, chunkSize, undefined, input);
    }
    let handle: FileHandle;
    try {
      handle = await open(input, 'r');
    } catch (cause) {
      throw new CaptureIoError(`cannot open capture: ${(cause as Error).message}`, {
        file: input,
        offset: 0,
      });
    }
    try {
      const { size } = await handle.stat();
      return new ByteWindow(label ?? input, size, chunkSize, handle, undefined);
    } catch (cause) {
      await handle.close();
      throw new CaptureIoError(`cannot stat capture: ${(cause as Error).message}`, {
        file: input,
        offset: 0,
      });
    }
  }

  /** Bytes available in the window. */
  get available(): number {
    return this.end - this.start;
  }

  /** File offset of the first unread byte. */
  get offset(): number {
    return this.base + this.start;
  }

  /**
   * Reads until at least `needed` bytes are available or the input ends.
   * Returns whether `needed` bytes are available.
   */
  async fill(needed: number): Promise<boolean> {
    if (needed > MAX_WINDOW_SIZE) {
      throw new CaptureFormatError(
        `record of ${needed} bytes exceeds the reader's limit of ${MAX_WINDOW_SIZE}`,
        { file: this.label, offset: this.offset },
      );
    }
    while (this.available < needed && !this.eof) {
      // Grow for a record only as far as the input can hold it, plus a byte to
      // see its end: a corrupt length must not allocate the limit for nothing.
      const reachable = Math.max(0, this.totalBytes - this.offset);
      this.makeRoom(Math.min(needed, reachable + 1));
      const got = await this.readInto(this.end, this.bytes.length - this.end);
      if (got === 0) this.eof = true;
      this.end += got;
      // A file still being written grows past the size it had when opened.
      this.totalBytes = Math.max(this.totalBytes, this.base + this.end);
    }
    return this.available >= needed;
  }

  /** Closes the file. Safe to call twice. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await handle.close();
  }

  /** Moves the unread tail to the front, growing the buffer if `needed` would not fit. */
  private makeRoom(needed: number): void {
    const live = this.available;
    if (
      this.start > 0 &&
      (this.bytes.length - this.end < needed - live || this.end === this.bytes.length)
    ) {
      this.bytes.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.start = 0;
      this.end = live;
    }
    if (this.bytes.length < needed) {
      let size = this.bytes.length * 2;
      while (size < needed) size *= 2;
      const grown = new Uint8Array(Math.min(size, MAX_WINDOW_SIZE));
      grown.set(this.bytes.subarray(this.start, this.end));
      this.base += this.start;
      this.end = live;
      this.start = 0;
      this.bytes = grown;
    }
  }

  private async readInto(at: number, length: number): Promise<number> {
    if (this.memory) {
      const n = Math.min(length, this.memory.length - this.memoryOffset);
      this.bytes.set(this.memory.subarray(this.memoryOffset, this.memoryOffset + n), at);
      this.memoryOffset += n;
      return n;
    }
    if (!this.handle) return 0;
    try {
      const { bytesRead } = await this.handle.read(this.bytes, at, length, null);
      return bytesRead;
    } catch (cause) {
      throw new CaptureIoError(`read failed: ${(cause as Error).message}`, {
        file: this.label,
        offset: this.base + at,
      });
    }
  }
}
