/**
 * RFC 4475 3.1.2 says of every invalid request that an element receiving it
 * answers, 400 Bad Request (3.1.2.16 badvers: 505 Version Not Supported;
 * 3.1.2.18 mismatch02: 501 Not Implemented, or 400), as long as a Via, From,
 * To, Call-ID and CSeq are there to build the answer from (RFC 3261
 * 8.2.6.2): scalar02 (CSeq number above 2**32-1), lwsruri, lwsstart, trws
 * (white space in the request line), badvers (SIP/7.0), mismatch01,
 * mismatch02 (CSeq method other than the request's) included
 * (runtime/sip/transport/malformed-reply.ts). Over TCP the same requests,
 * each on a connection of its own, get the same answers on their connection
 * (RFC 3261 18.2.2), which stays open, except that 3.1.2.2 clerr (a
 * Content-Length past the bytes sent) is waited on, unanswered (RFC 3261
 * 18.3), and 3.1.2.3 ncl (a negative Content-Length: the framing is lost)
 * is answered 400 and its connection closed. A valid request followed, in
 * the same write, by bytes that begin no message is answered before the
 * connection is closed, and the role serves the next connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateAddressBlock } from '../harness/index.js';
import { RoleProcess } from '../harness/role-process.js';
import { aorOf } from './distributed-scenario.js';
import type { StartedRole } from '../harness/role-protocol.js';
import {
  optionsOverTcp,
  rfcStatuses,
  STREAM_BREAKS,
  STREAM_WAITS,
  TcpTortureSender,
  TortureSender,
  tortureMessages,
  tortureRole,
} from './torture-run.js';

const INVALID_REQUESTS = tortureMessages().filter((m) => m.kind === 'invalid' && m.request);

describe('RFC 4475 3.1.2: every invalid request is answered', () => {
  let process: RoleProcess;
  let sender: TortureSender;
  let tcpSender: TcpTortureSender;
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
          transports: ['udp', 'tcp'],
        }),
      );
    }
    sender = await TortureSender.bind(block.host(200));
    tcpSender = new TcpTortureSender(block.host(201));
  });

  afterAll(async () => {
    await sender?.close();
    await tcpSender?.close();
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

    it(`${role} answers them over TCP on their connections, closing only the broken stream (RFC 3261 18.3)`, async () => {
      const target = roles.get(role)?.target;
      if (!target) throw new TypeError(`${role} did not start`);
      const outcomes = await tortureRole({
        process,
        sender: tcpSender,
        role,
        instance: role,
        target,
        messages: INVALID_REQUESTS,
        gapMs: 60,
        drainMs: 800,
      });
      const got = outcomes.map(
        (o) => `${o.message}: ${o.answered.join(', ') || 'no answer'}${o.closed ? ', closed' : ''}`,
      );
      const expected = outcomes.map((o) => {
        if (STREAM_WAITS.includes(o.message)) return `${o.message}: no answer`;
        const answer = o.answered.length === 1 ? o.answered[0] : undefined;
        const status = rfcStatuses(o.message).includes(Number(answer?.slice(0, 3)))
          ? answer
          : `one of ${rfcStatuses(o.message).join('/')}`;
        return `${o.message}: ${status ?? ''}${STREAM_BREAKS.includes(o.message) ? ', closed' : ''}`;
      });
      expect(got).toEqual(expected);
      expect(process.exit, process.log).toBeUndefined();
      await tcpSender.close();
    });
  }

  for (const role of ['sip-core', 'ue']) {
    it(`${role} answers a request before bytes that break the stream, closes the connection, and serves the next one`, async () => {
      const target = roles.get(role)?.target;
      if (!target) throw new TypeError(`${role} did not start`);
      const broken = await optionsOverTcp(
        tcpSender.address,
        target,
        Buffer.from('\x16\x03\x01 not SIP\r\n\r\n', 'latin1'),
      );
      expect(broken.line, role).toMatch(/^SIP\/2\.0 [2-6]\d\d /);
      expect(broken.closed, role).toBe(true);
      const next = await optionsOverTcp(tcpSender.address, target);
      expect(next.line, role).toMatch(/^SIP\/2\.0 [2-6]\d\d /);
      expect(next.closed, role).toBe(false);
      expect(process.exit, process.log).toBeUndefined();
    });
  }
});
