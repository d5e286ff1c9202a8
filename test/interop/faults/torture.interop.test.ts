/**
 * Issue 8 item 3, faults: the RFC 4475 torture messages (section 3.1.1, valid
 * but tortuous; section 3.1.2, invalid) sent from a raw UDP socket to every
 * generated role that listens, each running in a role process
 * (harness/role-runner.ts) on its own loopback address. Every invalid
 * message is rejected by the transport: answered once with the status RFC
 * 4475 gives it (400; 505 for the version, 3.1.2.16) or not at all, never
 * forwarded, never turned into a transaction or dialog (the requests the
 * runtime leaves unanswered although RFC 4475 asks for an answer are
 * faults/torture-answers.pending.ts); no role process dies; every role is
 * idle again once its timers have run; and afterwards the same role
 * instances still run a flow they take part in (Figure 16, CPM Figures 9 and
 * 10, the S-CSCF release, the IWF release) to its end. The roles listen on
 * TCP too, on the same port (RFC 3261 18), and get the same messages over
 * TCP, each on a connection of its own: an invalid request is answered on
 * its connection exactly as over UDP, and the connection stays open, except
 * where the framing breaks (3.1.2.3 ncl: 400, then the role closes it; the
 * octets after 3.1.1.8 dblreq's INVITE: closed unanswered, after the
 * REGISTER and INVITE before them were served) or waits (3.1.2.2 clerr: a
 * Content-Length past the bytes sent, RFC 3261 18.3); and the role still
 * answers a well-formed request on a new TCP connection afterwards.
 *
 * Results: test-output/interop/torture/results.json (docs/interop.md, Faults).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateAddressBlock, artifactDir } from '../harness/index.js';
import { RoleProcess } from '../harness/role-process.js';
import {
  runCall,
  settle,
  startRequestOf,
  type PlacedRole,
  type ScenarioShape,
} from './distributed-scenario.js';
import {
  CPM_OFF_MEDIA_PATH,
  CPM_ON_MEDIA_PATH,
  FIGURE_16,
  IMS_RELEASE,
  IWF_RELEASE,
} from './scenarios.js';
import {
  DATAGRAM_ONLY,
  optionsOverTcp,
  rfcStatuses,
  STREAM_BREAKS,
  STREAM_WAITS,
  TcpTortureSender,
  TortureSender,
  tortureMessages,
  tortureRole,
  type TortureOutcome,
} from './torture-run.js';

/** The scenario harness's timers (T1 20 ms: Timer H and J after 1.28 s). */
const TIMERS = { t1: 20, t2: 80, t4: 100, timerD: 64 * 20 } as const;

/** A scenario whose roles are tortured, and which of them (one instance per role and mode). */
interface TortureSet {
  readonly name: string;
  readonly scenario: ScenarioShape;
  readonly targets: readonly string[];
}

const SETS: readonly TortureSet[] = [
  {
    name: 'poc-figure-16',
    scenario: FIGURE_16,
    targets: ['coreA', 'serverA', 'serverX', 'clientA'],
  },
  { name: 'cpm-figure-10', scenario: CPM_ON_MEDIA_PATH, targets: ['pfA', 'pfB', 'clientA'] },
  { name: 'cpm-figure-9', scenario: CPM_OFF_MEDIA_PATH, targets: ['pfA', 'pfB'] },
  { name: 'ims-release', scenario: IMS_RELEASE, targets: ['scscf', 'calledUe'] },
  { name: 'iwf-release', scenario: IWF_RELEASE, targets: ['iwf'] },
];

const MESSAGES = tortureMessages();
const results: TortureOutcome[] = [];
const dir = artifactDir('torture');

/** The roles of one set, running. */
interface RunningSet {
  readonly process: RoleProcess;
  readonly roles: Map<string, PlacedRole>;
}

const running = new Map<string, RunningSet>();
let sender: TortureSender;
let tcpSender: TcpTortureSender;

beforeAll(async () => {
  const block = allocateAddressBlock();
  sender = await TortureSender.bind(block.host(200));
  tcpSender = new TcpTortureSender(block.host(201));
  let host = 1;
  for (const set of SETS) {
    const process = await RoleProcess.start({ name: set.name });
    running.set(set.name, { process, roles: new Map() });
    // The scenario's wiring, every role listening on UDP and TCP on one port (RFC 3261 18).
    const roles = new Map<string, PlacedRole>();
    for (const r of set.scenario.roles) {
      const place = { process, address: block.host(host++) };
      const started = await process.startRole({
        ...startRequestOf(set.scenario, r, roles, place, TIMERS),
        transports: ['udp', 'tcp'],
      });
      roles.set(r.id, { ...started, spec: r, process });
    }
    running.set(set.name, { process, roles });
  }
});

afterAll(async () => {
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await sender?.close();
  await tcpSender?.close();
  for (const r of running.values()) await r.process.stop();
});

function setOf(name: string): RunningSet {
  const found = running.get(name);
  if (!found) throw new TypeError(`set ${name} did not start`);
  return found;
}

describe.each(SETS)('RFC 4475 torture messages against the roles of $name', (set) => {
  for (const id of set.targets) {
    it(`${id}: rejects every invalid message (400/505 or silent), accepts none, survives all 32`, async () => {
      const { process, roles } = setOf(set.name);
      const role = roles.get(id);
      if (!role) throw new TypeError(`no role ${id}`);
      const outcomes = await tortureRole({
        process,
        sender,
        role: role.spec.mode ? `${role.spec.role} (${role.spec.mode})` : role.spec.role,
        instance: id,
        target: role.target,
        messages: MESSAGES,
        gapMs: 60,
        drainMs: 300,
      });
      results.push(...outcomes);
      expect(process.exit, process.log).toBeUndefined();
      expect(outcomes).toHaveLength(MESSAGES.length);
      for (const o of outcomes) {
        const m = MESSAGES.find((x) => x.name === o.message);
        const at = `${id} ${o.section} ${o.message}: ${JSON.stringify(o)}`;
        expect(o.alive, at).toBe(true);
        if (o.kind === 'invalid') {
          // RFC 4475 3.1.2: rejected by the parser, never processed further: no request forwarded,
          // no dialog, at most the one transport-level answer (RFC 3261 16.3, 8.2).
          expect(o.parse, at).toMatch(/^rejected: /);
          expect(o.sent.length, at).toBeLessThanOrEqual(1);
          expect(o.answered.length, at).toBeLessThanOrEqual(1);
          for (const a of o.answered)
            expect(rfcStatuses(o.message), at).toContain(Number(a.slice(0, 3)));
          // A response (RFC 4475 3.1.2.19) is never answered.
          if (!m?.request) expect(o.sent, at).toEqual([]);
        } else {
          // RFC 4475 3.1.1: valid; the role parses it and answers as it would any request.
          expect(o.parse, at).toBe('parsed');
          for (const a of o.answered) expect(a, at).toMatch(/^[1-6]\d\d /);
        }
      }
    });

    it(`${id}: over TCP too: answers every invalid request as over UDP on its connection, closes only a broken stream, survives all 32, serves on`, async () => {
      const { process, roles } = setOf(set.name);
      const role = roles.get(id);
      if (!role) throw new TypeError(`no role ${id}`);
      const outcomes = await tortureRole({
        process,
        sender: tcpSender,
        role: role.spec.mode ? `${role.spec.role} (${role.spec.mode})` : role.spec.role,
        instance: id,
        target: role.target,
        messages: MESSAGES,
        gapMs: 60,
        drainMs: 300,
      });
      results.push(...outcomes);
      expect(process.exit, process.log).toBeUndefined();
      expect(outcomes).toHaveLength(MESSAGES.length);
      // The same role's answers over UDP (the test before this one), message by message.
      const overUdp = new Map(
        results
          .filter((r) => r.instance === id && r.transport === 'udp')
          .map((r) => [r.message, r.answered]),
      );
      for (const o of outcomes) {
        const m = MESSAGES.find((x) => x.name === o.message);
        const at = `${id} TCP ${o.section} ${o.message}: ${JSON.stringify(o)}`;
        expect(o.alive, at).toBe(true);
        if (o.kind === 'invalid') {
          // RFC 4475 3.1.2 over a stream (RFC 3261 18.3): rejected by the parser or the framer,
          // or held while the role waits for the bytes its Content-Length announces; never
          // processed further.
          expect(o.sent.length, at).toBeLessThanOrEqual(1);
          expect(o.answered.length, at).toBeLessThanOrEqual(1);
          for (const a of o.answered)
            expect(rfcStatuses(o.message), at).toContain(Number(a.slice(0, 3)));
          if (!m?.request) expect(o.sent, at).toEqual([]);
          if (STREAM_WAITS.includes(o.message)) {
            // RFC 4475 3.1.2.2: the role waits for the rest of the body; nothing to answer yet.
            expect(o.parse, at).toBe('not seen');
            expect(o.answered, at).toEqual([]);
            expect(o.closed, at).toBe(false);
          } else {
            expect(o.parse, at).toMatch(/^rejected: /);
            // The request framed (or its header section was read): the answer is the one it
            // gets over UDP, on its connection (RFC 3261 18.2.2).
            expect(o.answered, at).toEqual(overUdp.get(o.message));
            // RFC 3261 18.3: only a broken framing closes the connection; any other stays open.
            expect(o.closed, at).toBe(STREAM_BREAKS.includes(o.message));
          }
        } else if (DATAGRAM_ONLY.includes(o.message)) {
          // The REGISTER is framed and served; the octets after the INVITE begin no message, so
          // the role closes the connection without answering them.
          expect(o.parse, at).toBe('parsed');
          expect(o.closed, at).toBe(true);
          const rejected = process.trace.filter(
            (t) =>
              t.id === id &&
              t.direction === 'in' &&
              t.summary.startsWith('unparsable: ') &&
              /do not begin a SIP message/.test(t.summary),
          );
          expect(rejected.length, at).toBeGreaterThan(0);
        } else {
          expect(o.parse, at).toBe('parsed');
          expect(o.closed, at).toBe(false);
          for (const a of o.answered) expect(a, at).toMatch(/^[1-6]\d\d /);
        }
      }
      await tcpSender.close();
      // The role serves on over TCP: a well-formed request on a new connection gets a final response.
      const after = await optionsOverTcp(tcpSender.address, role.target);
      expect(after.line, id).toMatch(/^SIP\/2\.0 [2-6]\d\d /);
      expect(process.exit, process.log).toBeUndefined();
    });
  }
});

/**
 * What a torture message started (a valid INVITE relayed towards an address
 * nobody resolves, answered 502 and never ACKed by the raw sender) ends with
 * the RFC 3261 17 timers: Timer H and J after 64*T1, Timer D (17.1.1.2: 32 s
 * by default; 64*T1 here, set in TIMERS, as loopback holds nothing back).
 */
const TIMER_D_MS = TIMERS.timerD;

describe.each(SETS)('the roles of $name afterwards', (set) => {
  it(`are idle once their timers have run, and run ${set.scenario.flowFile} to its end`, async () => {
    const { process, roles } = setOf(set.name);
    expect(await settle(roles, TIMER_D_MS + 8_000)).toEqual([]);
    let callId: string | undefined;
    for (const c of [
      ...set.scenario.establish,
      ...set.scenario.trigger,
      ...set.scenario.teardown,
    ]) {
      // Each entry point checks every response against its flow step and throws on another.
      const outcome = await runCall(
        roles,
        c,
        c.entry.startsWith('scscfRelease') ? callId : undefined,
      );
      callId ??= outcome.callId;
      expect(outcome.statuses.length, `${c.at}.${c.entry}`).toBeGreaterThan(0);
      expect(
        outcome.statuses.every((s) => s >= 200 && s < 300),
        `${c.at}.${c.entry}`,
      ).toBe(true);
    }
    expect(await settle(roles, 10_000)).toEqual([]);
    expect(process.exit, process.log).toBeUndefined();
  });
});
