/**
 * tshark as the reference decoder: the SIP messages of a capture as rows of
 * fields, read independently of flowspec's own capture reader, so that a
 * test can state what is on the wire (a CSeq, a missing Reason, how many
 * retransmissions) without trusting the engine it checks.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InteropError } from './interop-error.js';

const run = promisify(execFile);

/** One SIP message as tshark decodes it (empty string: absent). */
export interface TsharkSip {
  readonly frame: number;
  readonly src: string;
  readonly dst: string;
  readonly method: string;
  readonly status: string;
  readonly requestUri: string;
  readonly cseq: string;
  readonly callId: string;
  /** Branch of the top Via. */
  readonly branch: string;
  readonly route: string;
  readonly reason: string;
  readonly fromTag: string;
  readonly toTag: string;
}

const FIELDS = [
  'frame.number',
  'ip.src',
  'udp.srcport',
  'ip.dst',
  'udp.dstport',
  'sip.Method',
  'sip.Status-Code',
  'sip.r-uri',
  'sip.CSeq',
  'sip.Call-ID',
  'sip.Via.branch',
  'sip.Route',
  'sip.Reason',
  'sip.from.tag',
  'sip.to.tag',
] as const;

/** The SIP messages of a capture (`tshark -Y 'sip && !icmp' -T fields`: not the copies quoted in ICMP errors), in frame order. */
export async function tsharkSip(capture: string): Promise<TsharkSip[]> {
  const args = [
    '-r',
    capture,
    '-Y',
    'sip && !icmp',
    '-T',
    'fields',
    '-E',
    'separator=\t',
    '-E',
    'occurrence=f',
  ];
  for (const f of FIELDS) args.push('-e', f);
  let stdout: string;
  try {
    ({ stdout } = await run('tshark', args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    throw new InteropError('command-failed', `tshark -r ${capture}`, String(err));
  }
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const c = line.split('\t');
      const at = (i: number): string => c[i] ?? '';
      return {
        frame: Number(at(0)),
        src: `${at(1)}:${at(2)}`,
        dst: `${at(3)}:${at(4)}`,
        method: at(5),
        status: at(6),
        requestUri: at(7),
        cseq: at(8),
        callId: at(9),
        branch: at(10),
        route: at(11),
        reason: at(12),
        fromTag: at(13),
        toTag: at(14),
      };
    });
}

/**
 * Retransmissions on the wire: messages identical in kind, Call-ID, CSeq,
 * top Via branch, ends and tags to an earlier one (RFC 3261 17.1.1.2,
 * 17.2.1; a 2xx retransmitted by the UAS core, 13.3.1.4, and the ACK sent
 * again for it, 13.2.2.4, count as well).
 */
export function countRetransmissions(messages: readonly TsharkSip[]): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (const m of messages) {
    const key = [
      m.method || m.status,
      m.callId,
      m.cseq,
      m.branch,
      m.src,
      m.dst,
      m.fromTag,
      m.toTag,
    ].join('|');
    if (seen.has(key)) repeats++;
    else seen.add(key);
  }
  return repeats;
}
