/**
 * OMA CPM 8.2.2.3 and 8.3.2.3 (a CPM Participating Function handles a SIP BYE
 * request of an existing CPM Session) through real SIP/IP Cores: a Kamailio
 * per SIP/IP Core (record-routing, one worker, each on its own address), the
 * generated CPM Participating Function under test under `flowspec run
 * --commands` (proxy or B2BUA), SIPp as the served CPM Client. The other CPM
 * entity is the generated terminating Participating Function (8.2.2.3, the
 * same `flowspec run`) or SIPp (8.3.2.3: the generated originating one sends
 * its own INVITE to its second outbound hop only, skipping the SIP/IP Core;
 * docs/interop.md, finding B3). Everything is captured on `lo`
 * and kept in test-output/interop/<name>/ with the topology, the capture's
 * address map.
 *
 * The flows leave the SIP/IP Cores out, so the topologies list each Core's
 * address with the Participating Function of its network: a hop between a
 * Participating Function and its own Core is then a message between two
 * addresses of one participant, which no step of the flows draws. `hopsInside`
 * names those frames and `withoutHopsInside` writes the capture without them.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import {
  allocateAddressBlock,
  artifactDir,
  pollUntil,
  startBlockCapture,
  startFlowspecRun,
  startKamailio,
  startSipp,
  tsharkSip,
  withTeardown,
  type EntryResult,
  type FlowspecRun,
  type RunStatus,
  type RunStop,
  type Sipp,
  type SippResult,
  type Teardown,
  type TsharkSip,
} from './harness/index.js';
import { topologyFromExample } from './run-topology.js';

const run = promisify(execFile);

/** Hosts of the run's address block. */
export const PF_BYE_HOSTS = {
  coreA: 1,
  pfA: 2,
  coreB: 3,
  pfB: 4,
  clientA: 11,
  clientB: 12,
} as const;

/** The procedure: 8.2.2.3 at Participating Function A, 8.3.2.3 at Participating Function B. */
export type ByeSide = 'originating' | 'terminating';

/** One case of the generated tests (generated/tests/cpm-pf-bye-*.test.ts), not interworked. */
export interface ByeCase {
  readonly side: ByeSide;
  readonly mode: 'proxy' | 'b2bua';
  /** Who sends the SIP BYE request (trigger.from). */
  readonly from: 'served-client' | 'other-entity';
  /** policy.allowOfflineStorage (B2BUA mode only; a proxy takes no storage action). */
  readonly storage: boolean;
}

/** The flow of each side. */
export const PF_BYE_FLOWS: Readonly<Record<ByeSide, string>> = {
  originating: 'flows/cpm/pf-bye-originating.flow.yaml',
  terminating: 'flows/cpm/pf-bye-terminating.flow.yaml',
};

/** What a run leaves behind. */
export interface PfByeRun {
  readonly dir: string;
  readonly capture: string;
  readonly topology: string;
  /** The JSON-lines file of the Message Storage Server of the Participating Function under test. */
  readonly storage?: string;
  /** The served CPM Client (SIPp). */
  readonly client: SippResult;
  /** The other CPM entity when SIPp plays it (the terminating side). */
  readonly peer: SippResult | undefined;
  /** The entry points called: the other CPM entity's BYE (originating side). */
  readonly calls: readonly { readonly entry: string; readonly result: EntryResult }[];
  /** The `error:` lines of `flowspec run` (flow deviations of the generated roles). */
  readonly errors: readonly string[];
  /** Actions each started participant took (`status`), before the stop. */
  readonly actions: Readonly<Record<string, readonly string[]>>;
  readonly idle: RunStatus;
  readonly stopped: RunStop;
}

/** A short name for artifacts: "originating-b2bua-other-entity-storage". */
export function caseName(c: ByeCase): string {
  return `${c.side}-${c.mode}-${c.from}${c.storage ? '-storage' : ''}`;
}

/**
 * Sets a one-to-one CPM Session up through the Participating Function under test and has the
 * served CPM Client (SIPp) or the other CPM entity (`call ... pfBye...`) send the SIP BYE request.
 */
export async function runPfBye(name: string, c: ByeCase): Promise<PfByeRun> {
  const dir = artifactDir(name);
  const block = allocateAddressBlock();
  const host = (id: keyof typeof PF_BYE_HOSTS): string => block.host(PF_BYE_HOSTS[id]);
  const at = (id: keyof typeof PF_BYE_HOSTS): string => `${host(id)}:5060`;
  return withTeardown(async (teardown) => {
    const topology = topologyFromExample(
      `cpm-pf-bye-${c.side}-${c.mode}.topology.yaml`,
      join(dir, 'topology.yaml'),
      block.prefix,
      'timers: { t1: 25, t2: 400, t4: 500 }',
    );
    // OMA CPM Appendix C: the Participating Function under test stores to a Message Storage
    // Server whose store is a JSON-lines file of the run (run.<id>.storage, docs/run.md).
    const sut = c.side === 'originating' ? 'pfA' : 'pfB';
    const storage = c.storage ? join(dir, 'storage', 'session-history.jsonl') : undefined;
    if (c.storage) {
      const text = readFileSync(topology, 'utf8');
      const withStorage = text
        .replace('policy.allowOfflineStorage: false', 'policy.allowOfflineStorage: true')
        .replace(
          `\n  ${sut}:\n    mode: b2bua\n`,
          `\n  ${sut}:\n    mode: b2bua\n    storage: { file: storage/session-history.jsonl }\n`,
        );
      if (!withStorage.includes('storage: { file:'))
        throw new Error(
          `${topology}: no run.${sut} in B2BUA mode to give a Message Storage Server`,
        );
      writeFileSync(topology, withStorage);
    }
    const core = (id: 'coreA' | 'coreB') =>
      startKamailio(
        {
          name: id,
          template: 'sip-core.cfg.tpl',
          address: host(id),
          workDir: join(dir, `kamailio-${id}`),
          probeFrom: block.probeHost,
        },
        teardown,
      );
    // Started side by side (none sends before the clients do; the Cores' readiness probes come
    // from a host the capture leaves out), each registered with the teardown before any throws.
    // On the terminating side the other CPM entity reaches Participating Function B through
    // SIP/IP Core B alone, so Core A is not started.
    const [capture, coreA, coreB, pfs] = await settledAll([
      startBlockCapture(name, dir, block, teardown),
      c.side === 'originating' ? core('coreA') : Promise.resolve(undefined),
      core('coreB'),
      startFlowspecRun({ name: 'cpm-pfs', topology, workDir: dir, commands: true }, teardown),
    ] as const);
    const calls: { entry: string; result: EntryResult }[] = [];
    const call = async (participant: string, entry: string): Promise<void> => {
      calls.push({ entry, result: await pfs.call(participant, entry) });
    };
    let client: SippResult;
    let peer: SippResult | undefined;
    if (c.side === 'originating') {
      // CPM Client A addresses the other CPM entity; its route goes through Core A and
      // Participating Function A, and on through both Cores for a proxy (it record-routes).
      const route = (
        c.mode === 'b2bua'
          ? [host('coreA'), at('pfA')]
          : [host('coreA'), at('pfA'), host('coreA'), host('coreB')]
      )
        .map((hop) => `<sip:${hop};lr>`)
        .join(', ');
      const sipp = await startSipp(
        {
          name: 'clientA',
          scenario:
            c.from === 'served-client' ? 'cpm-client-close-uac.xml' : 'cpm-client-closed-uac.xml',
          address: host('clientA'),
          remote: coreA?.hostport ?? '',
          calls: 1,
          pauseMs: 300,
          timeoutSeconds: 30,
          workDir: dir,
          keys: {
            session_uri: `sip:pfB@${at('pfB')}`,
            route,
            client_uri: 'sip:clientA@networkA.test',
            client_user: 'clientA',
          },
        },
        teardown,
      );
      if (c.from === 'other-entity') {
        await sessionUp(pfs, 'pfB');
        // The other CPM entity's BYE: one entry point per operand of the procedure.
        await call('pfB', c.mode === 'proxy' ? 'pfByeOriginating' : 'pfByeOriginating2');
      }
      client = await sipp.finished();
    } else {
      // CPM Client B answers; the other CPM entity (SIPp on Participating Function A's address)
      // addresses it through Core B and Participating Function B, and on through Core B again
      // for a proxy (it record-routes; a B2BUA sends its server leg to Core B itself).
      const clientB = await startCpmClientB(c.from, host('clientB'), dir, teardown);
      const route = (
        c.mode === 'b2bua' ? [host('coreB'), at('pfB')] : [host('coreB'), at('pfB'), host('coreB')]
      )
        .map((hop) => `<sip:${hop};lr>`)
        .join(', ');
      const pfA = await startSipp(
        {
          name: 'pfA',
          scenario:
            c.from === 'other-entity' ? 'cpm-client-close-uac.xml' : 'cpm-client-closed-uac.xml',
          address: host('pfA'),
          remote: coreB.hostport,
          calls: 1,
          pauseMs: 300,
          timeoutSeconds: 30,
          workDir: dir,
          keys: {
            session_uri: `sip:clientB@${at('clientB')}`,
            route,
            client_uri: `sip:pfA@${host('pfA')}`,
            client_user: 'pfA',
          },
        },
        teardown,
      );
      [client, peer] = await Promise.all([clientB.finished(), pfA.finished()]);
    }
    const idle = await pfs.waitIdle(15_000);
    const states = await pfs.states();
    const actions = Object.fromEntries(
      Object.entries(states).map(([id, state]) => [id, state.actions]),
    );
    const errors = pfs.errors();
    const stopped = await pfs.stop();
    await capture.stop();
    return {
      dir,
      capture: capture.file,
      topology,
      ...(storage !== undefined ? { storage } : {}),
      client,
      peer,
      calls,
      errors,
      actions,
      idle,
      stopped,
    };
  });
}

/** Promise.all that waits for every promise to settle before it rejects with the first reason. */
async function settledAll<T extends readonly unknown[]>(promises: {
  readonly [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Waits until `participant` holds the session's dialog (the ACK of its 200 came). */
async function sessionUp(pfs: FlowspecRun, participant: string): Promise<void> {
  await pollUntil(
    async () => {
      const state = (await pfs.states())[participant];
      return state && state.dialogs > 0 && state.transactions === 0 ? true : undefined;
    },
    {
      peer: `flowspec run ${participant}`,
      what: 'the CPM Session',
      timeoutMs: 10_000,
      log: () => pfs.process.log,
    },
  );
}

/** Participant id -> its IP addresses, from a topology's `participants:`. */
export function topologyAddresses(topology: string): Map<string, string[]> {
  const doc = parse(readFileSync(topology, 'utf8')) as {
    participants: Record<string, string | string[]>;
  };
  const out = new Map<string, string[]>();
  for (const [id, value] of Object.entries(doc.participants)) {
    const list = Array.isArray(value) ? value : [value];
    out.set(
      id,
      list.map((a) => a.replace(/:\d+$/, '')),
    );
  }
  return out;
}

/** The participant an "ip:port" belongs to, by its IP. */
function owner(addresses: Map<string, string[]>, hostport: string): string | undefined {
  const ip = hostport.replace(/:\d+$/, '');
  for (const [id, ips] of addresses) if (ips.includes(ip)) return id;
  return undefined;
}

/**
 * The SIP messages between two addresses of one participant: the hops between a Participating
 * Function and the SIP/IP Core the topology lists with it, which the flows leave out.
 */
export function hopsInside(
  messages: readonly TsharkSip[],
  addresses: Map<string, string[]>,
): TsharkSip[] {
  return messages.filter((m) => {
    const from = owner(addresses, m.src);
    return from !== undefined && from === owner(addresses, m.dst);
  });
}

/** Writes the capture without the hops inside a participant (tshark); returns its path. */
export async function withoutHopsInside(
  capture: string,
  addresses: Map<string, string[]>,
  out: string,
): Promise<string> {
  const inside = [...addresses.values()]
    .filter((ips) => ips.length > 1)
    .map((ips) => {
      const set = `{${ips.join(', ')}}`;
      return `(ip.src in ${set} && ip.dst in ${set})`;
    });
  const filter = inside.length > 0 ? `!(${inside.join(' || ')})` : 'frame';
  await run('tshark', ['-r', capture, '-Y', filter, '-w', out], { timeout: 60_000 });
  return out;
}

/** The SIP messages of a capture. */
export function sipMessages(capture: string): Promise<TsharkSip[]> {
  return tsharkSip(capture);
}

/** Header fields of the SIP messages of a capture by frame (`sip.msg_hdr`, tshark). */
export async function sipHeaders(capture: string): Promise<Map<number, string>> {
  const { stdout } = await run(
    'tshark',
    [
      '-r',
      capture,
      '-Y',
      'sip && !icmp',
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'sip.msg_hdr',
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  const out = new Map<number, string>();
  for (const line of stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) out.set(Number(line.slice(0, tab)), line.slice(tab + 1));
  }
  return out;
}

/**
 * CPM Client B under SIPp, answering the session of 8.3.2.3 and then the BYE it is sent (from the
 * served client's side, `cpm-client-bye-uas.xml`) or sends (`called-ue-uas.xml`).
 */
export function startCpmClientB(
  from: 'served-client' | 'other-entity',
  address: string,
  dir: string,
  teardown: Teardown,
): Promise<Sipp> {
  return startSipp(
    {
      name: 'clientB',
      scenario: from === 'served-client' ? 'cpm-client-bye-uas.xml' : 'called-ue-uas.xml',
      address,
      calls: 1,
      pauseMs: 300,
      timeoutSeconds: 30,
      workDir: dir,
      keys: { called_user: 'clientB', contact_params: '' },
    },
    teardown,
  );
}
