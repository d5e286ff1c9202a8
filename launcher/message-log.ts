/**
 * One line per SIP message a started participant sends or receives, from
 * the transport's trace hook (every message passes it exactly once,
 * retransmissions included): time, participant, direction, the far end,
 * the start line, Call-ID and CSeq; and one per MBCP packet of its MBCP
 * endpoint (OMA PoC talk burst control: Connect, Disconnect and their
 * Acknowledgements), from the endpoint's hook.
 */
import type { MbcpPacketRecord } from '../runtime/mbcp/index.js';
import { getCallId, getCSeq, type SipMessage } from '../runtime/sip/message/index.js';
import type { TransportTraceEvent } from '../runtime/sip/transport/index.js';

function endpoint(e: { readonly address: string; readonly port: number }): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

function startLine(m: SipMessage): string {
  return m.kind === 'request' ? `${m.method} ${m.requestUri}` : `${m.status} ${m.reason}`.trim();
}

function dialogPart(m: SipMessage): string {
  try {
    const cseq = getCSeq(m);
    return `Call-ID ${getCallId(m)} CSeq ${cseq.seq} ${cseq.method}`;
  } catch {
    // A message without a single Call-ID or CSeq was already rejected by the parser; keep the line.
    return '';
  }
}

/** The log line of a traced message: `12:00:00.123 serverA <- udp 127.0.0.1:5061 INVITE sip:... | Call-ID ... CSeq 1 INVITE`. */
export function messageLine(participant: string, e: TransportTraceEvent): string {
  const time = new Date(e.time).toISOString().slice(11, 23);
  const arrow = e.direction === 'in' ? '<-' : '->';
  const what = e.message
    ? `${startLine(e.message)} | ${dialogPart(e.message)}`
    : `unparsable (${e.bytes.length} bytes): ${e.error?.message ?? 'not SIP'}`;
  return `${time} ${participant} ${arrow} ${e.transport} ${endpoint(e.remote)} ${what}`;
}

/**
 * The log line of an MBCP packet: `12:00:00.123 serverB -> mbcp 127.0.0.1:6001 Disconnect`, with
 * `(retransmission)` or `(duplicate)` when it is one, and the decoding error of a packet that is
 * not MBCP.
 */
export function mbcpLine(participant: string, r: MbcpPacketRecord): string {
  const time = new Date(r.time).toISOString().slice(11, 23);
  const arrow = r.direction === 'in' ? '<-' : '->';
  const what = r.message
    ? `${r.message.kind}${r.note === 'first' ? '' : ` (${r.note})`}`
    : `not MBCP (${r.bytes.length} bytes): ${r.error?.message ?? 'undecodable'}`;
  return `${time} ${participant} ${arrow} mbcp ${endpoint(r.remote)} ${what}`;
}
