/**
 * `flowspec diff` decides a value's `when:` over the case's facts (`--fact`, the map's
 * `policies:`): OMA CPM 8.2.2.3 4.c.ii.2 and 8.3.2.3 2.c.ii.2, the 200 "OK" a Participating
 * Function acting as a B2BUA sends its served CPM Client carries a Message-UID header when
 * <allow-offline-storage> is true (`Message-UID: { is: var.uid, when:
 * policy.allowOfflineStorage }`, the UID the store-session-history action yields). With the fact
 * true its absence fails the step, with it false nothing is required, and without it the check
 * is as lenient as before: a capture cannot show the policy.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeInstance } from '../../bench/fixtures/synthesize-trace.js';
import { cli, loadExpected, writeCapture } from './figure16-helpers.js';
import {
  pfByeCapture,
  pfByeTraffic,
  PF_BYE_CASES,
  type PfByeTraffic,
} from './helpers/pf-bye-case.js';
import { addressesFor } from './helpers/seed-scenarios.js';

/** The JSON report as these tests read it. */
interface Report {
  readonly verdict: string;
  readonly instances: readonly {
    readonly steps: readonly {
      readonly id: string;
      readonly status: string;
      readonly diffs: readonly { field: string; expected: string; actual: string }[];
    }[];
  }[];
  readonly facts: Readonly<Record<string, { value: unknown; source: string }>>;
}

const dir = mkdtempSync(join(tmpdir(), 'flowspec-facts-'));

describe.each(PF_BYE_CASES)('$flow: Message-UID under when: policy.allowOfflineStorage', (c) => {
  let traffic: PfByeTraffic;
  let map: string;
  const last = c.steps[c.steps.length - 1] ?? '';

  beforeAll(async () => {
    traffic = await pfByeTraffic(c);
    map = join(dir, `${traffic.expected.flow.id}.map.yaml`);
    writeFileSync(map, traffic.mapText);
  });

  const capture = (uid: string | undefined, name: string): string =>
    pfByeCapture(traffic, uid, `${traffic.expected.flow.id}-${name}`);

  async function diff(file: string, ...args: string[]): Promise<{ code: number; report: Report }> {
    const r = await cli(['diff', c.flow, file, '--map', map, '--format', 'json', ...args]);
    expect(r.err).toBe('');
    return { code: r.code, report: JSON.parse(r.out) as Report };
  }

  it('with the fact true, the 200 "OK" without Message-UID fails its step, naming the field', async () => {
    const { code, report } = await diff(
      capture(undefined, 'without'),
      '--fact',
      'policy.allowOfflineStorage=true',
    );
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    const failing = report.instances.flatMap((i) => i.steps.filter((s) => s.status !== 'matched'));
    expect(failing).toEqual([
      expect.objectContaining({
        id: last,
        status: 'mismatch',
        diffs: [
          { field: 'headers.Message-UID', expected: 'var.uid (present)', actual: '(absent)' },
        ],
      }),
    ]);
    expect(report.facts).toEqual({
      'policy.allowOfflineStorage': { value: true, source: 'command line' },
    });
  });

  it('with the fact true, the 200 "OK" with a Message-UID passes (any value: the action yields it)', async () => {
    const { code, report } = await diff(
      capture('7f1c2a', 'with'),
      '--fact',
      'policy.allowOfflineStorage=true',
    );
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
  });

  it('with the fact false, nothing is required, and a Message-UID is not checked', async () => {
    for (const uid of [undefined, '7f1c2a']) {
      const { code, report } = await diff(
        capture(uid, `false-${uid ?? 'without'}`),
        '--fact',
        'policy.allowOfflineStorage=false',
      );
      expect(report.verdict).toBe('pass');
      expect(code).toBe(0);
      expect(report.facts['policy.allowOfflineStorage']?.value).toBe(false);
    }
  });

  it('without the fact, a missing Message-UID passes: a capture cannot show the policy', async () => {
    const { code, report } = await diff(capture(undefined, 'no-fact'));
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    expect(report.facts).toEqual({});
  });

  it("the map's policies: (a topology) give the same as the flag, and the flag wins", async () => {
    const without = capture(undefined, 'policies');
    const topology = (value: boolean): string => {
      const file = join(dir, `${traffic.expected.flow.id}-${value}.topology.yaml`);
      writeFileSync(
        file,
        `${traffic.mapText}policies:\n  policy.allowOfflineStorage: ${value}\n  session.interworked: false\n`,
      );
      return file;
    };
    const withMap = async (file: string, ...args: string[]): Promise<Report> => {
      const r = await cli(['diff', c.flow, without, '--map', file, '--format', 'json', ...args]);
      return JSON.parse(r.out) as Report;
    };
    const stored = await withMap(topology(true));
    const flagged = await diff(without, '--fact', 'policy.allowOfflineStorage=true');
    expect(stored.instances).toEqual(flagged.report.instances);
    expect(stored.verdict).toBe('fail');
    expect(stored.facts).toEqual({
      'policy.allowOfflineStorage': { value: true, source: 'map' },
      'session.interworked': { value: false, source: 'map' },
    });
    expect((await withMap(topology(false))).verdict).toBe('pass');
    const overridden = await withMap(topology(true), '--fact', 'policy.allowOfflineStorage=false');
    expect(overridden.verdict).toBe('pass');
    expect(overridden.facts['policy.allowOfflineStorage']).toEqual({
      value: false,
      source: 'command line',
    });
  });

  it('the text report lists the facts used', async () => {
    const r = await cli([
      'diff',
      c.flow,
      capture(undefined, 'text'),
      '--map',
      map,
      '--fact',
      'policy.allowOfflineStorage=true',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('facts: policy.allowOfflineStorage=true [command line]');
    expect(r.out).toContain('headers.Message-UID: expected var.uid (present), got (absent)');
  });
});

describe('the shipped topology as the map', () => {
  it('gives its policies: as facts: storage on, the missing Message-UID fails; off, it passes', async () => {
    const c = PF_BYE_CASES[0];
    if (!c) throw new Error('no case');
    const flow = c.flow;
    const shipped = readFileSync('topologies/cpm-pf-bye-originating-b2bua.topology.yaml', 'utf8');
    // The participants' first addresses, as the topology gives them (pfA: [PF A, Core A]).
    const shippedAddresses = new Map(
      [...shipped.matchAll(/^ {2}(\w+): \[?(127\.[\d.]+):(\d+)/gm)].map(
        ([, p = '', ip = '', port = '']) => [p, { address: ip, port: Number(port) }] as const,
      ),
    );
    expect([...shippedAddresses.keys()].sort()).toEqual(['clientA', 'pfA', 'pfB']);
    const file = pfByeCapture(await pfByeTraffic(c, shippedAddresses), undefined, 'topology');
    const off = join(dir, 'off.topology.yaml');
    writeFileSync(off, shipped);
    const on = join(dir, 'on.topology.yaml');
    writeFileSync(
      on,
      shipped.replace('policy.allowOfflineStorage: false', 'policy.allowOfflineStorage: true'),
    );
    const offRun = await cli(['diff', flow, file, '--map', off]);
    expect(offRun.code, offRun.out + offRun.err).toBe(0);
    expect(offRun.out).toContain(
      'facts: policy.allowOfflineStorage=false [map], session.interworked=false [map]',
    );
    const onRun = await cli(['diff', flow, file, '--map', on]);
    expect(onRun.code, onRun.out + onRun.err).toBe(1);
    expect(onRun.out).toMatch(/4\.c\.iii .* MISMATCH/);
    expect(onRun.out).toContain('headers.Message-UID: expected var.uid (present), got (absent)');
  });
});

/** A flow whose UID, yielded by an action, goes out in two messages (no `when:`). */
const TWICE = `id: t.uid-twice
title: A UID an action yields, sent twice
origin: project
participants:
  pfA: { role: cpm-pf-originating, label: PF A }
  pfB: { role: cpm-pf-terminating, label: PF B, mode: b2bua }
  clientB: { role: cpm-client, label: Client B }
steps:
  - id: "1"
    message: { sip: BYE, from: pfA, to: pfB }
  - id: "2"
    action: store-session-history
    at: pfB
    yields: uid
  - id: "3"
    message: { sip: BYE, from: pfB, to: clientB }
    headers:
      Message-UID: { is: var.uid }
  - id: "4"
    answers: "3"
    message: { sip: 200 OK, from: clientB, to: pfB }
  - id: "5"
    answers: "1"
    message: { sip: 200 OK, from: pfB, to: pfA }
    headers:
      Message-UID: { is: var.uid }
`;

describe('a value copying a variable an action yields', () => {
  it('must be present, binds at its first occurrence, and later steps compare with it', async () => {
    const flowDir = mkdtempSync(join(tmpdir(), 'flowspec-uid-'));
    const flow = join(flowDir, 'uid-twice.flow.yaml');
    writeFileSync(flow, TWICE);
    const expected = await loadExpected(flow);
    const messages = synthesizeInstance(expected, addressesFor(expected), {
      instance: 0,
      startNs: 1_700_000_000_000_000_000n,
      stepNs: 1_000_000n,
    });
    const withUid = (uids: Readonly<Record<string, string>>, name: string): string =>
      writeCapture(
        messages.map((m) => {
          const uid = uids[m.step];
          return uid === undefined
            ? m
            : { ...m, text: m.text.replace('\r\n\r\n', `\r\nMessage-UID: ${uid}\r\n\r\n`) };
        }),
        `${name}.pcap`,
      );
    const run = async (file: string): Promise<Report> => {
      const r = await cli(['diff', flow, file, '--format', 'json']);
      expect(r.err).toBe('');
      return JSON.parse(r.out) as Report;
    };
    const failing = (r: Report): unknown[] =>
      r.instances.flatMap((i) =>
        i.steps.filter((s) => s.status !== 'matched').map((s) => [s.id, s.diffs]),
      );
    expect(failing(await run(withUid({ '3@0': 'u-1', '5@0': 'u-1' }, 'same')))).toEqual([]);
    expect(failing(await run(withUid({ '3@0': 'u-1', '5@0': 'u-2' }, 'other')))).toEqual([
      ['5', [{ field: 'headers.Message-UID', expected: 'u-1 (var.uid)', actual: 'u-2' }]],
    ]);
    expect(failing(await run(withUid({ '5@0': 'u-2' }, 'first-missing')))).toEqual([
      ['3', [{ field: 'headers.Message-UID', expected: 'var.uid (present)', actual: '(absent)' }]],
    ]);
  });
});

describe('facts that cannot be used', () => {
  it('a bad --fact is a usage error naming the argument; a bad policy in the map is located', async () => {
    const flow = 'flows/cpm/pf-bye-originating.flow.yaml';
    const expected = await loadExpected(flow);
    const file = writeCapture(
      synthesizeInstance(expected, addressesFor(expected), {
        instance: 0,
        startNs: 1_700_000_000_000_000_000n,
        stepNs: 1_000_000n,
      }),
      'bad-facts.pcap',
    );
    const cases: [string[], string][] = [
      [
        ['--fact', 'policy.allowOfflineStorage'],
        '--fact policy.allowOfflineStorage: expected name=value (policy.allowOfflineStorage=true)',
      ],
      [
        ['--fact', 'policy.allowOfflineStorage=yes'],
        '--fact policy.allowOfflineStorage=yes: policy.allowOfflineStorage is true or false, not "yes"',
      ],
      [
        ['--fact', 'session.iwfCount=two'],
        '--fact session.iwfCount=two: session.iwfCount is a number, not "two"',
      ],
      [
        ['--fact', 'policy.iwfRelease=close-all'],
        "--fact policy.iwfRelease=close-all: policy.iwfRelease is one of 'close-sender-media', 'close-session', not \"close-all\"",
      ],
      [
        ['--fact', 'policy.storage=true'],
        '--fact policy.storage=true: "policy.storage" is no fact',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['diff', flow, file, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err, args.join(' ')).toContain(message);
    }
    const map = join(dir, 'bad-policy.map.yaml');
    writeFileSync(
      map,
      'participants:\n  clientA: 127.0.0.10\npolicies:\n  policy.allowOfflineStorage: maybe\n',
    );
    const r = await cli(['diff', flow, file, '--map', map]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `${map}:4:3: policies: policy.allowOfflineStorage is true or false, not "maybe"`,
    );
  });
});
