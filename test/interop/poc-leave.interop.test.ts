/**
 * Issue 8 item 1, OMA PoC: Figure 16 (leaving an on-demand PoC Session) and
 * Figure 18 (the Controlling PoC Server disconnecting the other participant,
 * release policy release-all) with the generated PoC Servers under
 * `flowspec run`, a Kamailio per SIP/IP Core and SIPp as the PoC Clients.
 * The capture must pass `flowspec diff` against both flows with the
 * topology as the map; the servers must end with nothing open and exit 0 on
 * SIGTERM. The capture, the topology and the reports are kept in
 * test-output/interop/poc-leave-on-demand/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import {
  liveProcesses,
  REPO_ROOT,
  runFlowspec,
  tsharkSip,
  writeAddressMap,
} from './harness/index.js';
import { LEAVE_FLOW, POC_HOSTS, runPocLeave, type PocLeaveRun } from './poc-leave-run.js';

const DISCONNECT_FLOW = 'flows/poc/disconnect-on-demand.flow.yaml';

/** Diffs the capture against a flow with the topology as the map; keeps the reports. */
async function diff(
  run: PocLeaveRun,
  flow: string,
  label: string,
  map: string,
): Promise<{ exitCode: number; report: ConformanceReport; text: string }> {
  const args = ['diff', join(REPO_ROOT, flow), run.capture, '--map', map];
  const text = await runFlowspec(args);
  const json = await runFlowspec([...args, '--format', 'json']);
  writeFileSync(join(run.dir, `diff-${label}.txt`), text.stdout);
  writeFileSync(join(run.dir, `diff-${label}.json`), json.stdout);
  expect(json.exitCode, text.stderr).toBe(text.exitCode);
  return {
    exitCode: text.exitCode,
    report: JSON.parse(json.stdout) as ConformanceReport,
    text: `${text.stdout}${text.stderr}`,
  };
}

describe('OMA PoC Figures 16 and 18: generated PoC Servers under flowspec run, Kamailio as SIP/IP Cores, SIPp as PoC Clients', () => {
  let run: PocLeaveRun;

  beforeAll(async () => {
    run = await runPocLeave('poc-leave-on-demand');
  });

  afterAll(() => {
    expect(liveProcesses()).toEqual([]);
  });

  it('both PoC Clients complete their calls: A leaves, B is disconnected', () => {
    for (const client of [run.clientA, run.clientB]) {
      expect(client.exitCode, client.log).toBe(0);
      expect(client.stats.successfulCalls).toBe(1);
      expect(client.stats.failedCalls).toBe(0);
    }
  });

  it('the servers end with nothing open and exit 0 on SIGTERM', () => {
    expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0 });
    expect(run.stopped.exitCode, run.stopped.log).toBe(0);
    expect(run.stopped.open).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
    expect(run.stopped.log).toContain('stopped: sockets closed');
  });

  it('every SIP message crosses the SIP/IP Cores as Figures 16 and 18 draw it (tshark)', async () => {
    const wire = await tsharkSip(run.capture);
    const at = (id: keyof typeof POC_HOSTS): string => `${run.block.host(POC_HOSTS[id])}:5060`;
    const byes = wire.filter((m) => m.method === 'BYE').map((m) => `${m.src} -> ${m.dst}`);
    expect(byes).toEqual([
      // Figure 16 steps 2, 3, 6, 7, 8.
      `${at('clientA')} -> ${at('coreA')}`,
      `${at('coreA')} -> ${at('serverA')}`,
      `${at('serverA')} -> ${at('coreA')}`,
      `${at('coreA')} -> ${at('coreX')}`,
      `${at('coreX')} -> ${at('serverX')}`,
      // Figure 18 steps 2, 3, 4, 8, 9.
      `${at('serverX')} -> ${at('coreX')}`,
      `${at('coreX')} -> ${at('coreB')}`,
      `${at('coreB')} -> ${at('serverB')}`,
      `${at('serverB')} -> ${at('coreB')}`,
      `${at('coreB')} -> ${at('clientB')}`,
    ]);
  });

  it('the capture passes flowspec diff against poc.leave.on-demand (Figure 16, step 12 with Figure 18)', async () => {
    // The topology `flowspec run` started from is the map.
    const d = await diff(run, LEAVE_FLOW, 'leave', run.topology);
    expect(d.exitCode, d.text).toBe(0);
    expect(d.report.verdict).toBe('pass');
    expect(d.report.instances).toHaveLength(1);
  });

  it('the capture passes flowspec diff against poc.disconnect.on-demand (Figure 18)', async () => {
    // Figure 18 draws only the network X and B lifelines: the map names those.
    const at = (id: keyof typeof POC_HOSTS): string => `${run.block.host(POC_HOSTS[id])}:5060`;
    const map = writeAddressMap(join(run.dir, 'map-disconnect.yaml'), 'poc.disconnect.on-demand', {
      serverX: at('serverX'),
      coreX: at('coreX'),
      coreB: at('coreB'),
      serverB: at('serverB'),
      clientB: at('clientB'),
    });
    const d = await diff(run, DISCONNECT_FLOW, 'disconnect', map);
    expect(d.exitCode, d.text).toBe(0);
    expect(d.report.verdict).toBe('pass');
  });

  it('keeps the capture, the topology and the reports as artifacts', () => {
    expect(readFileSync(run.capture).length).toBeGreaterThan(1000);
    expect(readFileSync(run.topology, 'utf8')).toContain('policy.release: release-all');
    expect(readFileSync(join(run.dir, 'poc-servers.log'), 'utf8')).toContain('serverB');
  });
});
