/**
 * Issue 8 item 1, OMA PoC: both CANCEL procedures (OMA PoC contribution
 * 6.1.X.1 and 6.2.X.1) with the generated Participating PoC Server under
 * `flowspec run`, a Kamailio as SIP/IP Core and SIPp as the PoC Clients.
 * Kamailio's tm answers each CANCEL itself, cancels its own branch and
 * relays the 487 (RFC 3261 16.10, 16.7), as the flows draw the SIP/IP Core.
 * Each capture must pass `flowspec diff` against its flow with the topology
 * as the map; the server must end with nothing open and exit 0 on SIGTERM.
 * The captures, topologies and reports are kept in
 * test-output/interop/poc-cancel-originating/ and poc-cancel-terminating/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffCapture, type CaptureDiff } from './capture-diff-run.js';
import { liveProcesses, tsharkSip, type TsharkSip } from './harness/index.js';
import {
  CANCEL_FLOWS,
  CANCEL_HOSTS,
  runPocCancel,
  type CancelSide,
  type PocCancelRun,
} from './poc-cancel-run.js';

/** Diffs the capture against the run's flow with the topology as the map; keeps the reports. */
async function diff(run: PocCancelRun, side: CancelSide): Promise<CaptureDiff> {
  const d = await diffCapture({
    dir: run.dir,
    capture: run.capture,
    flow: CANCEL_FLOWS[side],
    map: run.topology,
    label: side,
    prefix: run.block.prefix,
  });
  expect(d.jsonExitCode, d.text).toBe(d.exitCode);
  return d;
}

/** Source -> destination and what tshark decodes, one line per SIP message. */
function hops(wire: readonly TsharkSip[], names: ReadonlyMap<string, string>): string[] {
  const name = (a: string): string => names.get(a) ?? a;
  return wire.map(
    (m) =>
      `${name(m.src)} -> ${name(m.dst)} ${m.method !== '' ? m.method : `${m.status} (${m.cseq.split(' ')[1] ?? ''})`}`,
  );
}

/**
 * The SIP messages on the wire. Originating (the 487 operand): the INVITE
 * goes no further than PoC Server A, which sends its own 100 Trying after
 * 200 ms (RFC 3261 17.2.1) and nothing towards SIP/IP Core X. Terminating:
 * the flow's 13 steps, PoC Server B's own 100 Trying (at once: it relays the
 * INVITE, RFC 3261 17.2.1), 180 and 487 on its other leg, and the inviting
 * side's INVITE, CANCEL and ACK.
 */
const EXPECTED_HOPS: Readonly<Record<CancelSide, readonly string[]>> = {
  originating: [
    'clientA -> coreA INVITE', // 0.1
    'coreA -> clientA 100 (INVITE)', // 0.2
    'coreA -> serverA INVITE', // 0.3
    'serverA -> coreA 100 (INVITE)',
    'clientA -> coreA CANCEL', // 1
    'coreA -> clientA 200 (CANCEL)', // 1.1
    'coreA -> serverA CANCEL', // 1.2
    'serverA -> coreA 200 (CANCEL)', // 487.1
    'serverA -> coreA 487 (INVITE)', // 487.2
    'coreA -> clientA 487 (INVITE)', // 487.3
    'coreA -> serverA ACK', // 487.4
    'clientA -> coreA ACK', // 487.5
  ],
  terminating: [
    'serverX -> serverB INVITE',
    'serverB -> serverX 100 (INVITE)',
    'serverB -> coreB INVITE', // 0.1
    'coreB -> serverB 100 (INVITE)', // 0.2
    'coreB -> clientB INVITE', // 0.3
    'clientB -> coreB 180 (INVITE)', // 0.4
    'coreB -> serverB 180 (INVITE)', // 0.5
    'serverB -> serverX 180 (INVITE)',
    'serverX -> serverB CANCEL', // 0.6, the indication
    'serverB -> serverX 200 (CANCEL)',
    'serverB -> serverX 487 (INVITE)',
    'serverX -> serverB ACK',
    'serverB -> coreB CANCEL', // 0.7
    'coreB -> serverB 200 (CANCEL)', // 0.8
    'coreB -> clientB CANCEL', // 0.9
    'clientB -> coreB 200 (CANCEL)', // 1
    'clientB -> coreB 487 (INVITE)', // 2
    'coreB -> serverB 487 (INVITE)', // 2.1
    'coreB -> clientB ACK', // 2.2
    'serverB -> coreB ACK', // 2.3
  ],
};

/**
 * Messages of the capture the flow does not draw: the inviting side's leg with PoC Server B
 * (INVITE, PoC Server B's 100 Trying, 180, CANCEL, its 200, 487 and ACK).
 */
const UNRELATED: Readonly<Record<CancelSide, number>> = { originating: 0, terminating: 7 };

const SIDES: readonly { readonly side: CancelSide; readonly name: string }[] = [
  { side: 'originating', name: 'poc-cancel-originating' },
  { side: 'terminating', name: 'poc-cancel-terminating' },
];

describe.each(SIDES)(
  'OMA PoC cancel ($side): generated PoC Server under flowspec run, Kamailio as SIP/IP Core, SIPp as PoC Clients',
  ({ side, name }) => {
    let run: PocCancelRun;

    beforeAll(async () => {
      run = await runPocCancel(name, side);
    });

    afterAll(() => {
      expect(liveProcesses()).toEqual([]);
    });

    it('every SIPp peer completes its call: the INVITE ends in 487, the CANCEL in 200', () => {
      for (const [peer, result] of Object.entries(run.sipp)) {
        expect(result.exitCode, `${peer}: ${result.log}`).toBe(0);
        expect(result.stats.successfulCalls).toBe(1);
        expect(result.stats.failedCalls).toBe(0);
      }
    });

    it('the server ends with nothing open and exits 0 on SIGTERM', () => {
      expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
      expect(run.stopped.exitCode, run.stopped.log).toBe(0);
      expect(run.stopped.open).toMatchObject({
        sessions: 0,
        dialogs: 0,
        transactions: 0,
        errors: 0,
      });
      expect(run.stopped.log).toContain('stopped: sockets closed');
    });

    it('every SIP message takes the hops the flow draws (tshark), nothing more', async () => {
      const wire = await tsharkSip(run.capture);
      const names = new Map(
        Object.entries(CANCEL_HOSTS).map(([id, h]) => [`${run.block.host(h)}:5060`, id]),
      );
      const lines = hops(wire, names);
      writeFileSync(join(run.dir, 'hops.txt'), `${lines.join('\n')}\n`);
      // Sorted: hops in parallel (the 487 relayed and ACKed hop by hop) interleave from run to run.
      expect([...lines].sort()).toEqual([...EXPECTED_HOPS[side]].sort());
    });

    it('the capture passes flowspec diff against its flow', async () => {
      const d = await diff(run, side);
      expect(d.findings).toEqual([]);
      expect(d.exitCode, d.text).toBe(0);
      expect(d.report.verdict).toBe('pass');
      expect(d.report.instances).toHaveLength(1);
      expect(d.report.unrelated).toBe(UNRELATED[side]);
    });

    it('keeps the capture, the topology and the reports as artifacts', () => {
      expect(readFileSync(run.capture).length).toBeGreaterThan(1000);
      expect(readFileSync(join(run.dir, 'poc-servers.log'), 'utf8')).toContain('CANCEL');
    });
  },
);

/**
 * The terminating side again, PoC Client B's 200 crossing the CANCEL (alt `final`, operand 2,
 * steps 2.4-2.12), PoC Client B played by the SIPp scenario `flowspec export-sipp` writes for
 * it (both Vias and the Record-Route of the INVITE in its delayed 200, RFC 3261 8.2.6.2,
 * 12.1.1): Kamailio relays the 2xx after its CANCEL (RFC 3261 16.7: a 2xx is always
 * forwarded), and the generated PoC Server B acknowledges it and ends the session with BYE
 * through Kamailio.
 */
const CROSSING_HOPS: readonly string[] = [
  ...EXPECTED_HOPS.terminating.slice(0, 15), // up to step 0.9, the CANCEL reaching PoC Client B
  'clientB -> coreB 200 (CANCEL)', // 1
  'clientB -> coreB 200 (INVITE)', // 2.5, after Core B's CANCEL went out
  'coreB -> serverB 200 (INVITE)', // 2.6
  'serverB -> coreB ACK', // 2.7
  'coreB -> clientB ACK', // 2.8
  'serverB -> coreB BYE', // 2.9
  'coreB -> clientB BYE', // 2.10
  'clientB -> coreB 200 (BYE)', // 2.11
  'coreB -> serverB 200 (BYE)', // 2.12
];

describe('OMA PoC cancel (terminating), the 2xx crossing the CANCEL: generated PoC Server B under flowspec run, Kamailio as SIP/IP Core B, the exported SIPp scenario as PoC Client B', () => {
  let run: PocCancelRun;

  beforeAll(async () => {
    run = await runPocCancel('poc-cancel-terminating-crossing', 'terminating', true);
  });

  afterAll(() => {
    expect(liveProcesses()).toEqual([]);
  });

  it('every SIPp peer completes its call: the inviting side gets 487, PoC Client B its ACK and BYE', () => {
    for (const [peer, result] of Object.entries(run.sipp)) {
      expect(result.exitCode, `${peer}: ${result.log}`).toBe(0);
      expect(result.stats.successfulCalls).toBe(1);
    }
  });

  it('the server ends with nothing open and exits 0 on SIGTERM', () => {
    expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
    expect(run.stopped.exitCode, run.stopped.log).toBe(0);
  });

  it('every SIP message takes the hops the flow draws (tshark): no 487 to PoC Server B, its ACK and BYE through Kamailio', async () => {
    const wire = await tsharkSip(run.capture);
    const names = new Map(
      Object.entries(CANCEL_HOSTS).map(([id, h]) => [`${run.block.host(h)}:5060`, id]),
    );
    const lines = hops(wire, names);
    writeFileSync(join(run.dir, 'hops.txt'), `${lines.join('\n')}\n`);
    expect([...lines].sort()).toEqual([...CROSSING_HOPS].sort());
  });

  it('the capture passes flowspec diff against poc.cancel.terminating, operand 2 of alt final', async () => {
    const d = await diff(run, 'terminating');
    expect(d.findings).toEqual([]);
    expect(d.exitCode, d.text).toBe(0);
    expect(d.report.verdict).toBe('pass');
    expect(d.report.instances).toHaveLength(1);
    const ids = d.report.instances[0]?.steps.map((s) => s.id) ?? [];
    expect(ids).toEqual(expect.arrayContaining(['2.5', '2.8', '2.10', '2.12']));
    expect(ids).not.toContain('2');
    expect(d.report.unrelated).toBe(UNRELATED.terminating);
  });
});
