/**
 * OMA CPM 8.3.2.3 through Kamailio with the generated originating CPM
 * Participating Function as the other CPM entity (finding B3, fixed): its own
 * INVITE (`call pfA establishPfTerminating to=clientB`) goes to its first
 * `outbound` hop, SIP/IP Core B, with Participating Function B as a loose
 * Route (RFC 3261 8.1.2), as a B2BUA's server legs do. Participating Function
 * B (generated, B2BUA, storage on) relays it through Core B to CPM Client B
 * (SIPp); the BYE then comes from CPM Client B (item 2) or from Participating
 * Function A (`call pfA pfByeTerminating`, item 3), and what reaches CPM
 * Client B carries the Message-UID of the stored session (finding B2, fixed).
 * Both Participating Functions run in one `flowspec run`. Artifacts in
 * test-output/interop/cpm-pf-generated-peer-<sender>/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import {
  PF_BYE_FLOWS,
  PF_BYE_HOSTS,
  sipHeaders,
  sipMessages,
  startCpmClientB,
} from './cpm-pf-bye-run.js';
import {
  allocateAddressBlock,
  artifactDir,
  liveProcesses,
  pollUntil,
  REPO_ROOT,
  runFlowspec,
  startBlockCapture,
  startFlowspecRun,
  startKamailio,
  withTeardown,
  type EntryResult,
  type RunStatus,
  type RunStop,
  type SippResult,
} from './harness/index.js';
import { topologyFromExample } from './run-topology.js';

/** Who sends the SIP BYE request, and the steps of 8.3.2.3 the run takes. */
const CASES = [
  { from: 'served-client', steps: ['2.bye', '2.b', '2.c', '2.c.iii'] },
  { from: 'other-entity', steps: ['3.bye', '3.c.iii', '3.d', '3.d.send'] },
] as const;

interface PeerRun {
  readonly dir: string;
  readonly capture: string;
  readonly topology: string;
  readonly hosts: Readonly<Record<keyof typeof PF_BYE_HOSTS, string>>;
  readonly client: SippResult;
  readonly calls: readonly { readonly entry: string; readonly result: EntryResult }[];
  readonly errors: readonly string[];
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

/** One run: Kamailio as Core B, SIPp as CPM Client B, both Participating Functions generated. */
async function runPeer(from: (typeof CASES)[number]['from']): Promise<PeerRun> {
  const name = `cpm-pf-generated-peer-${from}`;
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const hosts = Object.fromEntries(
    Object.entries(PF_BYE_HOSTS).map(([id, n]) => [id, block.host(n)]),
  ) as Record<keyof typeof PF_BYE_HOSTS, string>;
  return withTeardown(async (teardown) => {
    const topology = topologyFromExample(
      'cpm-pf-bye-terminating-b2bua.topology.yaml',
      join(dir, 'topology.yaml'),
      block.prefix,
      'timers: { t1: 25, t2: 400, t4: 500 }',
    );
    // The other CPM entity is started too: its own INVITE goes to Core B, then to PF B.
    const text = readFileSync(topology, 'utf8')
      .replace('policy.allowOfflineStorage: false', 'policy.allowOfflineStorage: true')
      .replace(
        /^run:\n/m,
        `run:\n  pfA:\n    outbound: ['${hosts.coreB}:5060', '${hosts.pfB}:5060']\n`,
      );
    writeFileSync(topology, text);
    const capture = await startBlockCapture(name, dir, block, teardown);
    await startKamailio(
      {
        name: 'coreB',
        template: 'sip-core.cfg.tpl',
        address: hosts.coreB,
        workDir: join(dir, 'kamailio-coreB'),
        probeFrom: block.probeHost,
      },
      teardown,
    );
    const pfs = await startFlowspecRun(
      { name: 'cpm-pfs', topology, workDir: dir, commands: true },
      teardown,
    );
    const clientB = await startCpmClientB(from, hosts.clientB, dir, teardown);
    const calls: { entry: string; result: EntryResult }[] = [];
    calls.push({
      entry: 'establishPfTerminating',
      result: await pfs.call('pfA', 'establishPfTerminating', { to: 'clientB' }),
    });
    if (from === 'other-entity') {
      // The session is up at PF A once its INVITE transaction has ended (RFC 3261 17.1.1.2).
      await pollUntil(
        async () => {
          const state = (await pfs.states())['pfA'];
          return state && state.dialogs > 0 && state.transactions === 0 ? true : undefined;
        },
        {
          peer: 'flowspec run pfA',
          what: 'the CPM Session',
          timeoutMs: 10_000,
          log: () => pfs.process.log,
        },
      );
      calls.push({
        entry: 'pfByeTerminating',
        result: await pfs.call('pfA', 'pfByeTerminating'),
      });
    }
    const client = await clientB.finished();
    const idle = await pfs.waitIdle(15_000);
    const errors = pfs.errors();
    const stopped = await pfs.stop();
    await capture.stop();
    return {
      dir,
      capture: capture.file,
      topology,
      hosts,
      client,
      calls,
      errors,
      idle,
      stopped,
    };
  });
}

describe.each(CASES)(
  'OMA CPM 8.3.2.3, B2BUA, BYE from the $from: the generated originating Participating Function as the other CPM entity, Kamailio as SIP/IP Core B',
  (c) => {
    let run: PeerRun;

    beforeAll(async () => {
      run = await runPeer(c.from);
    });

    afterAll(() => {
      expect(liveProcesses()).toEqual([]);
    });

    it('CPM Client B completes the session and every entry point gets its 200', () => {
      expect(run.client.exitCode, run.client.log).toBe(0);
      expect(run.client.stats.successfulCalls).toBe(1);
      expect(run.client.stats.failedCalls).toBe(0);
      for (const { entry, result } of run.calls) expect(result.statuses, entry).toEqual([200]);
      expect(run.errors).toEqual([]);
      expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
      expect(run.stopped.exitCode, run.stopped.log).toBe(0);
    });

    it("PF A's INVITE goes to SIP/IP Core B with PF B as a loose Route, never straight to PF B", async () => {
      const { pfA, pfB, coreB } = run.hosts;
      const invites = (await sipMessages(run.capture)).filter(
        (m) => m.method === 'INVITE' && m.src.startsWith(`${pfA}:`),
      );
      expect(invites.length).toBeGreaterThan(0);
      for (const m of invites) {
        expect(m.dst).toBe(`${coreB}:5060`);
        expect(m.route).toContain(`${pfB}:5060;lr`);
      }
      // Core B relays it to PF B, which relays it through Core B to CPM Client B.
      const relayed = (await sipMessages(run.capture)).filter(
        (m) => m.method === 'INVITE' && m.src.startsWith(`${coreB}:`),
      );
      expect(relayed.map((m) => m.dst.replace(/:\d+$/, ''))).toEqual(
        expect.arrayContaining([pfB, run.hosts.clientB]),
      );
    });

    it('the whole capture passes flowspec diff with the steps of the case, the topology as the map', async () => {
      const flow = join(REPO_ROOT, PF_BYE_FLOWS.terminating);
      const json = await runFlowspec([
        'diff',
        flow,
        run.capture,
        '--map',
        run.topology,
        '--format',
        'json',
      ]);
      writeFileSync(join(run.dir, 'diff.json'), json.stdout);
      expect(json.exitCode, `${json.stdout}${json.stderr}`).toBe(0);
      const report = JSON.parse(json.stdout) as ConformanceReport;
      expect(report.verdict).toBe('pass');
      expect(report.instances).toHaveLength(1);
      const matched = report.instances[0]?.steps
        .filter((s) => s.status === 'matched')
        .map((s) => s.id);
      expect(matched?.sort()).toEqual([...c.steps].sort());
    });

    it('what reaches CPM Client B carries the Message-UID of the stored session', async () => {
      const headers = await sipHeaders(run.capture);
      const kind = c.from === 'served-client' ? '200' : 'BYE';
      const toClient = (await sipMessages(run.capture)).filter(
        (m) =>
          m.dst.startsWith(`${run.hosts.clientB}:`) &&
          m.cseq.endsWith('BYE') &&
          (m.status === kind || m.method === kind),
      );
      expect(toClient.length).toBeGreaterThan(0);
      for (const m of toClient)
        expect(headers.get(m.frame) ?? '').toMatch(/(?:^|\\n|\n|,)Message-UID\s*:\s*\d+/i);
    });
  },
);
