/**
 * Issue 8 item 1, S-CSCF: the generated S-CSCF (generated/roles/s-cscf.ts)
 * between the SIPp UEs Kamailio was checked with (scscf-release.interop
 * .test.ts): the session set up through it, then its network-initiated
 * release (TS 24.229 5.4.5.1.2) run from its entry point under
 * `flowspec run --commands` (`call scscf scscfReleaseCalling`), captured on `lo`
 * and diffed against flows/ims/scscf-release-calling and -called. Where
 * Kamailio's `dlg.end_dlg` shows its known difference (no Reason), the
 * generated S-CSCF must pass with none; docs/interop.md has both side by
 * side. Two runs: the S-CSCF serving the calling user (items 1 and 2) and
 * the one serving the called user (items 3 and 4). The reports are kept in
 * test-output/interop/scscf-generated-*.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffCapture, type CaptureDiff } from './capture-diff-run.js';
import { liveProcesses, tsharkSip } from './harness/index.js';
import { CALLED_GRUU, CALLING_GRUU } from './scscf-release-run.js';
import {
  runGeneratedScscfRelease,
  SCSCF_HOSTS,
  type GeneratedReleaseRun,
  type ReleaseSide,
} from './scscf-generated-run.js';

const FLOWS = {
  calling: 'flows/ims/scscf-release-calling.flow.yaml',
  called: 'flows/ims/scscf-release-called.flow.yaml',
} as const;
const ESTABLISH_FLOW = 'flows/ims/establish-session.flow.yaml';

/** The Reason of the generated S-CSCF's BYEs (its default, `SCscfConfig.reason`; RFC 3326). */
const REASON = 'SIP;cause=503;text="Service Unavailable"';

/** Diffs the run's capture against a flow; the reports are kept next to the capture. */
async function diff(run: GeneratedReleaseRun, flow: string, label: string): Promise<CaptureDiff> {
  const d = await diffCapture({
    dir: run.dir,
    capture: run.capture,
    flow,
    map: run.map,
    label,
    prefix: run.block.prefix,
  });
  expect(d.jsonExitCode, d.text).toBe(d.exitCode);
  return d;
}

const VARIANTS: readonly {
  readonly variant: string;
  readonly side: ReleaseSide;
  readonly name: string;
  readonly pcscf: boolean;
}[] = [
  {
    variant: 'serving the calling user',
    side: 'calling',
    name: 'scscf-generated-calling',
    pcscf: false,
  },
  {
    variant: 'serving the called user',
    side: 'called',
    name: 'scscf-generated-called',
    pcscf: false,
  },
  {
    variant: 'serving the calling user, behind a P-CSCF on the calling side',
    side: 'calling',
    name: 'scscf-generated-pcscf',
    pcscf: true,
  },
];

describe.each(VARIANTS)(
  'generated S-CSCF between SIPp UEs, released from its entry point ($variant)',
  ({ side, name, pcscf }) => {
    let run: GeneratedReleaseRun;

    beforeAll(async () => {
      run = await runGeneratedScscfRelease(name, side, { pcscf });
    });

    afterAll(() => {
      expect(liveProcesses()).toEqual([]);
    });

    it('establishes the session and releases it: both BYEs answered 200, both UEs complete their call', () => {
      // The stored dialog (TS 24.229 5.4.5.1.2), and the relay's response context while the
      // INVITE server transaction lasts (RFC 6026 Accepted state).
      expect(run.established.scscf?.sessions).toBeGreaterThan(0);
      expect(run.release.statuses).toEqual([200, 200]);
      for (const ue of [run.callingUe, run.calledUe]) {
        expect(ue.exitCode, ue.log).toBe(0);
        expect(ue.stats.successfulCalls).toBe(1);
        expect(ue.stats.failedCalls).toBe(0);
      }
      expect(run.failures).toEqual([]);
      // Steps 1.sc / 4.sc (internal service control) and release (the dialog state released).
      expect(run.actions).toEqual(['service-control', 'release-dialog-state']);
    });

    it('stops on SIGTERM with exit 0, holding nothing', () => {
      expect(run.stopped.exitCode, run.stopped.log).toBe(0);
      expect(run.stopped.open).toMatchObject({
        sessions: 0,
        dialogs: 0,
        transactions: 0,
        errors: 0,
      });
    });

    it('forgets the dialog and ends every transaction (5.4.5.1.2, last paragraph)', () => {
      expect(run.idle.scscf).toMatchObject({ dialogs: 0, transactions: 0, sessions: 0 });
    });

    it('sends the BYEs tshark decodes: stored Contact, tags, CSeq, stored route set, a Reason', async () => {
      const wire = await tsharkSip(run.capture);
      const at = (id: keyof typeof SCSCF_HOSTS): string =>
        `${run.block.host(SCSCF_HOSTS[id])}:5060`;
      // Behind the P-CSCF the S-CSCF's interface sees the P-CSCF where the Calling UE would be.
      const calling = pcscf ? at('pcscf') : at('callingUe');
      const invite = wire.find((m) => m.method === 'INVITE' && m.src === calling);
      const ok = wire.find(
        (m) => m.status === '200' && m.cseq === '1 INVITE' && m.src === at('calledUe'),
      );
      const bye = (to: string) =>
        wire.find((m) => m.method === 'BYE' && m.src === run.scscf && m.dst === to);
      expect(invite?.cseq).toBe('1 INVITE');
      expect(bye(at('calledUe'))).toMatchObject({
        requestUri: `sip:user2_public1@${at('calledUe')}${CALLED_GRUU}`,
        cseq: '2 BYE',
        fromTag: invite?.fromTag,
        toTag: ok?.toTag,
        route: '',
        reason: REASON,
      });
      const toCalling = bye(calling);
      expect(toCalling).toMatchObject({
        requestUri: `sip:user1_public1@${at('callingUe')}${CALLING_GRUU}`,
        fromTag: ok?.toTag,
        toTag: invite?.fromTag,
        // The route set stored towards the calling user: the P-CSCF's Record-Route, when there is one.
        route: pcscf ? `<sip:${run.block.host(SCSCF_HOSTS.pcscf)};lr>` : '',
        reason: REASON,
      });
      // Nothing was stored for the called-to-calling direction: a random CSeq in range (RFC 3261 8.1.1.5).
      const [number, method] = (toCalling?.cseq ?? '').split(' ');
      expect(method).toBe('BYE');
      expect(Number(number)).toBeGreaterThanOrEqual(1);
      expect(Number(number)).toBeLessThanOrEqual(2147483647);
      expect(wire.filter((m) => m.method === 'BYE')).toHaveLength(2);
    });

    it.each(['calling', 'called'] as const)(
      'passes flowspec diff against ims.scscf.release.%s with no difference',
      async (flow) => {
        const d = await diff(run, FLOWS[flow], flow);
        expect(d.findings).toEqual([]);
        expect(d.exitCode, d.text).toBe(0);
        expect(d.report.verdict).toBe('pass');
        expect(d.report.instances).toHaveLength(1);
        expect(d.report.unrelated).toBe(0);
      },
    );

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
      expect(readFileSync(join(run.dir, `diff-${side}.txt`), 'utf8')).toContain('instance 1');
    });
  },
);
