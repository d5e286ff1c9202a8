/**
 * OMA PoC Figure 18, run by Figure 16's release-all policy. PoC Client B dies
 * (SIGKILL) as the BYE of PoC Server B (step 8) reaches it; the BYE is
 * answered 481 by the restarted client (RFC 3261 12.2.2) or not at all
 * (Timer F, 17.1.2.2; SIP/IP Core B answers 408, 16.8). The surviving roles
 * record the failed reaction (`failures`: FlowStepError for the 481, a
 * transaction timeout otherwise), end the dialog as 15.1.1 says, and keep
 * serving: their process lives on and holds nothing afterwards.
 */
import { describeKillCases, type KillCase } from './killed-role-run.js';
import { FIGURE_16 } from './scenarios.js';

const CASES: readonly KillCase[] = [
  {
    name: 'killed-poc-client-b-481',
    scenario: FIGURE_16,
    victim: 'clientB[0]',
    killOn: { direction: 'in', method: 'BYE' },
    restart: 'at-once',
    timers: { t1: 250, t2: 4000, t4: 5000 },
  },
  {
    name: 'killed-poc-client-b-timeout',
    scenario: FIGURE_16,
    victim: 'clientB[0]',
    killOn: { direction: 'in', method: 'BYE' },
    restart: 'after-timeouts',
    timers: { t1: 100, t2: 400, t4: 500 },
  },
];

describeKillCases(CASES);
