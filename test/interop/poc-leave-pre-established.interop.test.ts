/**
 * Issue 8 item 1, OMA PoC: Figure 17 (leaving a PoC Session joined through a
 * Pre-established Session: REFER method=BYE) with the generated PoC Servers
 * under `flowspec run`, a Kamailio per SIP/IP Core, SIPp as PoC Client A's
 * SIP (its Pre-established Session, the joining REFER, the leaving REFER)
 * and the runtime's MBCP endpoint as its user plane. The capture must pass
 * `flowspec diff` against Figure 17 and against its precondition
 * (poc.establish.pre-established) with the topology as the map; the servers
 * must end with nothing open and exit 0 on SIGTERM. The capture, the
 * topology and the reports are kept in
 * test-output/interop/poc-leave-pre-established/.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import { diffFindings } from './diff-findings.js';
import { liveProcesses, REPO_ROOT, runFlowspec, tsharkSip } from './harness/index.js';
import {
  CLIENT_A_PORTS,
  JOIN_PRE_FLOW,
  LEAVE_PRE_FLOW,
  LEAVE_PRE_HOSTS,
  runPocLeavePre,
  type PocLeavePreRun,
} from './poc-leave-pre-established-run.js';

const execFileP = promisify(execFile);

/** Diffs a capture of the run against a flow with the topology as the map; keeps the reports. */
async function diff(
  run: PocLeavePreRun,
  flow: string,
  label: string,
  capture: string = run.capture,
): Promise<{ exitCode: number; report: ConformanceReport; text: string; findings: string[] }> {
  const args = ['diff', join(REPO_ROOT, flow), capture, '--map', run.topology];
  const text = await runFlowspec(args);
  const json = await runFlowspec([...args, '--format', 'json']);
  writeFileSync(join(run.dir, `diff-${label}.txt`), text.stdout);
  writeFileSync(join(run.dir, `diff-${label}.json`), json.stdout);
  expect(json.exitCode, text.stderr).toBe(text.exitCode);
  const report = JSON.parse(json.stdout) as ConformanceReport;
  const findings = diffFindings(report);
  writeFileSync(join(run.dir, `findings-${label}.txt`), `${findings.join('\n')}\n`);
  return { exitCode: text.exitCode, report, text: `${text.stdout}${text.stderr}`, findings };
}

/** The frame of PoC Client A's leaving REFER (Figure 17 step 2). */
async function leavingReferFrame(run: PocLeavePreRun): Promise<number> {
  const from = `${run.block.host(LEAVE_PRE_HOSTS.clientA)}:${CLIENT_A_PORTS.leave}`;
  const refer = (await tsharkSip(run.capture)).find((m) => m.method === 'REFER' && m.src === from);
  if (!refer) throw new Error(`${run.capture}: no REFER from ${from}`);
  return refer.frame;
}

/** The capture from `frame` on (tshark), kept next to it. */
async function captureFrom(run: PocLeavePreRun, frame: number, name: string): Promise<string> {
  const file = join(run.dir, name);
  await execFileP('tshark', ['-r', run.capture, '-Y', `frame.number >= ${frame}`, '-w', file], {
    timeout: 60_000,
  });
  return file;
}

describe('OMA PoC Figure 17: generated PoC Servers under flowspec run, Kamailio as SIP/IP Cores, SIPp and an MBCP endpoint as PoC Client A', () => {
  let run: PocLeavePreRun;

  beforeAll(async () => {
    run = await runPocLeavePre('poc-leave-pre-established');
  });

  afterAll(() => {
    expect(liveProcesses()).toEqual([]);
  });

  it('PoC Client A sets up its Pre-established Session, joins the PoC Session and leaves it with REFERs', () => {
    for (const sipp of [run.preEstablished, run.join, run.leave]) {
      expect(sipp.exitCode, sipp.log).toBe(0);
      expect(sipp.stats.successfulCalls).toBe(1);
      expect(sipp.stats.failedCalls).toBe(0);
    }
    // RFC 4538 7: Call-ID, then the tags as PoC Client A sees them.
    expect(run.targetDialog).toMatch(/^\S+;remote-tag=\S+;local-tag=\S+pre1$/);
    expect(run.heldThroughLeave).toBe(true);
    expect(run.errors).toEqual([]);
  });

  it('PoC Server A connects PoC Client A in MBCP once it joined (poc.establish.pre-established steps 25-26)', () => {
    const serverA = run.block.host(LEAVE_PRE_HOSTS.serverA);
    const firsts = run.mbcp.filter((m) => m.note === 'first');
    expect(firsts.map((m) => `${m.direction} ${m.kind}`)).toEqual([
      'in Connect',
      'out Acknowledgement',
    ]);
    for (const m of firsts) expect(m.remote.startsWith(`${serverA}:`)).toBe(true);
  });

  it('the servers end with nothing open and exit 0 on SIGTERM', () => {
    expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
    expect(run.stopped.exitCode, run.stopped.log).toBe(0);
    expect(run.stopped.open).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
    expect(run.stopped.log).toContain('stopped: sockets closed');
  });

  it('the REFERs, NOTIFYs and the BYE cross the SIP/IP Cores as Figure 17 draws them (tshark)', async () => {
    const wire = await tsharkSip(run.capture);
    const at = (id: keyof typeof LEAVE_PRE_HOSTS): string =>
      `${run.block.host(LEAVE_PRE_HOSTS[id])}:5060`;
    const clientA = (port: number): string => `${run.block.host(LEAVE_PRE_HOSTS.clientA)}:${port}`;
    const hops = (method: string): string[] =>
      wire.filter((m) => m.method === method).map((m) => `${m.src} -> ${m.dst}`);
    expect(hops('REFER')).toEqual([
      // poc.establish.pre-established steps 8, 9.
      `${clientA(CLIENT_A_PORTS.join)} -> ${at('coreA')}`,
      `${at('coreA')} -> ${at('serverA')}`,
      // Figure 17 steps 2, 3.
      `${clientA(CLIENT_A_PORTS.leave)} -> ${at('coreA')}`,
      `${at('coreA')} -> ${at('serverA')}`,
    ]);
    expect(hops('NOTIFY')).toEqual([
      // poc.establish.pre-established steps 21, 22.
      `${at('serverA')} -> ${at('coreA')}`,
      `${at('coreA')} -> ${clientA(CLIENT_A_PORTS.join)}`,
      // Figure 17 steps 6, 7, then 16, 17.
      `${at('serverA')} -> ${at('coreA')}`,
      `${at('coreA')} -> ${clientA(CLIENT_A_PORTS.leave)}`,
      `${at('serverA')} -> ${at('coreA')}`,
      `${at('coreA')} -> ${clientA(CLIENT_A_PORTS.leave)}`,
    ]);
    expect(hops('BYE')).toEqual([
      // Figure 17 steps 10, 11, 12.
      `${at('serverA')} -> ${at('coreA')}`,
      `${at('coreA')} -> ${at('coreX')}`,
      `${at('coreX')} -> ${at('serverX')}`,
      // PoC Client A ends its Pre-established Session afterwards (not part of Figure 17).
      `${clientA(CLIENT_A_PORTS.preEstablished)} -> ${at('coreA')}`,
      `${at('coreA')} -> ${at('serverA')}`,
    ]);
    const leaving = wire.find(
      (m) => m.method === 'REFER' && m.src === clientA(CLIENT_A_PORTS.leave),
    );
    expect(leaving?.requestUri).toBe(run.sessionIdentity);
  });

  it('the capture from the leaving REFER on passes flowspec diff against poc.leave.pre-established (Figure 17)', async () => {
    // The topology `flowspec run` started from is the map.
    const cut = await captureFrom(run, await leavingReferFrame(run), 'capture-leave.pcapng');
    const d = await diff(run, LEAVE_PRE_FLOW, 'leave', cut);
    expect(d.exitCode, d.text).toBe(0);
    expect(d.report.verdict).toBe('pass');
    expect(d.report.instances).toHaveLength(1);
  });

  it('the whole capture passes too: the joining REFER starts no instance of Figure 17 (finding L1, fixed)', async () => {
    const d = await diff(run, LEAVE_PRE_FLOW, 'leave-whole');
    const frame = await leavingReferFrame(run);
    expect(d.exitCode, d.text).toBe(0);
    expect(d.report.instances.map((i) => i.steps.find((s) => s.id === '2')?.frame)).toEqual([
      frame,
    ]);
    // The joining REFER (poc.establish.pre-established step 8) asks for no method=BYE: listed
    // with the step it resembles, counted as unrelated.
    const notStarted = d.report.notStarted;
    expect(notStarted.map((n) => [n.step, n.diffs.map((x) => x.field).sort()])).toEqual([
      ['2', ['headers.Privacy', 'headers.Refer-To']],
    ]);
    expect(notStarted[0]?.frame).toBeLessThan(frame);
  });

  it('the capture against poc.establish.pre-established (its precondition): passes, MBCP Connect after the final NOTIFY and its 200 (finding L2, fixed)', async () => {
    const d = await diff(run, JOIN_PRE_FLOW, 'establish');
    expect(d.report.instances).toHaveLength(1);
    expect(d.findings).toEqual([]);
    expect(d.exitCode, d.text).toBe(0);
  });

  it('keeps the capture, the topology and the reports as artifacts', () => {
    expect(readFileSync(run.capture).length).toBeGreaterThan(1000);
    expect(readFileSync(run.topology, 'utf8')).toContain('policy.release: continue');
    expect(readFileSync(join(run.dir, 'poc-servers.log'), 'utf8')).toContain('REFER');
  });
});
