/**
 * Issue 8 item 1, OMA CPM: closing a one-to-one CPM Session (clause C.2.3)
 * with the generated CPM Participating Functions under `flowspec run`, a
 * Kamailio per SIP/IP Core and SIPp as the CPM Clients: Figure 10 (the
 * Participating Functions stay on the media path as B2BUAs) and Figure 9
 * (they are record-routing proxies). Each capture must pass `flowspec diff`
 * with the topology as the map; the Participating Functions must end with
 * nothing open and exit 0 on SIGTERM. Artifacts in test-output/interop/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import { CPM_FLOWS, runCpmClose, type CpmCase, type CpmCloseRun } from './cpm-close-run.js';
import { liveProcesses, REPO_ROOT, runFlowspec } from './harness/index.js';

const CASES: readonly { readonly which: CpmCase; readonly figure: string }[] = [
  { which: 'on-media-path', figure: '10' },
  { which: 'off-media-path', figure: '9' },
];

describe.each(CASES)(
  'OMA CPM Figure $figure ($which): generated Participating Functions under flowspec run, Kamailio as SIP/IP Cores, SIPp as CPM Clients',
  ({ which }) => {
    let run: CpmCloseRun;

    beforeAll(async () => {
      run = await runCpmClose(`cpm-close-${which}`, which);
    });

    afterAll(() => {
      expect(liveProcesses()).toEqual([]);
    });

    it('both CPM Clients complete the session', () => {
      for (const client of [run.clientA, run.clientB]) {
        expect(client.exitCode, client.log).toBe(0);
        expect(client.stats.successfulCalls).toBe(1);
        expect(client.stats.failedCalls).toBe(0);
      }
    });

    it('the Participating Functions end with nothing open and exit 0 on SIGTERM', () => {
      expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0 });
      expect(run.stopped.exitCode, run.stopped.log).toBe(0);
      expect(run.stopped.open).toMatchObject({
        sessions: 0,
        dialogs: 0,
        transactions: 0,
        errors: 0,
      });
    });

    it('the capture passes flowspec diff against the closing flow, the topology as the map', async () => {
      const args = ['diff', join(REPO_ROOT, CPM_FLOWS[which]), run.capture, '--map', run.topology];
      const text = await runFlowspec(args);
      const json = await runFlowspec([...args, '--format', 'json']);
      writeFileSync(join(run.dir, 'diff.txt'), text.stdout);
      writeFileSync(join(run.dir, 'diff.json'), json.stdout);
      const report = JSON.parse(json.stdout) as ConformanceReport;
      expect(text.exitCode, `${text.stdout}${text.stderr}`).toBe(0);
      expect(report.verdict).toBe('pass');
      expect(report.instances).toHaveLength(1);
      expect(readFileSync(run.capture).length).toBeGreaterThan(1000);
    });
  },
);
