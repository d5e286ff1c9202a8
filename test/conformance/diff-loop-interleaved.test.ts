/**
 * Loop dialogs on a busy server (docs/diff.md, "Instances and dialogs"): OMA PoC Figure 16 run
 * session after session, 100 µs apart, with step 12 releasing two participants (Figure 18 per
 * participant). Every session has its own PoC Client A and PoC Clients B; SIP/IP Cores A, X and
 * B and PoC Servers A, X and B are shared, so the releases of step 12 start between addresses
 * every session uses. The second dialog of an iteration (PoC Server B releasing its client,
 * Figure 18 step 8 after step 4) goes to the instance whose opened iteration has waited longest
 * for it; taking the latest instead left the iterations of the first sessions waiting until
 * their instances were finished without them. Later messages of a loop's dialog stay in the
 * iteration the dialog took.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeInstance, type SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import { ingestCapture } from '../../generator/capture/index.js';
import { ConformanceChecker } from '../../generator/conformance/engine.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { observedFromIngest } from '../../generator/conformance/observed.js';
import type { ConformanceReport } from '../../generator/conformance/report.js';
import type { PcapEndpoint } from '../../runtime/trace/pcap-writer.js';
import { loadExpected, writeCapture } from './figure16-helpers.js';

const SESSIONS = 300;

/**
 * Open instances kept at most: a tenth of the default, as the sessions here are a tenth as long
 * (6 ms) as on the benchmark's 5,000-session capture, so as many of them are open at once
 * relative to the limit (about 60 of 100 here, 600 of 1000 there).
 */
const MAX_OPEN = 100;

let expected: ExpectedFlow;
let sessions: SynthMessage[];
beforeAll(async () => {
  expected = await loadExpected();
  sessions = interleavedSessions(SESSIONS);
});

/** The shared nodes; the clients are per session (see {@link interleavedSessions}). */
const SHARED: readonly (readonly [string, PcapEndpoint])[] = [
  ['coreA', { address: '127.61.0.2', port: 5060 }],
  ['serverA', { address: '127.61.0.3', port: 5060 }],
  ['coreX', { address: '127.62.0.2', port: 5060 }],
  ['serverX', { address: '127.62.0.3', port: 5060 }],
  ['coreB', { address: '127.65.0.2', port: 5060 }],
  ['serverB', { address: '127.65.0.3', port: 5060 }],
];

/** The addresses of session `i`: the shared nodes, its own PoC Client A and PoC Clients B. */
function sessionAddresses(i: number): Map<string, PcapEndpoint> {
  return new Map<string, PcapEndpoint>([
    ...SHARED,
    ['clientA', { address: `127.63.${i >> 8}.${i & 255}`, port: 5060 }],
    ['clientB[0]', { address: `127.64.${i >> 7}.${(i * 2) & 255}`, port: 5060 }],
    ['clientB[1]', { address: `127.64.${i >> 7}.${(i * 2 + 1) & 255}`, port: 5060 }],
  ]);
}

/** `count` sessions of Figure 16 with two participants released, 100 µs apart, 200 µs a message. */
function interleavedSessions(count: number): SynthMessage[] {
  const all: SynthMessage[] = [];
  for (let i = 0; i < count; i++) {
    all.push(
      ...synthesizeInstance(expected, sessionAddresses(i), {
        instance: i,
        startNs: 1_700_000_000_000_000_000n + BigInt(i) * 100_000n,
        stepNs: 200_000n,
        iterations: 2,
        opts: true,
      }),
    );
  }
  return all.sort((a, b) =>
    a.packet.timeNs < b.packet.timeNs ? -1 : a.packet.timeNs > b.packet.timeNs ? 1 : 0,
  );
}

async function check(messages: readonly SynthMessage[]): Promise<ConformanceReport> {
  const capture = writeCapture(messages);
  const checker = new ConformanceChecker(expected, { capture, maxOpenInstances: MAX_OPEN });
  for await (const e of ingestCapture(capture)) {
    const o = observedFromIngest(e);
    if (o) checker.push(o);
  }
  return checker.finish();
}

/** The Call-ID of a synthesised message. */
function callIdOf(m: SynthMessage): string {
  return /^Call-ID: (\S+)/m.exec(m.text)?.[1] ?? '';
}

/** The loop's two dialogs per iteration (Call-IDs "<session>-<group>-<iteration>@..."). */
function loopDialogs(report: ConformanceReport, k: number): string[] {
  return (report.instances[k]?.dialogs ?? [])
    .map((d) => d.callId)
    .filter((id) => !/^\d+-[01]-0@/.test(id));
}

describe('flowspec diff: loop dialogs of tightly interleaved sessions on shared servers', () => {
  it('passes every session, each iteration with both its dialogs', async () => {
    const r = await check(sessions);
    expect(r.stats).toMatchObject({
      messages: SESSIONS * 30,
      instances: SESSIONS,
      passing: SESSIONS,
      failing: 0,
      lateMessages: 0,
    });
    expect(r.unrelated).toBe(0);
    let released = 0;
    for (const [k, inst] of r.instances.entries()) {
      // Its own PoC Client A's dialog and PoC Server A's other leg start it.
      expect(inst.dialogs.slice(0, 2).map((d) => d.callId)).toEqual([
        `${k}-0-0@flowspec.test`,
        `${k}-1-0@flowspec.test`,
      ]);
      // Each iteration with both its dialogs: PoC Server X's leg to PoC Server B (group 2) and
      // PoC Server B's leg to its client (group 3), every step matched.
      const loop = loopDialogs(r, k);
      expect(loop.filter((id) => /^\d+-2-/.test(id)).length).toBe(loop.length / 2);
      expect(inst.steps.every((s) => s.status === 'matched')).toBe(true);
      expect(inst.unexpected).toEqual([]);
      released += loop.length;
    }
    // Every release of every session is in an instance.
    expect(released).toBe(SESSIONS * 4);
  });

  it('fails only the instance holding a release whose 200 "OK" is missing, at its step and iteration', async () => {
    const k = 150;
    // PoC Client B's 200 "OK" of the second participant's release (Figure 18 step 10).
    const dropped = sessions.find(
      (m) => m.step === 'poc.disconnect.on-demand:10@1' && callIdOf(m) === `${k}-3-1@flowspec.test`,
    );
    expect(dropped).toBeDefined();
    const r = await check(sessions.filter((m) => m !== dropped));
    expect(r.stats).toMatchObject({ instances: SESSIONS, passing: SESSIONS - 1, failing: 1 });
    const failing = r.instances.filter((i) => i.verdict === 'fail');
    expect(failing).toHaveLength(1);
    const [inst] = failing;
    // The instance that holds the release's dialog misses exactly that step, in the iteration
    // the dialog took there; the relay of the missing answer (step 11) is still matched.
    expect(inst?.dialogs.map((d) => d.callId)).toContain(`${k}-3-1@flowspec.test`);
    const notMatched = inst?.steps.filter((s) => s.status !== 'matched') ?? [];
    expect(notMatched.map((s) => s.status)).toEqual(['missing']);
    expect(notMatched[0]?.id).toMatch(/^poc\.disconnect\.on-demand:10(\[2\])?$/);
    const iteration = notMatched[0]?.id.endsWith('[2]') ? '[2]' : '';
    expect(
      inst?.steps.find((s) => s.id === `poc.disconnect.on-demand:11${iteration}`),
    ).toMatchObject({ status: 'matched' });
    expect(inst?.unexpected).toEqual([]);
  });

  it('keeps each release to its client in the iteration its dialog took when two overlap', async () => {
    // One session whose second participant's release to its client (Figure 18 steps 8 and 9,
    // iteration 2) starts before the first participant's client got its BYE (step 9 of
    // iteration 1): both dialogs run between the same SIP/IP Core B and PoC Server B.
    const one = synthesizeInstance(expected, sessionAddresses(0), {
      instance: 0,
      startNs: 1_700_000_000_000_000_000n,
      stepNs: 1_000_000n,
      iterations: 2,
      opts: true,
    });
    const late = ['9@0', '10@0', '11@0'].map((s) => `poc.disconnect.on-demand:${s}`);
    const reordered = [
      ...one.filter((m) => !late.includes(m.step) && !/:1[01]@1$/.test(m.step)),
      ...late.map((s) => one.find((m) => m.step === s)),
      ...one.filter((m) => /:1[01]@1$/.test(m.step)),
    ].map((m, k) => {
      if (!m) throw new Error('a step of the session was not synthesised');
      return {
        ...m,
        packet: { ...m.packet, timeNs: 1_700_000_000_000_000_000n + BigInt(k) * 1_000_000n },
      };
    });
    const frameOf = (step: string): number => reordered.findIndex((m) => m.step === step) + 1;
    const r = await check(reordered);
    expect(r.stats).toMatchObject({ instances: 1, passing: 1, failing: 0 });
    const steps = r.instances[0]?.steps ?? [];
    const frame = (id: string): number | null | undefined => steps.find((s) => s.id === id)?.frame;
    // Step 9 of the second iteration came first, in the second iteration's dialog.
    expect(frameOf('poc.disconnect.on-demand:9@1')).toBeLessThan(
      frameOf('poc.disconnect.on-demand:9@0'),
    );
    for (const n of [8, 9, 10, 11]) {
      expect(frame(`poc.disconnect.on-demand:${n}`)).toBe(
        frameOf(`poc.disconnect.on-demand:${n}@0`),
      );
      expect(frame(`poc.disconnect.on-demand:${n}[2]`)).toBe(
        frameOf(`poc.disconnect.on-demand:${n}@1`),
      );
    }
  });
});
