/**
 * Issue 8 item 2, as a test: a few hundred PoC sessions set up and released
 * through two Kamailio SIP/IP Cores to the generated PoC Servers under
 * `flowspec run` (poc-load-run.ts): no call fails, the servers end with no
 * session, dialog or transaction and exit 0 on SIGTERM, and both the
 * servers and Kamailio used CPU (the figures themselves are the benchmark's,
 * `npm run bench -- interop-load`, docs/benchmarks.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveProcesses } from './harness/index.js';
import { runPocLoad, type LoadRun } from './poc-load-run.js';

const CALLS = 300;

describe('PoC sessions under load: SIPp through Kamailio to flowspec run', () => {
  let run: LoadRun;

  beforeAll(async () => {
    run = await runPocLoad('poc-load', { calls: CALLS, rate: 50, holdMs: 200, t1: 100 });
  });

  afterAll(() => {
    expect(liveProcesses()).toEqual([]);
  });

  it('sets up and releases every session: no failed call', () => {
    expect(run.sipp.exitCode, run.sipp.log).toBe(0);
    expect(run.sipp.stats.successfulCalls).toBe(CALLS);
    expect(run.sipp.stats.failedCalls).toBe(0);
  });

  it('leaves no session, dialog or transaction in the servers; SIGTERM exits 0', () => {
    expect(run.idle).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0 });
    // Every call is INVITE, ACK, BYE on both legs of Participating PoC Server A and at Server X.
    expect(run.idle.received).toBeGreaterThanOrEqual(CALLS * 8);
    expect(run.stopped.exitCode, run.stopped.log).toBe(0);
    expect(run.stopped.open).toMatchObject({ sessions: 0, dialogs: 0, transactions: 0, errors: 0 });
  });

  it('measures the CPU of the servers and of each Kamailio from /proc', () => {
    expect(run.serversCpu).toBeGreaterThan(0);
    expect(run.coreACpu).toBeGreaterThan(0);
    expect(run.coreXCpu).toBeGreaterThan(0);
  });
});
