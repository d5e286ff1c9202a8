/**
 * The generated S-CSCF (generated/roles/s-cscf.ts) stores what a release
 * needs for every initial INVITE it sees (TS 24.229 5.4.5.1.2) and drops it
 * once there is no dialog to release: an INVITE answered 300-699, by the
 * next hop or by the S-CSCF itself (here RFC 4475 3.1.1.3 esc01, valid,
 * relayed towards example.net, which the runtime does not resolve: 502;
 * RFC 3261 12.1), or a BYE answered 2xx (15.1.2). `snapshot().sessions`
 * returns to 0, and a later release without a Call-ID finds the only
 * established session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateAddressBlock } from '../harness/index.js';
import { RoleProcess } from '../harness/role-process.js';
import { runCall, settle, startScenarioRoles, type PlacedRole } from './distributed-scenario.js';
import { IMS_RELEASE } from './scenarios.js';
import { TortureSender, tortureMessages } from './torture-run.js';

/** RFC 3261 17.1.1.2: Timer D is at least 32 s whatever T1 is. */
const TIMER_D_MS = 32_000;

describe('generated S-CSCF: an INVITE that fails leaves nothing behind', () => {
  let process: RoleProcess;
  let sender: TortureSender;
  let roles: Map<string, PlacedRole>;

  beforeAll(async () => {
    const block = allocateAddressBlock();
    process = await RoleProcess.start({ name: 'scscf-failed-invite' });
    let host = 1;
    roles = await startScenarioRoles(
      IMS_RELEASE,
      () => ({ process, address: block.host(host++) }),
      { t1: 20, t2: 80, t4: 100 },
    );
    sender = await TortureSender.bind(block.host(200));
  });

  afterAll(async () => {
    await sender?.close();
    await process?.stop();
  });

  it('is idle after a relayed INVITE was answered 502, and then releases the session set up next', async () => {
    const scscf = roles.get('scscf');
    const esc01 = tortureMessages().find((m) => m.name === 'esc01');
    if (!scscf || !esc01) throw new TypeError('set-up failed');
    await sender.send(esc01.bytes, scscf.target);
    expect(await settle(roles, TIMER_D_MS + 8_000)).toEqual([]);
    for (const c of [...IMS_RELEASE.establish, ...IMS_RELEASE.trigger]) {
      const outcome = await runCall(roles, c);
      expect(outcome.statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    }
    expect(await settle(roles, 10_000)).toEqual([]);
  });
});
