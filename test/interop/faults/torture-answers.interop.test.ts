/**
 * RFC 4475 3.1.2 says of every invalid request that an element receiving it
 * answers, 400 Bad Request (3.1.2.16 badvers: 505 Version Not Supported;
 * 3.1.2.18 mismatch02: 501 Not Implemented, or 400), as long as a Via, From,
 * To, Call-ID and CSeq are there to build the answer from (RFC 3261
 * 8.2.6.2): scalar02 (CSeq number above 2**32-1), lwsruri, lwsstart, trws
 * (white space in the request line), badvers (SIP/7.0), mismatch01,
 * mismatch02 (CSeq method other than the request's) included
 * (runtime/sip/transport/malformed-reply.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateAddressBlock } from '../harness/index.js';
import { RoleProcess } from '../harness/role-process.js';
import { aorOf } from './distributed-scenario.js';
import type { StartedRole } from '../harness/role-protocol.js';
import { rfcStatuses, TortureSender, tortureMessages, tortureRole } from './torture-run.js';

const INVALID_REQUESTS = tortureMessages().filter((m) => m.kind === 'invalid' && m.request);

describe('RFC 4475 3.1.2: every invalid request is answered', () => {
  let process: RoleProcess;
  let sender: TortureSender;
  const roles = new Map<string, StartedRole>();

  beforeAll(async () => {
    const block = allocateAddressBlock();
    process = await RoleProcess.start({ name: 'torture-answers' });
    for (const [i, role] of ['sip-core', 'ue'].entries()) {
      roles.set(
        role,
        await process.startRole({
          id: role,
          role,
          address: block.host(i + 1),
          timers: { t1: 20, t2: 80, t4: 100 },
          aor: aorOf(role),
          user: role.replace(/\W/g, ''),
          servedUsers: [],
          facts: {},
        }),
      );
    }
    sender = await TortureSender.bind(block.host(200));
  });

  afterAll(async () => {
    await sender?.close();
    await process?.stop();
  });

  for (const role of ['sip-core', 'ue']) {
    it(`${role} answers each of the ${INVALID_REQUESTS.length} with the status RFC 4475 gives`, async () => {
      const target = roles.get(role)?.target;
      if (!target) throw new TypeError(`${role} did not start`);
      const outcomes = await tortureRole({
        process,
        sender,
        role,
        instance: role,
        target,
        messages: INVALID_REQUESTS,
        gapMs: 60,
        drainMs: 300,
      });
      const wrong = outcomes
        .filter(
          (o) =>
            o.answered.length !== 1 ||
            !rfcStatuses(o.message).includes(Number(o.answered[0]?.slice(0, 3))),
        )
        .map((o) => `${o.section} ${o.message}: ${o.answered.join(', ') || 'no answer'}`);
      expect(wrong).toEqual([]);
    });
  }
});
