/**
 * The partial order of a flow (ITU-T Z.120): lifeline order, send before
 * receive, par operands concurrent, alt operands exclusive, loop iterations
 * in sequence, `after` edges, refs expanded with their bindings, and a
 * linearisation that respects it all.
 */
import { describe, expect, it } from 'vitest';
import { loadFlowFile, loadFlowText } from '../../generator/load/load-flow.js';
import type { Flow } from '../../generator/model/flow-model.js';
import {
  computeOrder,
  type FlowEvent,
  type OrderOptions,
  type PartialOrder,
} from '../../generator/order/happens-before.js';
import { fixturePath } from '../validate/fixture-files.js';

const HEAD = `
participants:
  a: { role: poc-client, label: A }
  b: { role: sip-core, label: B }
  c: { role: poc-server-participating, label: C }
  d: { role: poc-server-controlling, label: D }
`;

/** Loads flow text that must load without findings. */
function flow(id: string, body: string, head = HEAD): Flow {
  const l = loadFlowText(`id: ${id}\ntitle: ${id}\n${head}${body}`, `${id}.flow.yaml`);
  expect(l.findings).toEqual([]);
  if (!l.flow) throw new TypeError(`${id} did not load`);
  return l.flow;
}

/** Finds the one event of `step` of `kind` (and at `participant` when given). */
function ev(
  order: PartialOrder,
  step: string,
  kind: FlowEvent['kind'],
  participant?: string,
  iteration?: readonly number[],
): number {
  const found = order.events.filter(
    (e) =>
      e.step === step &&
      e.kind === kind &&
      (participant === undefined || e.participant === participant) &&
      (iteration === undefined || e.iteration.join() === iteration.join()),
  );
  expect(found, `${kind} of step ${step} at ${participant ?? 'any'}`).toHaveLength(1);
  return (found[0] as FlowEvent).index;
}

function orderOf(f: Flow, opts: OrderOptions = {}): PartialOrder {
  return computeOrder(f, opts);
}

describe('happens-before', () => {
  it('orders events along each lifeline and sends before receives', () => {
    const o = orderOf(
      flow(
        't.lifeline',
        `steps:
  - { id: "1", message: { sip: INVITE, from: a, to: b } }
  - { id: "2", message: { sip: INVITE, from: b, to: c } }
  - { id: "3", message: { sip: ACK, from: a, to: c } }
`,
      ),
    );
    const s1 = ev(o, '1', 'send');
    const r1 = ev(o, '1', 'receive');
    const s2 = ev(o, '2', 'send');
    const r2 = ev(o, '2', 'receive');
    const s3 = ev(o, '3', 'send');
    const r3 = ev(o, '3', 'receive');
    expect(o.events.map((e) => e.participant)).toEqual(['a', 'b', 'b', 'c', 'a', 'c']);
    // send before its receive, never the other way round
    expect([o.happensBefore(s1, r1), o.happensBefore(r1, s1)]).toEqual([true, false]);
    // lifeline b: receive of 1, then send of 2; transitively a's send of 1 before c's receive of 2
    expect(o.happensBefore(r1, s2)).toBe(true);
    expect(o.happensBefore(s1, r2)).toBe(true);
    // lifeline a: send 1 before send 3; lifeline c: receive 2 before receive 3
    expect(o.happensBefore(s1, s3)).toBe(true);
    expect(o.happensBefore(r2, r3)).toBe(true);
    // nothing orders a's send of 3 with b's send of 2: different lifelines, no message between
    expect(o.concurrent(s2, s3)).toBe(true);
    expect(o.exclusive(s2, s3)).toBe(false);
  });

  it('leaves messages between disjoint pairs of lifelines unordered', () => {
    const o = orderOf(
      flow(
        't.disjoint',
        `steps:
  - { id: "1", message: { sip: BYE, from: a, to: b } }
  - { id: "2", message: { sip: BYE, from: c, to: d } }
`,
      ),
    );
    expect(o.concurrent(ev(o, '1', 'send'), ev(o, '2', 'send'))).toBe(true);
    expect(o.concurrent(ev(o, '1', 'receive'), ev(o, '2', 'receive'))).toBe(true);
  });

  it('makes par operands concurrent, and joins them afterwards', () => {
    const o = orderOf(
      flow(
        't.par',
        `steps:
  - { id: "1", action: initiate-release, at: a }
  - par:
      - - { id: "2", message: { sip: BYE, from: a, to: b } }
        - { id: "3", answers: "2", message: { sip: 200 OK, from: b, to: a } }
      - - { id: "4", message: { sip: BYE, from: a, to: c } }
        - { id: "5", answers: "4", message: { sip: 200 OK, from: c, to: a } }
  - { id: "6", action: release-media-resources, at: a }
`,
      ),
    );
    const s2 = ev(o, '2', 'send');
    const r3 = ev(o, '3', 'receive');
    const s4 = ev(o, '4', 'send');
    const r5 = ev(o, '5', 'receive');
    // same lifeline a, yet unordered: operands of a par interleave in any order
    for (const [x, y] of [
      [s2, s4],
      [s2, r5],
      [r3, s4],
      [r3, r5],
    ] as const) {
      expect(o.concurrent(x, y), `${x} ${y}`).toBe(true);
    }
    // within an operand the order holds
    expect(o.happensBefore(s2, r3)).toBe(true);
    // before the par, and after it, on lifeline a
    const before = ev(o, '1', 'local');
    const after = ev(o, '6', 'local');
    for (const e of [s2, r3, s4, r5]) {
      expect(o.happensBefore(before, e)).toBe(true);
      expect(o.happensBefore(e, after)).toBe(true);
    }
  });

  it('makes alt operands exclusive, and joins them afterwards', () => {
    const o = orderOf(
      flow(
        't.alt',
        `steps:
  - alt:
      - guard: session.kind == 'on-demand'
        steps:
          - { id: "1", message: { sip: BYE, from: a, to: b } }
      - guard: else
        steps:
          - { id: "2", message: { mbcp: Disconnect, from: a, to: b } }
    decidedBy: a
  - { id: "3", message: { sip: INFO, from: b, to: c } }
`,
      ),
    );
    const s1 = ev(o, '1', 'send');
    const r1 = ev(o, '1', 'receive');
    const s2 = ev(o, '2', 'send');
    const r2 = ev(o, '2', 'receive');
    expect(o.exclusive(s1, s2)).toBe(true);
    expect(o.exclusive(r1, r2)).toBe(true);
    expect([o.concurrent(s1, s2), o.happensBefore(s1, s2), o.happensBefore(s2, s1)]).toEqual([
      false,
      false,
      false,
    ]);
    expect(o.exclusive(s1, r1)).toBe(false);
    const s3 = ev(o, '3', 'send');
    expect(o.happensBefore(r1, s3)).toBe(true);
    expect(o.happensBefore(r2, s3)).toBe(true);
    expect(o.exclusive(s1, s3)).toBe(false);
  });

  it('treats an opt as an alt with an empty operand', () => {
    const o = orderOf(
      flow(
        't.opt',
        `steps:
  - opt:
      guard: policy.allowOfflineStorage
      steps:
        - { id: "1", message: { sip: MESSAGE, from: a, to: b } }
    decidedBy: a
  - { id: "2", message: { sip: BYE, from: a, to: b } }
`,
      ),
    );
    expect(o.happensBefore(ev(o, '1', 'send'), ev(o, '2', 'send'))).toBe(true);
    expect(o.exclusive(ev(o, '1', 'send'), ev(o, '2', 'send'))).toBe(false);
  });

  const LOOP_HEAD = `
participants:
  server: { role: poc-server-controlling, label: PoC Server X }
  member: { role: poc-client, label: PoC Client, multiple: true }
variables:
  session.participants: { type: list, of: participant, from: precondition }
`;
  const LOOP = `steps:
  - { id: "0", action: initiate-release, at: server }
  - loop:
      over: session.participants
      steps:
        - { id: "1", message: { sip: BYE, from: server, to: member } }
        - { id: "2", answers: "1", message: { sip: 200 OK, from: member, to: server } }
  - { id: "3", action: release-media-resources, at: server }
`;

  it('runs loop iterations in sequence, one lifeline per iteration for multiple participants', () => {
    const o = orderOf(flow('t.loop', LOOP, LOOP_HEAD), { loopIterations: 3 });
    expect(
      o.events.filter((e) => e.step === '1' && e.kind === 'receive').map((e) => e.participant),
    ).toEqual(['member[0]', 'member[1]', 'member[2]']);
    const s = [0, 1, 2].map((i) => ev(o, '1', 'send', 'server', [i]));
    const r = [0, 1, 2].map((i) => ev(o, '2', 'receive', 'server', [i]));
    const memberRecv = [0, 1, 2].map((i) => ev(o, '1', 'receive', `member[${i}]`));
    // iteration i's answer reaches the server before iteration i+1's BYE leaves it
    expect(o.happensBefore(r[0] as number, s[1] as number)).toBe(true);
    expect(o.happensBefore(r[1] as number, s[2] as number)).toBe(true);
    expect(o.happensBefore(s[2] as number, r[0] as number)).toBe(false);
    // so the members are reached in iteration order, through the server's lifeline
    expect(o.happensBefore(memberRecv[0] as number, memberRecv[1] as number)).toBe(true);
    // before and after the loop
    for (const e of [...s, ...r]) {
      expect(o.happensBefore(ev(o, '0', 'local'), e)).toBe(true);
      expect(o.happensBefore(e, ev(o, '3', 'local'))).toBe(true);
    }
  });

  it('unrolls a loop once by default', () => {
    const o = orderOf(flow('t.loop1', LOOP, LOOP_HEAD));
    expect(o.events.filter((e) => e.step === '1').map((e) => [e.participant, e.iteration])).toEqual(
      [
        ['server', [0]],
        ['member[0]', [0]],
      ],
    );
  });

  it('adds causal after edges between otherwise unordered events', () => {
    const body = (after: string): string => `steps:
  - { id: "1", message: { sip: BYE, from: a, to: b } }
  - { id: "2", ${after}message: { sip: BYE, from: c, to: d } }
`;
    const free = orderOf(flow('t.free', body('')));
    expect(free.concurrent(ev(free, '1', 'receive'), ev(free, '2', 'send'))).toBe(true);
    const o = orderOf(flow('t.after', body('after: "1", ')));
    expect(o.happensBefore(ev(o, '1', 'receive'), ev(o, '2', 'send'))).toBe(true);
    expect(o.happensBefore(ev(o, '1', 'send'), ev(o, '2', 'receive'))).toBe(true);
    expect(o.predecessors(ev(o, '2', 'send'))).toContain(ev(o, '1', 'receive'));
  });

  describe('refs', () => {
    const inner = flow(
      't.inner',
      `steps:
  - { id: A, message: { sip: BYE, from: server, to: client } }
  - { id: B, answers: A, message: { sip: 200 OK, from: client, to: server } }
  - { id: C, message: { sip: NOTIFY, from: server, to: watcher } }
`,
      `
participants:
  server: { role: poc-server-controlling, label: S }
  client: { role: poc-client, label: C }
  watcher: { role: poc-client, label: W }
`,
    );
    const outer = flow(
      't.outer',
      `steps:
  - { id: "1", message: { sip: BYE, from: a, to: d } }
  - { id: "2", ref: { flow: t.inner, bind: { server: d, client: a } } }
  - { id: "3", message: { sip: INFO, from: d, to: b } }
`,
    );
    const resolve = (id: string): Flow | undefined => (id === 't.inner' ? inner : undefined);

    it('expands a ref in place, its participants bound to ours', () => {
      const o = orderOf(outer, { resolve });
      const inRef = o.events.filter((e) => e.refPath.join() === '2');
      expect(inRef.map((e) => [e.step, e.kind, e.participant, e.flow])).toEqual([
        ['A', 'send', 'd', 't.inner'],
        ['A', 'receive', 'a', 't.inner'],
        ['B', 'send', 'a', 't.inner'],
        ['B', 'receive', 'd', 't.inner'],
        ['C', 'send', 'd', 't.inner'],
        // unbound and not a participant here: a lifeline of its own, named after the flow
        ['C', 'receive', 't.inner:watcher', 't.inner'],
      ]);
      const first = (inRef[0] as FlowEvent).index;
      const last = (inRef[5] as FlowEvent).index;
      // step 1's receive at d precedes the ref's first send at d; the ref's events at d precede step 3
      expect(o.happensBefore(ev(o, '1', 'receive'), first)).toBe(true);
      expect(o.happensBefore((inRef[4] as FlowEvent).index, ev(o, '3', 'send'))).toBe(true);
      expect(o.concurrent(last, ev(o, '3', 'send'))).toBe(true);
      // eventsOfStep lists the root flow's own events only
      expect(o.eventsOfStep('A')).toEqual([]);
    });

    it('keeps an unresolved ref as one opaque event per bound lifeline', () => {
      const o = orderOf(outer);
      expect(o.events.filter((e) => e.kind === 'ref').map((e) => e.participant)).toEqual([
        'd',
        'a',
      ]);
    });
  });

  it('linearizes every event once, never putting an event before one that happens before it', async () => {
    const clean = await loadFlowFile(fixturePath('clean-par-alt-ref'));
    const helper = await loadFlowFile(fixturePath('helper-disconnect'));
    const leave = await loadFlowFile('flows/poc/leave-on-demand.flow.yaml');
    const flows = [clean.flow, helper.flow, leave.flow].filter((f): f is Flow => f !== undefined);
    expect(flows).toHaveLength(3);
    const resolve = (id: string): Flow | undefined => flows.find((f) => f.id === id);
    for (const f of flows) {
      const o = computeOrder(f, { resolve, loopIterations: 2 });
      const line = o.linearize();
      expect(line.map((e) => e.index).sort((x, y) => x - y)).toEqual(o.events.map((e) => e.index));
      line.forEach((e, i) => {
        for (const later of line.slice(i + 1))
          expect(o.happensBefore(later.index, e.index)).toBe(false);
      });
    }
    // the clean fixture's ref was expanded (events of the helper flow appear)
    const o = computeOrder(clean.flow as Flow, { resolve });
    expect(o.events.some((e) => e.flow === 'fixture.helper.disconnect')).toBe(true);
  });
});
