/**
 * Issue 8 item 1, S-CSCF: Kamailio's dialog module ending a dialog with
 * `kamcmd dlg.end_dlg` is an independent implementation of the
 * network-initiated release of TS 24.229 5.4.5.1.2. Its capture is diffed
 * against flows/ims/scscf-release-calling and -called (and the session it
 * releases against flows/ims/establish-session). The test pins exactly the
 * differences the diff reports today, so that a change in Kamailio's
 * behaviour or in the conformance engine shows up here; docs/interop.md
 * explains each of them. Three variants: Kamailio's default, a Reason passed
 * to dlg.end_dlg, and a P-CSCF (a second Kamailio) in front of the Calling
 * UE so that the stored route set towards it is not empty. The reports are
 * kept in test-output/interop/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import { diffFindings } from './diff-findings.js';
import { liveProcesses, REPO_ROOT, runFlowspec, tsharkSip } from './harness/index.js';
import {
  CALLED_GRUU,
  CALLING_GRUU,
  runScscfRelease,
  type ReleaseRun,
} from './scscf-release-run.js';

const CALLING_FLOW = 'flows/ims/scscf-release-calling.flow.yaml';
const CALLED_FLOW = 'flows/ims/scscf-release-called.flow.yaml';
const ESTABLISH_FLOW = 'flows/ims/establish-session.flow.yaml';

/** The Reason dlg.end_dlg adds when asked to (its optional extra_hdrs argument). */
const REASON = 'Reason: SIP ;cause=503 ;text="Service Unavailable"\r\n';

const REASON_PATTERN = '/^SIP *; *cause=[1-6][0-9][0-9]( *;.*)?$/';

/**
 * What the diff reports for Kamailio's BYE towards the called UE (step 1 or
 * 3) and the calling UE (2 or 4): no Reason unless asked for. Kamailio's
 * stored route sets are empty (no Route, which is right) or hold the P-CSCF;
 * the route set towards each party as the S-CSCF stored it is not visible in
 * a capture, so the diff does not judge Route (docs/interop.md).
 */
function releaseFindings(toCalled: string, toCalling: string, variant: Variant): string[] {
  const reason = (step: string): string[] =>
    variant.extraHeaders
      ? []
      : [`${step} mismatch headers.Reason: expected ${REASON_PATTERN}; got (absent)`];
  return [...reason(toCalled), ...reason(toCalling)];
}

/** Findings in a stable order: the two BYEs and their 200s interleave differently from run to run. */
function sorted(lines: readonly string[]): string[] {
  return [...lines].sort();
}

interface DiffRun {
  readonly exitCode: number;
  readonly report: ConformanceReport;
  readonly findings: string[];
  readonly text: string;
}

/** Diffs the run's capture against a flow; keeps the text and JSON reports next to the capture. */
async function diff(run: ReleaseRun, flow: string, label: string): Promise<DiffRun> {
  const base = [join(REPO_ROOT, flow), run.capture, '--map', run.map];
  const text = await runFlowspec(['diff', ...base]);
  const json = await runFlowspec(['diff', ...base, '--format', 'json']);
  // Run-specific text out, so that the reports compare across runs and quote well in docs/interop.md.
  const anonymous = (t: string): string =>
    t.replaceAll(`${REPO_ROOT}/`, '').replaceAll(`${run.block.prefix}.`, '127.A.B.');
  writeFileSync(join(run.dir, `diff-${label}.txt`), anonymous(text.stdout));
  writeFileSync(join(run.dir, `diff-${label}.json`), json.stdout);
  const report = JSON.parse(json.stdout) as ConformanceReport;
  const findings = diffFindings(report, anonymous);
  writeFileSync(join(run.dir, `findings-${label}.txt`), `${findings.join('\n')}\n`);
  expect(json.exitCode, text.stderr).toBe(text.exitCode);
  return { exitCode: text.exitCode, report, findings, text: text.stdout };
}

interface Variant {
  readonly variant: string;
  readonly name: string;
  readonly extraHeaders?: string;
  readonly pcscf: boolean;
}

const VARIANTS: readonly Variant[] = [
  { variant: 'default', name: 'scscf-release-default', pcscf: false },
  {
    variant: 'with a Reason from extra_hdrs',
    name: 'scscf-release-reason',
    extraHeaders: REASON,
    pcscf: false,
  },
  { variant: 'behind a P-CSCF on the calling side', name: 'scscf-release-pcscf', pcscf: true },
];

describe.each(VARIANTS)(
  'Kamailio dlg.end_dlg against the S-CSCF release flows ($variant)',
  (variant) => {
    const { name, extraHeaders, pcscf } = variant;
    let run: ReleaseRun;
    const withReason = extraHeaders !== undefined;

    beforeAll(async () => {
      run = await runScscfRelease(name, { extraHeaders, pcscf });
    });

    afterAll(() => {
      expect(liveProcesses()).toEqual([]);
    });

    it('establishes the session and releases it from the network: both UEs answer their BYE', () => {
      expect(run.dialogList).toContain(CALLED_GRUU);
      expect(run.dialogList).toContain(CALLING_GRUU);
      for (const ue of [run.callingUe, run.calledUe]) {
        expect(ue.exitCode, ue.log).toBe(0);
        expect(ue.stats.successfulCalls).toBe(1);
        expect(ue.stats.failedCalls).toBe(0);
      }
    });

    it('sends the BYEs tshark decodes: stored Contact, tags, CSeq, stored route set, Reason only when asked for', async () => {
      const wire = await tsharkSip(run.capture);
      const [scscf, callingUe, called, pcscfHost] = [1, 2, 3, 4].map((n) => run.block.host(n));
      // Behind the P-CSCF the S-CSCF's interface sees the P-CSCF where the Calling UE would be.
      const calling = `${pcscf ? pcscfHost : callingUe}:5060`;
      const invite = wire.find((m) => m.method === 'INVITE' && m.src === calling);
      const ok = wire.find(
        (m) => m.status === '200' && m.cseq === '1 INVITE' && m.src === `${called}:5060`,
      );
      const bye = (to: string | undefined) =>
        wire.find((m) => m.method === 'BYE' && m.src === `${scscf}:5060` && m.dst === to);
      expect(invite?.cseq).toBe('1 INVITE');
      const reason = withReason ? 'SIP ;cause=503 ;text="Service Unavailable"' : '';
      // Towards the called user: stored Contact (the GRUU as such), tags of the dialog, INVITE CSeq + 1.
      expect(bye(`${called}:5060`)).toMatchObject({
        requestUri: `sip:user2_public1@${called}:5060${CALLED_GRUU}`,
        cseq: '2 BYE',
        fromTag: invite?.fromTag,
        toTag: ok?.toTag,
        route: '',
        reason,
      });
      // Towards the calling user: nothing was stored for that direction; Kamailio counts from 0, not at random.
      expect(bye(calling)).toMatchObject({
        requestUri: `sip:user1_public1@${callingUe}:5060${CALLING_GRUU}`,
        cseq: '1 BYE',
        fromTag: ok?.toTag,
        toTag: invite?.fromTag,
        // The route set stored towards the calling user: the P-CSCF's Record-Route, when there is one.
        route: pcscf ? `<sip:${pcscfHost};lr>` : '',
        reason,
      });
      expect(wire.filter((m) => m.method === 'BYE')).toHaveLength(2);
    });

    it('diffs against ims.scscf.release.calling with exactly the known differences', async () => {
      const d = await diff(run, CALLING_FLOW, 'calling');
      // With a Reason passed to dlg.end_dlg, Kamailio's release conforms: the diff passes.
      expect(d.exitCode, d.text).toBe(variant.extraHeaders ? 0 : 1);
      expect(d.report.instances).toHaveLength(1);
      expect(d.report.unrelated).toBe(0);
      expect(sorted(d.findings)).toEqual(sorted(releaseFindings('1', '2', variant)));
    });

    it('diffs against ims.scscf.release.called with exactly the known differences', async () => {
      const d = await diff(run, CALLED_FLOW, 'called');
      expect(d.exitCode, d.text).toBe(variant.extraHeaders ? 0 : 1);
      expect(d.report.instances).toHaveLength(1);
      expect(sorted(d.findings)).toEqual(sorted(releaseFindings('3', '4', variant)));
    });

    it('diffs the session it releases against ims.establish.session: the set-up conforms, the release is another flow', async () => {
      const d = await diff(run, ESTABLISH_FLOW, 'establish');
      // The BYE is a new request no step takes: it ends the complete instance and, with its
      // 200s, counts as unrelated (docs/diff.md, "Instances and dialogs").
      expect(d.exitCode, d.text).toBe(0);
      expect(d.findings).toEqual([]);
      expect(d.report.instances).toHaveLength(1);
      expect(d.report.unrelated, d.text).toBe(4);
    });

    it('keeps the capture and the reports as artifacts', () => {
      expect(readFileSync(run.capture).length).toBeGreaterThan(1000);
      expect(readFileSync(join(run.dir, 'diff-calling.txt'), 'utf8')).toContain('instance 1');
    });
  },
);
