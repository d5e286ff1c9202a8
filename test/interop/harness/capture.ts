/**
 * dumpcap as the capture of the interop tests: on `lo` (or an interface of
 * a namespace) with a capture filter for the test's own addresses, written
 * as pcapng. Started means started: the file has its header and a sentinel
 * datagram sent through the filter has been written, so nothing the test
 * sends afterwards can be missed. Stopped with SIGINT, which makes dumpcap
 * finish the file, and waited for.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { InteropError } from './interop-error.js';
import { ManagedProcess } from './managed-process.js';
import { pollUntil } from './poll.js';
import type { Teardown } from './teardown.js';

/** pcapng Section Header Block type (the file's first four bytes). */
const PCAPNG_MAGIC = 0x0a0d0d0a;

/** How to capture. */
export interface CaptureOptions {
  readonly name: string;
  readonly file: string;
  readonly interface?: string;
  /** libpcap filter: only the test's own traffic. */
  readonly filter: string;
  readonly netns?: string;
  /**
   * Sends one datagram that the filter selects; called until the capture
   * file grows past its header. Omit only where nothing can be sent
   * (then the header alone is the signal).
   */
  readonly sentinel?: () => Promise<void>;
}

/** A running capture. */
export interface Capture {
  readonly file: string;
  /**
   * Sends a last sentinel and waits until it is in the file (so everything
   * before it is too), stops dumpcap with SIGINT, waits for it, and returns
   * the file. dumpcap's log is kept next to it (<file>.log).
   */
  stop(): Promise<string>;
}

function fileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function hasPcapngHeader(file: string): boolean {
  if (fileSize(file) < 28) return false;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, 0);
    return buf.readUInt32LE(0) === PCAPNG_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Starts dumpcap and waits until it is capturing; registers its stop with `teardown`. */
export async function startCapture(options: CaptureOptions, teardown: Teardown): Promise<Capture> {
  const peer = `dumpcap ${options.name}`;
  mkdirSync(dirname(options.file), { recursive: true });
  const process = await ManagedProcess.start({
    name: peer,
    command: 'dumpcap',
    args: ['-i', options.interface ?? 'lo', '-f', options.filter, '-w', options.file, '-q'],
    ...(options.netns ? { netns: options.netns } : {}),
  });
  const sentinel = options.sentinel;
  // dumpcap writes what it has captured in batches; a sentinel seen in the file proves the filter is
  // live (at start) and that everything sent before it has been written (at stop).
  const drain = async (): Promise<void> => {
    if (!sentinel) return;
    const before = fileSize(options.file);
    await pollUntil(
      async () => {
        await sentinel();
        return fileSize(options.file) > before ? true : undefined;
      },
      {
        peer,
        what: 'writing the sentinel datagram',
        timeoutMs: 10_000,
        intervalMs: 250,
        log: () => process.log,
      },
    );
  };
  let stopped: Promise<string> | undefined;
  const stop = (): Promise<string> => {
    stopped ??= (async () => {
      if (sentinel && process.running) await drain();
      const code = await process.stop('SIGINT', 5000);
      writeFileSync(`${options.file}.log`, process.log);
      if (code !== 0)
        throw new InteropError('exited', peer, `ended with ${code ?? 'a signal'}`, process.log);
      return options.file;
    })();
    return stopped;
  };
  teardown.add(peer, stop);
  await process.waitForOutput(/Capturing on/, 10_000);
  await pollUntil(() => (hasPcapngHeader(options.file) ? true : undefined), {
    peer,
    what: 'writing the pcapng header',
    timeoutMs: 5_000,
    log: () => process.log,
  });
  if (sentinel) await drain();
  return { file: options.file, stop };
}
