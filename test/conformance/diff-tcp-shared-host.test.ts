/**
 * Participants on one host over TCP (docs/diff.md, "Participants and addresses"): every element
 * sends its requests from an ephemeral port of a connection it opened and names the port it
 * listens on in its Via (RFC 3261 18.1.1, 18.2.2). Figure 16 with all five participants on
 * 127.0.0.1 — as the generated tests run them — is told apart by those ports, without a map.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeInstance, type SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { participantEnds, viaPortAt } from '../../generator/conformance/stream-ends.js';
import type { ObservedMessage } from '../../generator/conformance/observed.js';
import { parseMessage } from '../../runtime/sip/message/index.js';
import type { PcapEndpoint } from '../../runtime/trace/pcap-writer.js';
import { FIGURE_16, loadExpected, writeCapture } from './figure16-helpers.js';
import { diffJson } from './helpers/seed-flows.js';

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected();
});

/** Figure 16's participants, each listening on its own port of 127.0.0.1. */
const LISTENING: ReadonlyMap<string, PcapEndpoint> = new Map(
  ['clientA', 'coreA', 'serverA', 'coreX', 'serverX'].map((p, i) => [
    p,
    { address: '127.0.0.1', port: 5070 + i },
  ]),
);

/**
 * `sessions` runs of Figure 16 over TCP as real elements send them: a request leaves from the
 * ephemeral port of the connection its sender opened towards the receiver's listening port (one
 * per pair and session), and its response comes back on that connection.
 */
function overConnections(sessions: number): SynthMessage[] {
  const out: SynthMessage[] = [];
  let nextPort = 40_000;
  for (let i = 0; i < sessions; i++) {
    const connections = new Map<string, number>();
    const msgs = synthesizeInstance(expected, LISTENING, {
      instance: i,
      startNs: 1_700_000_000_000_000_000n + BigInt(i) * 500_000n,
      stepNs: 1_000_000n,
      transport: 'tcp',
    });
    for (const m of msgs) {
      const { src, dst } = m.packet;
      const request = !m.text.startsWith('SIP/2.0');
      // The connection is the requester's: keyed by its listening port and the other's.
      const key = request ? `${src.port}>${dst.port}` : `${dst.port}>${src.port}`;
      let port = connections.get(key);
      if (port === undefined) connections.set(key, (port = nextPort++));
      const packet = request
        ? { ...m.packet, src: { ...src, port } }
        : { ...m.packet, dst: { ...dst, port } };
      out.push({ ...m, packet });
    }
  }
  return out.sort((a, b) =>
    a.packet.timeNs < b.packet.timeNs ? -1 : a.packet.timeNs > b.packet.timeNs ? 1 : 0,
  );
}

/** An observed message of `text` between two endpoints. */
function observed(text: string, src: PcapEndpoint, dst: PcapEndpoint): ObservedMessage {
  return {
    frame: 1,
    time: { sec: 0, nsec: 0 },
    src: { ip: src.address, port: src.port },
    dst: { ip: dst.address, port: dst.port },
    transport: 'tcp',
    sip: parseMessage(Buffer.from(text), { transport: 'stream' }),
  };
}

describe('flowspec diff: participants on one host over TCP', () => {
  it('takes the Via sent-by port for the sender of a request and the receiver of a response', () => {
    const [bye, ok] = overConnections(1);
    if (!bye || !ok) throw new Error('no messages');
    const req = observed(bye.text, bye.packet.src, bye.packet.dst);
    expect(req.src.port).toBeGreaterThanOrEqual(40_000);
    expect(viaPortAt(req, '127.0.0.1')).toBe(5070);
    expect(participantEnds(req)).toEqual([
      { ip: '127.0.0.1', port: 5070 },
      { ip: '127.0.0.1', port: 5071 },
    ]);
    // Another host in the Via (a name, NAT): the packet's endpoints stand.
    expect(viaPortAt(req, '127.0.0.9')).toBeUndefined();
    const named = observed(
      bye.text.replace('SIP/2.0/TCP 127.0.0.1:5070', 'SIP/2.0/TCP ua.example.com:5070'),
      bye.packet.src,
      bye.packet.dst,
    );
    expect(participantEnds(named)).toEqual([named.src, named.dst]);
  });

  it('passes interleaved runs without a map, and infers the listening ports', async () => {
    const msgs = overConnections(3);
    expect(new Set(msgs.map((m) => m.packet.src.port)).size).toBeGreaterThan(5);
    const { code, report } = await diffJson(FIGURE_16, writeCapture(msgs));
    expect(report.instances.map((i) => i.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(report.unrelated).toBe(0);
    expect(code).toBe(0);
    const mapping = (report as unknown as { mapping: Record<string, { addresses: string[] }> })
      .mapping;
    expect(mapping['serverA']?.addresses).toEqual(['127.0.0.1:5072']);
    expect(mapping['clientA']?.addresses).toEqual(['127.0.0.1:5070']);
  });

  it('still fails a run whose message is missing, naming the step', async () => {
    const msgs = overConnections(2).filter(
      (m) => m.step !== '9@0' || !m.text.includes('Call-ID: 1-'),
    );
    const { code, report } = await diffJson(FIGURE_16, writeCapture(msgs));
    expect(code).toBe(1);
    expect(report.instances.map((i) => i.verdict)).toEqual(['pass', 'fail']);
    expect(
      report.instances[1]?.steps.filter((s) => s.status !== 'matched').map((s) => s.id),
    ).toEqual(['9']);
  });
});
