/**
 * Issue 8 item 3, faults: a generated role killed in the middle of a release
 * (SIGKILL, in a role process of its own) and restarted on the same address
 * and port; the roles that survive it run in another process. RFC 3261 says
 * what the survivors do: a request that gets no answer ends with its
 * transaction's Timer F (17.1.2.2), which a proxy answers upstream as 408
 * (16.8) and a user agent takes as 408 (8.1.3.1); a request that reaches the
 * restarted role, which knows no dialog, is answered 481 (12.2.2); after a
 * BYE answered 408 or 481, or not at all, the dialog is over (15.1.1). The
 * test asserts that every survivor holds no dialog, transaction or session
 * once its timers have run, that no survivor process died, and that the
 * restarted role serves the flow again.
 *
 * Where the victim's death leaves a B2BUA's BYE unanswered (Figure 18's PoC
 * Client B), the generated role crashes: faults/killed-role-b2bua.pending.ts.
 */
import { describeKillCases, type KillCase } from './killed-role-run.js';
import { CPM_OFF_MEDIA_PATH, FIGURE_16 } from './scenarios.js';

const CASES: readonly KillCase[] = [
  {
    // OMA CPM Figure 9: PoC Client B dies as the BYE reaches it; nobody answers; every client
    // transaction on the path ends with Timer F (64*T1 = 6.4 s).
    name: 'killed-cpm-client-b-timeout',
    scenario: CPM_OFF_MEDIA_PATH,
    victim: 'clientB',
    killOn: { direction: 'in', method: 'BYE' },
    restart: 'after-timeouts',
    timers: { t1: 100, t2: 400, t4: 500 },
  },
  {
    // The same, restarted at once: a BYE retransmission (T1 250 ms, Timer F 16 s) reaches the new
    // process, which answers 481.
    name: 'killed-cpm-client-b-481',
    scenario: CPM_OFF_MEDIA_PATH,
    victim: 'clientB',
    killOn: { direction: 'in', method: 'BYE' },
    restart: 'at-once',
    timers: { t1: 250, t2: 4000, t4: 5000 },
  },
  {
    // OMA PoC Figure 16: PoC Client A dies right after its BYE (step 2) has left; PoC Server A's
    // 200 (step 4) reaches nobody, the release goes on.
    name: 'killed-poc-client-a',
    scenario: FIGURE_16,
    victim: 'clientA',
    killOn: { direction: 'out', method: 'BYE' },
    restart: 'after-timeouts',
    timers: { t1: 100, t2: 400, t4: 500 },
  },
  {
    // Figure 18 (run by Figure 16's release-all policy): PoC Server B dies right after its BYE
    // towards PoC Client B (step 8) has left; PoC Client B's 200 reaches nobody.
    name: 'killed-poc-server-b',
    scenario: FIGURE_16,
    victim: 'serverB[0]',
    killOn: { direction: 'out', method: 'BYE' },
    restart: 'after-timeouts',
    timers: { t1: 100, t2: 400, t4: 500 },
  },
];

describeKillCases(CASES);
