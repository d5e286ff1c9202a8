/**
 * `flowspec diff` as built runs over threads (the capture read in one, the
 * engine in another, the request checked in a third meanwhile,
 * generator/cli/diff-threads.ts); run from the sources, in one thread. Both must say the same, byte for byte, in every format, on
 * conformant and deviating captures, on unusable input and on a capture
 * with a malformed message. The built CLI is the one `npm test` builds
 * first (scripts/setup.sh), its threads' scripts bundled (scripts/bundle-workers.mjs).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { cli, FIGURE_16, interleaved, loadExpected, writeCapture } from './figure16-helpers.js';
import { pfByeCapture, pfByeTraffic, PF_BYE_CASES } from './helpers/pf-bye-case.js';

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected();
  for (const script of ['capture-worker', 'engine-worker', 'request-worker'])
    if (!existsSync(`dist/generator/cli/bundled/${script}.js`))
      throw new Error('the CLI is not built: run `npm run build` (npm test builds it first)');
});

/**
 * Loaded before the CLI: notes each worker thread started (its script) on stderr, so the test
 * knows the threads ran rather than the one-thread fallback.
 */
const NOTE_WORKERS = [
  "const wt = require('node:worker_threads');",
  'const W = wt.Worker;',
  "wt.Worker = class extends W { constructor(f, o) { super(f, o); process.stderr.write('started worker ' + String(f).split(/[\\/]/).slice(-2).join('/') + '\\n'); } };",
  "require('node:module').syncBuiltinESMExports();",
].join('\n');

/** The flow cache of the built CLI here (generator/cli/flow-cache.ts): this file's own. */
const FLOW_CACHE = mkdtempSync(join(tmpdir(), 'flowspec-flow-cache-'));

/** The built CLI in a process of its own: its threads (the workers it started, in `workers`). */
function built(
  args: string[],
  env: Record<string, string> = {},
): { code: number; out: string; err: string; workers: string[] } {
  const preload = join(mkdtempSync(join(tmpdir(), 'flowspec-threads-')), 'note-workers.cjs');
  writeFileSync(preload, NOTE_WORKERS);
  const r = spawnSync(process.execPath, ['--require', preload, 'bin/flowspec.js', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, FLOWSPEC_FLOW_CACHE: FLOW_CACHE, ...env },
  });
  const lines = r.stderr.split(/(?<=\n)/);
  const workers = lines
    .filter((l) => l.startsWith('started worker '))
    .map((l) => l.slice(15).trim());
  const err = lines.filter((l) => !l.startsWith('started worker ')).join('');
  return { code: r.status ?? -1, out: r.stdout, err, workers };
}

/** Both ways, on the same arguments. */
async function both(args: string[]): Promise<{
  threads: { code: number; out: string; err: string; workers: string[] };
  inline: { code: number; out: string; err: string };
}> {
  return { threads: built(args), inline: await cli(args) };
}

/** Captures of each kind the engine tells apart. */
function captures(): Record<string, SynthMessage[]> {
  const conformant = interleaved(expected, 5);
  const missing = interleaved(expected, 2).filter(
    (m) => m.step !== '9@0' || !m.text.includes('Call-ID: 1-'),
  );
  const header = interleaved(expected, 2);
  const seven = header.find((m) => m.step === '7@0');
  if (seven) seven.text = seven.text.replace('Privacy: id', 'Privacy: none');
  const retransmitted = interleaved(expected, 1);
  const two = retransmitted.find((m) => m.step === '2@0');
  if (two) retransmitted.splice(1, 0, { ...two, step: 'retransmission' });
  const unrelated = interleaved(expected, 2);
  if (two)
    unrelated.push({
      ...two,
      step: 'other',
      text: two.text
        .replace('BYE sip:', 'OPTIONS sip:')
        .replace('CSeq: 2 BYE', 'CSeq: 2 OPTIONS')
        .replace(/Call-ID: .*/, 'Call-ID: other@elsewhere'),
    });
  // A message the strict parser rejects: a finding on stderr, no step.
  const malformed = interleaved(expected, 1);
  if (two)
    malformed.push({ ...two, step: 'bad', text: two.text.replace('CSeq: 2 BYE', 'CSeq: x') });
  return { conformant, missing, header, retransmitted, unrelated, malformed };
}

/** The threads of a diff whose flow is not in the cache: the request's thread starts last. */
const LOADING = [
  'bundled/engine-worker.js',
  'bundled/capture-worker.js',
  'bundled/request-worker.js',
];
/** The threads of a diff with a map or facts: the request's thread first, as ever. */
const REQUEST_FIRST = [
  'bundled/request-worker.js',
  'bundled/engine-worker.js',
  'bundled/capture-worker.js',
];
/** The threads of a diff whose flow is in the cache: no request's thread. */
const CACHED = ['bundled/engine-worker.js', 'bundled/capture-worker.js'];

describe('flowspec diff over threads says what it says in one thread', () => {
  it('in JSON, text and JUnit, on conformant and deviating captures', async () => {
    let first = true;
    for (const [name, messages] of Object.entries(captures())) {
      const file = writeCapture(messages, `${name}.pcap`);
      for (const format of ['json', 'text', 'junit']) {
        const { threads, inline } = await both(['diff', FIGURE_16, file, '--format', format]);
        expect(threads.code, `${name} ${format}`).toBe(inline.code);
        expect(threads.out, `${name} ${format}`).toBe(inline.out);
        expect(threads.err, `${name} ${format}`).toBe(inline.err);
        // The first loads the flow and stores it; every later one takes it from the cache.
        expect(threads.workers, `${name} ${format}`).toEqual(first ? LOADING : CACHED);
        first = false;
      }
    }
    // The cases differ from one another: the comparison is not of empty reports.
    const codes = await Promise.all(
      Object.entries(captures()).map(
        async ([name, m]) => (await cli(['diff', FIGURE_16, writeCapture(m, `${name}.pcap`)])).code,
      ),
    );
    expect(codes).toEqual([0, 1, 1, 0, 0, 0]);
  }, 120_000);

  it('writes the same report file with --out, and names the malformed message on stderr', async () => {
    const file = writeCapture(captures()['malformed'] ?? [], 'malformed.pcap');
    const outA = join(dirname(file), 'threads.json');
    const outB = join(dirname(file), 'inline.json');
    const a = built(['diff', FIGURE_16, file, '--format', 'json', '--out', outA]);
    const b = await cli(['diff', FIGURE_16, file, '--format', 'json', '--out', outB]);
    expect(a.code).toBe(b.code);
    expect(readFileSync(outA, 'utf8')).toBe(readFileSync(outB, 'utf8'));
    expect(a.err).toMatch(/frame \d+: sip-parse-error: .*CSeq/);
    expect(a.err).toContain(`wrote ${outA}: pass`);
  });

  it("carries --fact and the map's policies: to the engine's thread", async () => {
    // Figure 16 reads no policy in a value's when:, so the facts show in the report only; the
    // CPM Participating Function's Message-UID they decide is checked in diff-facts.test.ts.
    const file = writeCapture(interleaved(expected, 1), 'facts.pcap');
    const map = join(dirname(file), 'facts.map.yaml');
    writeFileSync(
      map,
      'participants:\n  clientA: 127.0.0.1:5061\npolicies:\n  policy.release: continue\n  session.kind: on-demand\n',
    );
    for (const format of ['json', 'text']) {
      const args = ['diff', FIGURE_16, file, '--map', map, '--format', format];
      const { threads, inline } = await both([...args, '--fact', 'policy.release=release-all']);
      expect(threads.code, format).toBe(0);
      expect(threads.out, format).toBe(inline.out);
      expect(threads.err, format).toBe(inline.err);
      expect(threads.out).toMatch(
        format === 'json'
          ? /"facts": \{\n {4}"policy.release": \{\n {6}"value": "release-all",\n {6}"source": "command line"\n {4}\},\n {4}"session.kind": \{\n {6}"value": "on-demand",\n {6}"source": "map"/
          : /facts: policy.release=release-all \[command line\], session.kind=on-demand \[map\]/,
      );
    }
    // A fact that decides a value: the CPM Participating Function's 200 "OK" without the
    // Message-UID the policy asks for (OMA CPM 8.2.2.3 4.c.ii.2) fails in both ways alike.
    const c = PF_BYE_CASES[0];
    if (!c) throw new Error('no case');
    const traffic = await pfByeTraffic(c);
    const pfMap = join(dirname(file), 'pf-bye.map.yaml');
    writeFileSync(pfMap, traffic.mapText);
    const pfBye = pfByeCapture(traffic, undefined, 'pf-bye-without-uid');
    for (const [fact, code] of [
      ['policy.allowOfflineStorage=true', 1],
      ['policy.allowOfflineStorage=false', 0],
    ] as const) {
      const args = ['diff', c.flow, pfBye, '--map', pfMap, '--format', 'json', '--fact', fact];
      const { threads, inline } = await both(args);
      expect(inline.code, fact).toBe(code);
      expect(threads.code, fact).toBe(code);
      expect(threads.out, fact).toBe(inline.out);
    }
    const bad = await both(['diff', FIGURE_16, file, '--fact', 'policy.release=sometimes']);
    expect(bad.threads.code).toBe(2);
    expect(bad.inline.code).toBe(2);
    expect(bad.threads.err).toBe(bad.inline.err);
    expect(bad.threads.err).toContain('--fact policy.release=sometimes: policy.release is one of');
  }, 60_000);

  it('exits 2 with the same message on each kind of unusable input', async () => {
    const good = writeCapture(interleaved(expected, 1), 'good.pcap');
    const dir = dirname(good);
    const notPcap = join(dir, 'not.pcap');
    writeFileSync(notPcap, 'this is not a capture');
    const brokenFlow = join(dir, 'broken.flow.yaml');
    writeFileSync(brokenFlow, 'id: x.y\ntitle: t\nparticipants: {}\nsteps: []\n');
    const badMap = join(dir, 'map.yaml');
    writeFileSync(badMap, 'participants:\n  nobody: 127.0.0.9\n');
    for (const args of [
      ['diff', FIGURE_16, join(dir, 'missing.pcap')],
      ['diff', FIGURE_16, notPcap],
      ['diff', brokenFlow, good],
      // The flow's error comes first, whatever else is wrong.
      ['diff', brokenFlow, notPcap],
      ['diff', FIGURE_16, good, '--map', badMap],
      ['diff', FIGURE_16, good, '--idle', '0'],
    ]) {
      const { threads, inline } = await both(args);
      expect(inline.code, args.join(' ')).toBe(2);
      expect(threads.code, args.join(' ')).toBe(2);
      expect(threads.err, args.join(' ')).toBe(inline.err);
      expect(threads.out, args.join(' ')).toBe('');
      // Again, with the flow stored if it validated: the same error, found without loading it.
      const again = built(args);
      expect(again.code, args.join(' ')).toBe(2);
      expect(again.err, args.join(' ')).toBe(inline.err);
      expect(again.out, args.join(' ')).toBe('');
    }
  }, 60_000);
});

describe("flowspec diff's flow cache (generator/cli/flow-cache.ts)", () => {
  /** A flows folder of its own (a copy of the shipped one), a capture, and a cache of its own. */
  function project(): { flow: string; capture: string; env: Record<string, string> } {
    const root = mkdtempSync(join(tmpdir(), 'flowspec-cached-'));
    cpSync('flows', join(root, 'flows'), { recursive: true });
    return {
      flow: join(root, FIGURE_16),
      capture: writeCapture(interleaved(expected, 2), 'cached.pcap'),
      env: { FLOWSPEC_FLOW_CACHE: join(root, 'cache') },
    };
  }

  it('loads a flow once, then takes it from the cache until a file of its set changes', () => {
    const { flow, capture, env } = project();
    const args = ['diff', flow, capture, '--format', 'json'];
    const cold = built(args, env);
    expect(cold.code).toBe(0);
    expect(cold.workers).toEqual(LOADING);
    const warm = built(args, env);
    expect(warm.workers).toEqual(CACHED);
    expect([warm.code, warm.out, warm.err]).toEqual([cold.code, cold.out, cold.err]);

    // An edited flow is loaded again, and an invalid one says so every time: never stored.
    const text = readFileSync(flow, 'utf8');
    writeFileSync(flow, text.replace(/^title: .*$/m, 'title: [unclosed'));
    for (let i = 0; i < 2; i++) {
      const broken = built(args, env);
      expect(broken.code).toBe(2);
      expect(broken.err).toContain('is not a valid flow');
      expect(broken.workers).toEqual(LOADING);
    }
    writeFileSync(flow, text);
    expect(built(args, env).workers).toEqual(CACHED);

    // A neighbour the flow does not even name is part of the set (a ref may come to name it).
    const neighbour = join(dirname(flow), 'extra.flow.yaml');
    writeFileSync(neighbour, 'id: extra.flow\n');
    expect(built(args, env).workers).toEqual(LOADING);
    expect(built(args, env).workers).toEqual(CACHED);
    unlinkSync(neighbour);
    expect(built(args, env).workers).toEqual(CACHED);
  }, 60_000);

  it('loads the flow again when an entry is unreadable, and not at all when turned off', () => {
    const { flow, capture, env } = project();
    const args = ['diff', flow, capture, '--format', 'text'];
    const cold = built(args, env);
    const dir = env['FLOWSPEC_FLOW_CACHE'] ?? '';
    const entries = readdirSync(dir);
    expect(entries.filter((e) => e.endsWith('.bin'))).toHaveLength(1);
    for (const e of entries) writeFileSync(join(dir, e), 'not what v8.serialize wrote');
    const corrupt = built(args, env);
    expect(corrupt.workers).toEqual(LOADING);
    expect([corrupt.code, corrupt.out, corrupt.err]).toEqual([cold.code, cold.out, cold.err]);
    expect(built(args, env).workers).toEqual(CACHED);

    const off = { FLOWSPEC_FLOW_CACHE: 'off' };
    expect(built(args, off).workers).toEqual(REQUEST_FIRST);
    const again = built(args, off);
    expect(again.workers).toEqual(REQUEST_FIRST);
    expect([again.code, again.out, again.err]).toEqual([cold.code, cold.out, cold.err]);
  }, 60_000);

  it('takes the flow from the cache with a map or --fact too, and reads those in the command thread', () => {
    const { flow, capture, env } = project();
    const off = { FLOWSPEC_FLOW_CACHE: 'off' };
    const map = join(dirname(capture), 'cached.map.yaml');
    writeFileSync(
      map,
      'participants:\n  clientA: 127.0.0.1:5061\npolicies:\n  session.kind: on-demand\n',
    );
    const badMap = join(dirname(capture), 'bad.map.yaml');
    writeFileSync(badMap, 'participants:\n  nobody: 127.0.0.9\n');
    const cases = [
      ['--map', map, '--format', 'json'],
      ['--fact', 'policy.release=continue', '--format', 'text'],
      ['--map', map, '--fact', 'policy.release=release-all', '--format', 'junit'],
      // Unusable: the same message and exit code as the request's thread gives.
      ['--map', badMap],
      ['--fact', 'policy.release=sometimes'],
    ];
    for (const extra of cases) {
      const args = ['diff', flow, capture, ...extra];
      // What the request's thread says, reading the flow, the map and the facts itself.
      const loaded = built(args, off);
      expect(loaded.workers, extra.join(' ')).toEqual(REQUEST_FIRST);
      built(['diff', flow, capture], env);
      const warm = built(args, env);
      expect(warm.workers, extra.join(' ')).toEqual(CACHED);
      expect([warm.code, warm.out, warm.err], extra.join(' ')).toEqual([
        loaded.code,
        loaded.out,
        loaded.err,
      ]);
    }
    expect(built(['diff', flow, capture, '--map', map], env).code).toBe(0);
    expect(built(['diff', flow, capture, '--map', badMap], env).code).toBe(2);
    expect(built(['diff', flow, capture, '--map', badMap], env).err).toContain('nobody');
  }, 120_000);
});
