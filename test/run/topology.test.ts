/**
 * Topology files of `flowspec run`: the shipped examples load against their
 * flows and are valid `flowspec diff --map` files; every mistake is a
 * located error (file:line:column) naming what is wrong.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAddressMap } from '../../generator/conformance/map-file.js';
import { parseTopology, TopologyError } from '../../launcher/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'topologies');
const FLOW = join(ROOT, 'flows/poc/leave-on-demand.flow.yaml');

async function errorOf(text: string): Promise<string> {
  try {
    await parseTopology(text, '/t/bad.topology.yaml');
  } catch (e) {
    if (e instanceof TopologyError) return e.message;
    throw e;
  }
  throw new Error('the topology was accepted');
}

const base = (run: string, extra = ''): string =>
  [
    `flow: ${FLOW}`,
    'participants:',
    '  clientA: 127.0.0.1:5061',
    '  coreA: 127.0.0.2:5060',
    '  serverA: 127.0.0.3:5060',
    '  serverX: 127.0.0.4',
    'run:',
    run,
    extra,
  ].join('\n');

describe('shipped topologies', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.topology.yaml'));

  it('ships one for PoC and one for CPM', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'poc-leave-on-demand.topology.yaml',
        'cpm-close-pf-on-media-path.topology.yaml',
      ]),
    );
  });

  it.each(files)('%s loads against its flow and is a diff map of it', async (name) => {
    const file = join(EXAMPLES, name);
    const text = readFileSync(file, 'utf8');
    const topology = await parseTopology(text, file);
    const flow = topology.flow;
    expect(flow).toBeDefined();
    if (!flow) return;
    expect(topology.run.length).toBeGreaterThan(0);
    for (const r of topology.run) expect(flow.participants.get(r.id)?.role).toBe(r.role);
    const map = parseAddressMap(text, file, flow);
    expect([...map.keys()].sort()).toEqual([...topology.addresses.keys()].sort());
  });
});

describe('a topology', () => {
  it('takes roles and modes from the flow, outbound hops from the participants, policies by role', async () => {
    const t = await parseTopology(
      base(
        '  serverA: { outbound: [coreA, "127.0.0.9:5070"], served: ["sip:a@x.test"] }\n  PoC Server X: { policies: { session.kind: on-demand } }',
        'policies: { policy.release: continue, race.winner: 2xx }\ntimers: { t1: 50 }',
      ).replace('127.0.0.4', '127.0.0.4:5060'),
      '/t/ok.topology.yaml',
    );
    const [serverA, serverX] = t.run;
    expect(serverA).toMatchObject({
      id: 'serverA',
      role: 'poc-server-participating',
      mode: 'b2bua',
      address: '127.0.0.3',
      port: 5060,
      servedUsers: ['sip:a@x.test'],
      policies: { 'race.winner': '2xx' },
    });
    expect(serverA?.outbound.map((h) => h.uri)).toEqual([
      'sip:127.0.0.2:5060',
      'sip:127.0.0.9:5070',
    ]);
    expect(serverA?.outbound[0]?.participant).toBe('coreA');
    expect(serverX?.policies).toEqual({
      'policy.release': 'continue',
      'session.kind': 'on-demand',
    });
    expect(t.timers).toEqual({ t1: 50 });
  });

  it('takes the transports a participant listens on, the first advertised (RFC 3261 18)', async () => {
    const t = await parseTopology(
      base('  serverA: { transports: [tcp, udp] }'),
      '/t/ok.topology.yaml',
    );
    expect(t.run[0]?.transports).toEqual(['tcp', 'udp']);
    const plain = await parseTopology(base('  serverA: {}'), '/t/ok.topology.yaml');
    expect(plain.run[0]?.transports).toBeUndefined();
  });

  it.each([
    [
      'an unknown participant',
      base('  serverQ: {}'),
      '/t/bad.topology.yaml:8:3: "serverQ" is neither a participant id nor a label of flow poc.leave.on-demand',
    ],
    [
      'a participant without a port to listen on',
      base('  serverX: {}'),
      '/t/bad.topology.yaml:8:3: run.serverX: "participants:" must give serverX an "ip:port" to listen on',
    ],
    [
      'a bad address',
      base('  serverA: {}').replace('127.0.0.2:5060', '127.0.0.2:50x'),
      '/t/bad.topology.yaml:4:10: "127.0.0.2:50x" is not an address',
    ],
    [
      'a policy value the role does not know',
      base('  serverA: {}', 'policies:\n  policy.release: sometimes'),
      '/t/bad.topology.yaml:10:19: policy.release: "sometimes" is not one of "release-all", "continue"',
    ],
    [
      'a transport other than udp and tcp',
      base('  serverA: { transports: [tcp, sctp] }'),
      '/t/bad.topology.yaml:8:32: run.serverA.transports: "sctp" is neither udp nor tcp',
    ],
    [
      'a transport named twice',
      base('  serverA: { transports: [udp, udp] }'),
      '/t/bad.topology.yaml:8:26: run.serverA.transports: a transport named twice',
    ],
    [
      'a policy no role reads',
      base('  serverA: {}', 'policies:\n  policy.colour: red'),
      '/t/bad.topology.yaml:10:3: policies: no generated role reads "policy.colour"',
    ],
    [
      "a policy of another role under a participant's own",
      base('  serverA:\n    policies: { policy.release: continue }'),
      '/t/bad.topology.yaml:9:17: run.serverA.policies: role poc-server-participating reads no policy "policy.release"',
    ],
    [
      'a mode the role does not run in',
      base('  serverA: { mode: proxy }'),
      '/t/bad.topology.yaml:8:20: run.serverA: role poc-server-participating runs as b2bua, not proxy',
    ],
    [
      'an outbound hop that is neither a participant nor an address',
      base('  serverA: { outbound: [coreQ] }'),
      '/t/bad.topology.yaml:8:25: run.serverA.outbound: "coreQ" is neither a participant',
    ],
    [
      'a served user that is not a SIP URI',
      base('  serverA: { served: [alice] }'),
      '/t/bad.topology.yaml:8:23: run.serverA.served: "alice" is not a SIP URI',
    ],
    [
      'an unknown key',
      base('  serverA: { proxies: [coreA] }'),
      '/t/bad.topology.yaml:8:14: run.serverA: unknown key "proxies"',
    ],
    [
      'a timer of zero',
      base('  serverA: {}', 'timers: { t1: 0 }'),
      '/t/bad.topology.yaml:9:15: timers.t1: a whole number of milliseconds above 0',
    ],
    [
      'a flow that does not exist',
      base('  serverA: {}').replace(FLOW, 'nowhere.flow.yaml'),
      '/t/bad.topology.yaml:1:7: flow nowhere.flow.yaml',
    ],
    ['YAML that does not parse', 'participants:\n  a: [1\n', '/t/bad.topology.yaml:3:1:'],
    [
      'a role without a generated module',
      'participants:\n  store: 127.0.0.1:5070\nrun:\n  store: { role: message-storage }',
      '/t/bad.topology.yaml:4:18: run.store: no generated role "message-storage"',
    ],
  ])('rejects %s at its place', async (_what, text, expected) => {
    expect(await errorOf(text)).toContain(expected);
  });
});

describe('run.<id>.storage: the Message Storage Server of a CPM Participating Function', () => {
  const PF_FLOW = join(ROOT, 'flows/cpm/pf-bye-originating.flow.yaml');
  const pf = (run: string): string =>
    [
      `flow: ${PF_FLOW}`,
      'participants:',
      '  clientA: 127.0.0.1:5061',
      '  pfA: 127.0.0.2:5060',
      'run:',
      run,
    ].join('\n');

  it('takes the JSON-lines file of its store, relative to the topology', async () => {
    const topology = await parseTopology(
      pf('  pfA: { mode: b2bua, storage: { file: store/history.jsonl } }'),
      '/t/pf.topology.yaml',
    );
    expect(topology.run.find((r) => r.id === 'pfA')?.storage).toEqual({
      file: '/t/store/history.jsonl',
    });
  });

  it.each([
    [
      'a storage without a file',
      pf('  pfA: { mode: b2bua, storage: { directory: store } }'),
      '/t/bad.topology.yaml:6:32: run.pfA.storage: { file: <path> }',
    ],
    [
      'a storage for a role that stores nothing',
      pf('  clientA: { storage: { file: h.jsonl } }'),
      '/t/bad.topology.yaml:6:23: run.clientA.storage: role cpm-client gives no indication to a Message Storage Server',
    ],
  ])('rejects %s at its place', async (_what, text, expected) => {
    expect(await errorOf(text)).toContain(expected);
  });
});
