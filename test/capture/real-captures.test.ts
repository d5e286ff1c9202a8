/**
 * Every shared capture is ingested and compared with tshark's listing in
 * ../shared/captures/summaries: per frame, the same SIP methods and status
 * codes, the same Call-IDs and the same (innermost) IPv4 addresses. No port
 * hints are given to the reader (the summary of the TCP capture on port
 * 6060 needed `-d tcp.port==6060,sip` for tshark; the reader finds it by
 * content). See helpers/tshark-reference.ts for how frames are compared.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { at } from './helpers/packet-builder.js';
import { describe, expect, it } from 'vitest';
import { decodeMbcp } from '../../runtime/mbcp/index.js';
import { ingestAll, sipByFrame } from './helpers/collect.js';
import {
  asSortedEntries,
  readSummary,
  tsharkFields,
  tsharkSip,
} from './helpers/tshark-reference.js';

const CAPTURES = '/work/shared/captures';
const SUMMARIES = join(CAPTURES, 'summaries');
const summaries = readdirSync(SUMMARIES).filter((f) => f.endsWith('.sip.tsv'));

describe('shared captures match tshark', () => {
  it('has summaries to compare with', () => {
    expect(summaries.length).toBeGreaterThan(0);
  });

  for (const summary of summaries) {
    const capture = summary.replace(/\.sip\.tsv$/, '');
    it(capture, async () => {
      const expected = readSummary(join(SUMMARIES, summary)).rows;
      const { events, findings, stats } = await ingestAll(join(CAPTURES, capture));
      const { rows: actual, unparsedFrames } = sipByFrame(events);
      // The runtime parser is strict (RFC 3261 section 25); tshark is lenient.
      // A message it rejects must be a located finding on a frame tshark lists,
      // never lost: its label is still compared, its Call-ID is not.
      for (const finding of findings) {
        expect(finding.kind).toBe('sip-parse-error');
        expect(finding.frame !== undefined && expected.has(finding.frame)).toBe(true);
        expect(finding.reason.length).toBeGreaterThan(0);
      }
      expect(new Set(findings.map((f) => f.frame))).toEqual(unparsedFrames);
      for (const frame of unparsedFrames) {
        const row = expected.get(frame);
        if (row) row.callIds = [];
      }
      expect(asSortedEntries(actual)).toEqual(asSortedEntries(expected));
      const messages = [...expected.values()].reduce((n, r) => n + r.labels.length, 0);
      expect(stats.sipMessages).toBe(messages);
      expect(stats.parseErrors).toBe(findings.length);
      expect(stats.packets).toBe(
        Number(tsharkFields(join(CAPTURES, capture), 'frame', ['frame.number']).length),
      );
    });
  }

  it('needs no port hint for SIP over TCP on port 6060, where tshark needs one', async () => {
    const capture = 'heplify__sip_ipv4_tcp_fragmented.pcap';
    const summary = readSummary(join(SUMMARIES, `${capture}.sip.tsv`));
    expect(summary.decodeAs).toEqual(['tcp.port==6060,sip']);
    expect(tsharkSip(join(CAPTURES, capture)).size).toBe(0);
    const { events } = await ingestAll(join(CAPTURES, capture));
    expect(sipByFrame(events).rows.size).toBe(summary.rows.size);
    expect(
      events.every((e) => e.transport === 'tcp' && (e.src.port === 6060 || e.dst.port === 6060)),
    ).toBe(true);
  });

  it('finds the SIP over WebSocket that tshark finds', async () => {
    const file = join(CAPTURES, 'heplify__sip_tcp_websocket.pcap');
    const ws = tsharkFields(file, 'websocket && sip', ['frame.number']).map((r) => Number(r[0]));
    const { events } = await ingestAll(file);
    const ours = events.filter((e) => e.transport === 'ws').map((e) => e.frame);
    expect(ws.length).toBeGreaterThan(0);
    expect([...new Set(ours)].sort((a, b) => a - b)).toEqual(ws);
  });
});

describe('MBCP in the crafted floor-control capture', () => {
  it('yields every RTCP APP PoC1 packet tshark decodes, with the same subtype', async () => {
    const file = join(CAPTURES, 'tbcp_mcpt_crafted.pcap');
    const rows = tsharkFields(
      file,
      'rtcp.app.name == "PoC1"',
      ['frame.number', 'rtcp.app.subtype'],
      ['-d', 'udp.port==30001,rtcp'],
    );
    const { events, findings } = await ingestAll(file);
    const mbcp = events.filter((e) => e.kind === 'mbcp');
    expect(findings).toEqual([]);
    expect(mbcp.map((e) => [e.frame, (at(e.bytes, 0) & 0x1f) >>> 0])).toEqual(
      rows.map((r) => [Number(r[0]), Number(r[1])]),
    );
    for (const e of mbcp) {
      expect(e.kind === 'mbcp' && e.mbcp).toEqual(decodeMbcp(e.bytes));
      expect(e.transport).toBe('udp');
    }
  });
});
