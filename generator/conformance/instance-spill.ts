/**
 * Instance reports kept on disk rather than in memory: a capture of
 * hundreds of thousands of sessions lists as many instances, more than a
 * bounded resident memory can hold. Each finished instance's report is
 * written as text (already formatted for the output, or as JSON) to a
 * temporary file as soon as its instance is finished; only its first frame
 * and place in the file stay in memory. They are read back one at a time, in
 * report order (by first frame), when the report is written.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The temporary file of an {@link InstanceSpill} could not be used: which file, and why. */
export class InstanceSpillError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'InstanceSpillError';
  }
}

/** Runs a file operation; a system error (no such directory, disk full) becomes an InstanceSpillError. */
function fileOp<T>(file: string, what: string, op: () => T): T {
  try {
    return op();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === undefined) throw error;
    throw new InstanceSpillError(file, `cannot ${what} (${e.message})`);
  }
}

/** Bytes gathered before one write to the file. */
const BATCH = 1 << 20;

/** Bytes read at once when the reports are read back. */
const WINDOW = 1 << 18;

/** A copy of `a` with twice the room. */
function grown<A extends Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(
  a: A,
  make: (length: number) => A,
): A {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/** Finished instance reports in a temporary file, read back in report order. */
export class InstanceSpill {
  private readonly dir: string;
  private readonly file: string;
  private fd: number | undefined;
  /** Per stored report: its first frame, offset and length in the file (typed: no boxed numbers). */
  private firstFrames = new Float64Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private count = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;

  /** Creates the file in a new directory under `parent` (default: the system's, `TMPDIR`). */
  constructor(parent = tmpdir()) {
    this.dir = fileOp(parent, 'create a temporary directory for instance reports', () =>
      mkdtempSync(join(parent, 'flowspec-instances-')),
    );
    this.file = join(this.dir, 'instances.jsonl');
    this.fd = fileOp(this.file, 'create the file', () => openSync(this.file, 'w+'));
  }

  /** Instances stored. */
  get size(): number {
    return this.count;
  }

  /** Stores the text of one finished instance's report, which lists it at `firstFrame`. */
  add(firstFrame: number, text: string): void {
    if (this.count === this.firstFrames.length) {
      const float = (n: number): Float64Array<ArrayBuffer> => new Float64Array(n);
      this.firstFrames = grown(this.firstFrames, float);
      this.offsets = grown(this.offsets, float);
      this.lengths = grown(this.lengths, (n) => new Uint32Array(n));
    }
    const length = Buffer.byteLength(text);
    this.firstFrames[this.count] = firstFrame;
    this.offsets[this.count] = this.written + this.pendingBytes;
    this.lengths[this.count] = length;
    this.count++;
    this.pending.push(text);
    this.pendingBytes += length;
    if (this.pendingBytes >= BATCH) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.from(this.pending.join(''));
    let done = 0;
    const fd = this.openFd();
    fileOp(this.file, 'write instance reports', () => {
      while (done < chunk.length)
        done += writeSync(fd, chunk, done, chunk.length - done, this.written + done);
    });
    this.written += chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new InstanceSpillError(this.file, 'used after dispose()');
    return this.fd;
  }

  /**
   * The stored texts by first frame (the order of `ConformanceReport.instances`), as UTF-8, one
   * at a time. They are read a window of the file at a time (instances finish almost in that
   * order, so one window serves many), each a view of its window: a few large buffers to
   * collect rather than one per instance.
   */
  *ordered(): Generator<Buffer> {
    this.flush();
    const fd = this.openFd();
    const order = Uint32Array.from({ length: this.count }, (_, i) => i).sort(
      (a, b) => (this.firstFrames[a] ?? 0) - (this.firstFrames[b] ?? 0),
    );
    let window = Buffer.alloc(0);
    let windowStart = 0;
    for (const i of order) {
      const offset = this.offsets[i] ?? 0;
      const length = this.lengths[i] ?? 0;
      if (offset < windowStart || offset + length > windowStart + window.length) {
        window = Buffer.allocUnsafeSlow(Math.min(Math.max(length, WINDOW), this.written - offset));
        windowStart = offset;
        let done = 0;
        while (done < window.length) {
          const at = offset + done;
          const n = fileOp(this.file, 'read instance reports', () =>
            readSync(fd, window, done, window.length - done, at),
          );
          if (n === 0)
            throw new InstanceSpillError(this.file, `ended ${window.length - done} bytes early`);
          done += n;
        }
      }
      yield window.subarray(offset - windowStart, offset - windowStart + length);
    }
  }

  /** Deletes the temporary file (best effort: a file left in TMPDIR is no reason to fail a check). */
  dispose(): void {
    try {
      if (this.fd !== undefined) closeSync(this.fd);
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // The system removes what is left in its temporary directory; the report is already written.
    }
    this.fd = undefined;
  }
}
