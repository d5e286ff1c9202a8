/**
 * tshark as the reference decoder: reads the summaries shipped with the
 * shared captures, or runs tshark on a crafted file, and puts both and the
 * reader's events into one comparable shape: per frame, the sorted list of
 * SIP methods and status codes, and the Call-IDs.
 *
 * How frames compare: tshark lists a SIP message under the frame that
 * completes it (for TCP, the segment that ends the reassembled message;
 * for IP fragments, the last fragment), and lists several messages of one
 * frame comma-separated in one row. The reader reports each message with
 * the frame that completed it, so both sides are grouped per frame and the
 * multisets of labels are compared.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The SIP content of one frame. */
export interface FrameSip {
  /** Methods and status codes, sorted. */
  labels: string[];
  /** Call-IDs, sorted. */
  callIds: string[];
  /** Innermost IPv4 source and destination (tshark lists outer and inner for tunnels), if any. */
  src?: string;
  dst?: string;
}

/** Frame number to SIP content. */
export type SipByFrame = Map<number, FrameSip>;

const FIELDS = ['frame.number', 'ip.src', 'ip.dst', 'sip.Method', 'sip.Status-Code', 'sip.Call-ID'];

function splitList(value: string | undefined): string[] {
  return value ? value.split(',').filter((v) => v.length > 0) : [];
}

/** Parses tshark's `-T fields` output (or a summary file) with the six fields above. */
export function parseSipFields(text: string): SipByFrame {
  const out: SipByFrame = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [frame, src, dst, methods, statuses, callIds] = line.split('\t');
    const entry: FrameSip = {
      labels: [...splitList(methods), ...splitList(statuses)].sort(),
      callIds: splitList(callIds).sort(),
    };
    const s = splitList(src).at(-1);
    const d = splitList(dst).at(-1);
    if (s) entry.src = s;
    if (d) entry.dst = d;
    out.set(Number(frame), entry);
  }
  return out;
}

/** Reads `summaries/NAME.sip.tsv`, returning also the extra tshark arguments its header names. */
export function readSummary(path: string): { rows: SipByFrame; decodeAs: string[] } {
  const text = readFileSync(path, 'utf8');
  const header = text.split('\n', 1)[0] ?? '';
  const decodeAs = [...header.matchAll(/-d (\S+)/g)].map((m) => m[1] ?? '');
  return { rows: parseSipFields(text), decodeAs };
}

/** Runs `tshark -n -r FILE [extra] -Y filter -T fields -e ...` and returns its output. */
function runTshark(
  file: string,
  filter: string,
  fields: readonly string[],
  extra: readonly string[],
): string {
  const args = [
    '-n',
    '-r',
    file,
    ...extra,
    '-Y',
    filter,
    '-T',
    'fields',
    ...fields.flatMap((f) => ['-e', f]),
  ];
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Runs tshark on a file with `-Y sip` and the six fields. */
export function tsharkSip(file: string, extra: readonly string[] = []): SipByFrame {
  return parseSipFields(runTshark(file, 'sip', FIELDS, extra));
}

/** Runs tshark with arbitrary fields; returns one array of columns per line. */
export function tsharkFields(
  file: string,
  filter: string,
  fields: readonly string[],
  extra: readonly string[] = [],
): string[][] {
  return runTshark(file, filter, fields, extra)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** Groups per-message observations (frame, label, Call-ID, addresses) as tshark does. */
export function groupByFrame(
  items: Iterable<{ frame: number; label: string; callId?: string; src?: string; dst?: string }>,
): SipByFrame {
  const out: SipByFrame = new Map();
  for (const item of items) {
    let entry = out.get(item.frame);
    if (!entry) {
      entry = { labels: [], callIds: [] };
      out.set(item.frame, entry);
    }
    entry.labels.push(item.label);
    if (item.callId !== undefined) entry.callIds.push(item.callId);
    // tshark's ip.src is IPv4 only.
    if (item.src?.includes('.')) entry.src = item.src;
    if (item.dst?.includes('.')) entry.dst = item.dst;
  }
  for (const entry of out.values()) {
    entry.labels.sort();
    entry.callIds.sort();
  }
  return out;
}

/** Sorted [frame, content] pairs, for readable diffs in assertions. */
export function asSortedEntries(rows: SipByFrame): [number, FrameSip][] {
  return [...rows.entries()].sort((a, b) => a[0] - b[0]);
}
