/**
 * Issue 8 item 1, OMA CPM 8.2.2.3 and 8.3.2.3: a CPM Participating Function
 * handles a SIP BYE request of an existing CPM Session. The generated
 * Participating Function under test (originating or terminating, proxy or
 * B2BUA, not interworked, storage off and on) runs under `flowspec run`, a
 * Kamailio is each SIP/IP Core, SIPp the served CPM Client; the other CPM
 * entity is the generated terminating Participating Function (originating
 * side) or SIPp (terminating side). The BYE comes from the served client or
 * from the other CPM entity: the cases the generated tests run that are not
 * interworked (generated/tests/cpm-pf-bye-*.test.ts).
 *
 * The flows leave the SIP/IP Cores out; the topologies list each Core with
 * the Participating Function of its network. The capture without the hops
 * between a Participating Function and its own Core must pass `flowspec
 * diff` with exactly the case's steps; the whole capture's diff is kept
 * (`diff-whole.txt`, docs/interop.md finding B1). The Participating Functions
 * end with nothing open and exit 0 on SIGTERM. With storage, what reaches the
 * served client carries the Message-UID of the stored session, without storage
 * none (finding B2, fixed). Artifacts in test-output/interop/cpm-pf-bye-<case>/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import {
  caseName,
  hopsInside,
  PF_BYE_FLOWS,
  runPfBye,
  sipHeaders,
  sipMessages,
  topologyAddresses,
  withoutHopsInside,
  type ByeCase,
  type PfByeRun,
} from './cpm-pf-bye-run.js';
import { liveProcesses, REPO_ROOT, runFlowspec } from './harness/index.js';

/** Steps of each operand (the flows' ids), by side, mode and sender. */
const STEPS = {
  'originating proxy served-client': [
    'proxy.bye-client',
    'proxy.fwd-client',
    'proxy.ok-client',
    'proxy.ok-client.fwd',
  ],
  'originating proxy other-entity': [
    'proxy.bye-other',
    'proxy.fwd-other',
    'proxy.ok-other',
    'proxy.ok-other.fwd',
  ],
  'originating b2bua served-client': ['4.bye', '4.b.ii', '4.c', '4.c.iii'],
  'originating b2bua other-entity': ['5.bye', '5.c', '5.d', '5.d.send'],
  'terminating proxy served-client': [
    'proxy.bye-client',
    'proxy.fwd-client',
    'proxy.ok-client',
    'proxy.ok-client.fwd',
  ],
  'terminating proxy other-entity': [
    'proxy.bye-other',
    'proxy.fwd-other',
    'proxy.ok-other',
    'proxy.ok-other.fwd',
  ],
  'terminating b2bua served-client': ['2.bye', '2.b', '2.c', '2.c.iii'],
  'terminating b2bua other-entity': ['3.bye', '3.c.iii', '3.d', '3.d.send'],
} as const;

/** The cases the generated tests run that are not interworked (a proxy takes no storage action). */
const CASES: readonly ByeCase[] = (['originating', 'terminating'] as const).flatMap((side) =>
  (['served-client', 'other-entity'] as const).flatMap((from) => [
    { side, mode: 'proxy' as const, from, storage: false },
    { side, mode: 'b2bua' as const, from, storage: false },
    { side, mode: 'b2bua' as const, from, storage: true },
  ]),
);

describe.each(CASES)(
  'OMA CPM $side Participating Function, $mode, BYE from the $from (storage $storage): Kamailio as SIP/IP Cores, SIPp as CPM Client',
  (c) => {
    const steps = STEPS[`${c.side} ${c.mode} ${c.from}`];
    let run: PfByeRun;

    beforeAll(async () => {
      run = await runPfBye(`cpm-pf-bye-${caseName(c)}`, c);
    });

    afterAll(() => {
      expect(liveProcesses()).toEqual([]);
    });

    it('the served CPM Client and the other CPM entity complete the session', () => {
      for (const sipp of [run.client, ...(run.peer ? [run.peer] : [])]) {
        expect(sipp.exitCode, sipp.log).toBe(0);
        expect(sipp.stats.successfulCalls).toBe(1);
        expect(sipp.stats.failedCalls).toBe(0);
      }
      for (const { entry, result } of run.calls) expect(result.statuses, entry).toEqual([200]);
      expect(run.errors).toEqual([]);
    });

    it('the Participating Functions end with nothing open and exit 0 on SIGTERM', () => {
      expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
      expect(run.stopped.exitCode, run.stopped.log).toBe(0);
      expect(run.stopped.open).toMatchObject({
        sessions: 0,
        dialogs: 0,
        transactions: 0,
        errors: 0,
      });
    });

    it('the Participating Function under test takes the actions of its operand', () => {
      const sut = c.side === 'originating' ? 'pfA' : 'pfB';
      const expected =
        c.mode === 'proxy'
          ? ['service-control']
          : ['release-media-resources', ...(c.storage ? ['store-session-history'] : [])];
      expect(run.actions[sut]).toEqual(expected);
      // The generated other CPM entity (originating side) takes none.
      if (c.side === 'originating') expect(run.actions['pfB']).toEqual([]);
    });

    it('the capture without the hops inside a participant passes flowspec diff, the topology as the map', async () => {
      const flow = join(REPO_ROOT, PF_BYE_FLOWS[c.side]);
      const addresses = topologyAddresses(run.topology);
      // The SIP/IP Cores are on the path: hops between a Participating Function and its Core.
      const inside = hopsInside(await sipMessages(run.capture), addresses);
      expect(inside.filter((m) => m.cseq.endsWith('BYE')).length).toBeGreaterThan(0);
      const view = await withoutHopsInside(
        run.capture,
        addresses,
        join(run.dir, 'capture-without-core-hops.pcapng'),
      );
      const args = ['diff', flow, view, '--map', run.topology];
      // The whole capture passes too: the Core hops are hops inside the participant whose
      // addresses the topology lists together (docs/interop.md, finding B1, fixed).
      const [whole, text, json] = await Promise.all([
        runFlowspec(['diff', flow, run.capture, '--map', run.topology]),
        runFlowspec(args),
        runFlowspec([...args, '--format', 'json']),
      ]);
      writeFileSync(join(run.dir, 'diff-whole.txt'), whole.stdout);
      expect(whole.exitCode, `${whole.stdout}${whole.stderr}`).toBe(0);
      expect(whole.stdout).toMatch(/; \d+ hop\(s\) inside a participant/);
      writeFileSync(join(run.dir, 'diff.txt'), text.stdout);
      writeFileSync(join(run.dir, 'diff.json'), json.stdout);
      const report = JSON.parse(json.stdout) as ConformanceReport;
      expect(text.exitCode, `${text.stdout}${text.stderr}`).toBe(0);
      expect(report.verdict).toBe('pass');
      expect(report.instances).toHaveLength(1);
      const matched = report.instances[0]?.steps
        .filter((s) => s.status === 'matched')
        .map((s) => s.id);
      expect(matched?.sort(), text.stdout).toEqual([...steps].sort());
      expect(readFileSync(run.capture).length).toBeGreaterThan(1000);
    });

    if (c.mode === 'b2bua') {
      // 8.2.2.3 4.c.ii.2 and 5.b.ii, 8.3.2.3 2.c.ii.2 and 3.c.ii: the 200 "OK" (BYE from the
      // served client) or the BYE (from the other CPM entity) the Participating Function sends
      // its served client carries the Message-UID of the stored session, only with storage.
      it(`what reaches the served CPM Client ${c.storage ? 'carries' : 'carries no'} Message-UID header`, async () => {
        const client = c.side === 'originating' ? 'clientA' : 'clientB';
        const ip = topologyAddresses(run.topology).get(client)?.[0] ?? '';
        const headers = await sipHeaders(run.capture);
        const kind = c.from === 'served-client' ? '200' : 'BYE';
        const toClient = (await sipMessages(run.capture)).filter(
          (m) =>
            m.dst.startsWith(`${ip}:`) &&
            m.cseq.endsWith('BYE') &&
            (m.status === kind || m.method === kind),
        );
        expect(toClient.length).toBeGreaterThan(0);
        for (const m of toClient)
          expect(/(?:^|\\n|\n)Message-UID\s*:/i.test(headers.get(m.frame) ?? '')).toBe(c.storage);
      });

      if (c.storage) {
        // OMA CPM 8.2.2.3 4.c.ii / 5.b, 8.3.2.3 2.c.ii / 3.a, Appendix C: the Message Storage
        // Server's JSON-lines file holds the one CPM Session History stored, under the UID the
        // Message-UID header carries on the wire.
        it('the Message Storage Server holds the CPM Session History under the UID on the wire', async () => {
          const client = c.side === 'originating' ? 'clientA' : 'clientB';
          const ip = topologyAddresses(run.topology).get(client)?.[0] ?? '';
          const headers = await sipHeaders(run.capture);
          const uids = new Set(
            (await sipMessages(run.capture))
              .filter((m) => m.dst.startsWith(`${ip}:`) && m.cseq.endsWith('BYE'))
              .flatMap((m) => {
                const found = /(?:^|\\n|\n)Message-UID\s*:\s*([^\\\r\n]+)/i.exec(
                  headers.get(m.frame) ?? '',
                );
                return found?.[1] ? [found[1].trim()] : [];
              }),
          );
          expect([...uids]).toHaveLength(1);
          const records = readFileSync(run.storage ?? '', 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map(
              (l) => JSON.parse(l) as { uid: string; history: { session: { callId?: string } } },
            );
          expect(records.map((r) => r.uid)).toEqual([...uids]);
          expect(records[0]?.history.session.callId).toMatch(/\S/);
        });
      }
    }
  },
);
