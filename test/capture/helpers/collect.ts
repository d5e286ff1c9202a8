/**
 * Test helpers that drain a capture reader or an ingest into arrays, keeping
 * the error that ended it (if any) instead of throwing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestCapture, readCapture } from '../../../generator/capture/index.js';
import type {
  CaptureEvent,
  CaptureInput,
  CaptureReadOptions,
  CaptureStats,
  IngestEvent,
  IngestFinding,
} from '../../../generator/capture/index.js';
import { getCallId } from '../../../runtime/sip/message/index.js';
import { groupByFrame } from './tshark-reference.js';
import type { SipByFrame } from './tshark-reference.js';

/** What a reader produced. */
export interface Collected {
  events: CaptureEvent[];
  stats: CaptureStats;
  error: unknown;
}

/** Reads every event; an error ends the read and is returned, not thrown. */
export async function collect(
  input: CaptureInput,
  options: CaptureReadOptions = {},
): Promise<Collected> {
  const reader = readCapture(input, options);
  const events: CaptureEvent[] = [];
  let error: unknown;
  try {
    for await (const e of reader) events.push(e);
  } catch (e) {
    error = e;
  }
  return { events, stats: reader.stats, error };
}

/** What an ingest produced. */
export interface Ingested {
  events: IngestEvent[];
  findings: readonly IngestFinding[];
  stats: CaptureStats;
}

/** Ingests every event (ingest never throws on bad input). */
export async function ingestAll(
  input: CaptureInput,
  options: CaptureReadOptions = {},
): Promise<Ingested> {
  const ingest = ingestCapture(input, options);
  const events: IngestEvent[] = [];
  for await (const e of ingest) events.push(e);
  return { events, findings: ingest.findings, stats: ingest.stats };
}

/**
 * The label tshark gives a message (method or status code), read from the
 * start line the reader already recognised; used so that a message the
 * strict runtime parser rejects is still compared with tshark's listing.
 */
export function startLineLabel(bytes: Uint8Array): string {
  const line = Buffer.from(bytes.subarray(0, 200)).toString('latin1').split('\r\n', 1)[0] ?? '';
  return line.startsWith('SIP/2.0 ') ? line.slice(8, 11) : line.slice(0, line.indexOf(' '));
}

/**
 * The SIP events grouped per frame like tshark's listing: labels from the
 * start line, Call-IDs from the runtime parser. Frames holding a message the
 * parser rejected get no Call-IDs (`unparsedFrames` lists them).
 */
export function sipByFrame(events: readonly IngestEvent[]): {
  rows: SipByFrame;
  unparsedFrames: Set<number>;
} {
  const items = [];
  const unparsedFrames = new Set<number>();
  for (const e of events) {
    if (e.kind !== 'sip') continue;
    if (!e.message) unparsedFrames.add(e.frame);
    items.push({
      frame: e.frame,
      label: e.message
        ? e.message.kind === 'request'
          ? e.message.method
          : String(e.message.status)
        : startLineLabel(e.bytes),
      ...(e.message ? { callId: getCallId(e.message) } : {}),
      src: e.src.ip,
      dst: e.dst.ip,
    });
  }
  const rows = groupByFrame(items);
  for (const frame of unparsedFrames) {
    const row = rows.get(frame);
    if (row) row.callIds = [];
  }
  return { rows, unparsedFrames };
}

const encoder = new TextEncoder();
/** Encodes text as bytes. */
export function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}

let tempDir: string | undefined;
/** Writes bytes to a file in a temporary directory (for tshark) and returns its path. */
export function tempCapture(name: string, bytes: Uint8Array): string {
  tempDir ??= mkdtempSync(join(tmpdir(), 'flowspec-capture-test-'));
  const path = join(tempDir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Removes the temporary directory of `tempCapture` (call from `afterAll`). */
export function removeTempCaptures(): void {
  if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}
