/**
 * Topology files of `flowspec run`: the address map of `flowspec diff --map`
 * (`participants:` id or label -> "ip:port"), extended with how to start the
 * participants this process plays (`run:` role, mode, outbound proxies,
 * next hop, served users) and the operator policies (`policies:`). The same
 * file is the map that checks a capture of the run. Every problem is a
 * {@link TopologyError} at file:line:column.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseAddress, type AddressSpec } from '../generator/conformance/address-map.js';
import { loadFlowSet } from '../generator/project/flow-set.js';
import type { Flow } from '../generator/model/flow-model.js';
import type { TransportTarget } from '../runtime/sip/transport/index.js';
import { getCatalogRole, ROLE_CATALOG, type PolicyValue } from './role-catalog.js';
import { TopologyError } from './topology-error.js';
import { readPolicies, readTimers, type Fail, type TopologyTimers } from './topology-values.js';

/** A hop of an outbound path or a next hop: another participant, or an address of its own. */
export interface HopSpec {
  /** The participant id it names, when it names one. */
  readonly participant?: string;
  readonly target: TransportTarget;
  /** A SIP URI for it: the one written, or sip:<ip>:<port>. */
  readonly uri: string;
}

/** One participant `flowspec run` starts. */
export interface RunSpec {
  readonly id: string;
  readonly role: string;
  readonly mode: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly aor: string;
  readonly servedUsers: readonly string[];
  /** Proxies its own requests preload and its server legs pass, first hop first. */
  readonly outbound: readonly HopSpec[];
  readonly nextHop?: HopSpec;
  /** Transports it listens on, on its one port, the first advertised (RFC 3261 18); UDP when absent. */
  readonly transports?: readonly ('udp' | 'tcp')[];
  readonly policies: Readonly<Record<string, PolicyValue>>;
  /**
   * The Message Storage Server the participant gives its indications to (OMA CPM Appendix C:
   * the CPM Participating Function stores the CPM Session History there): the JSON-lines file
   * of its store, an absolute path.
   */
  readonly storage?: { readonly file: string };
}

/** A topology read from a file. */
export interface Topology {
  readonly file: string;
  /** The flow the ids come from, when the file names one. */
  readonly flow?: Flow;
  /** Every participant's addresses (the diff map). */
  readonly addresses: ReadonlyMap<string, readonly AddressSpec[]>;
  /** The participants this process can start, in file order. */
  readonly run: readonly RunSpec[];
  /** T1, T2, T4 in milliseconds (RFC 3261 17.1.1.1) where the file sets them. */
  readonly timers: Readonly<TopologyTimers>;
}

const TOP_KEYS = ['flow', 'participants', 'run', 'policies', 'timers'] as const;
const RUN_KEYS = [
  'role',
  'mode',
  'outbound',
  'nextHop',
  'served',
  'user',
  'aor',
  'transports',
  'policies',
  'storage',
] as const;

/** Reads a topology file; paths in it are relative to the file. */
export async function readTopology(file: string): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TopologyError(file, 1, 1, code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
  return parseTopology(text, file);
}

/** Parses topology text (see {@link readTopology}). */
export async function parseTopology(text: string, file: string): Promise<Topology> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const fail = (node: Node | null | undefined, reason: string): never => {
    const p = lines.linePos(node?.range?.[0] ?? 0);
    throw new TopologyError(file, p.line, p.col, reason);
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const p = lines.linePos(firstError.pos[0]);
    throw new TopologyError(file, p.line, p.col, firstError.message.split('\n')[0] ?? 'YAML error');
  }
  const root = doc.contents;
  if (!isMap(root)) return fail(root, 'a topology is a mapping with "participants:" and "run:"');
  const top = new Map<string, { key: Node; value: Node | null }>();
  for (const pair of root.items) {
    const key = pair.key as Node;
    const name = isScalar(key) ? String(key.value) : '';
    if (!(TOP_KEYS as readonly string[]).includes(name))
      fail(key, `unknown key "${name}" (a topology has ${TOP_KEYS.join(', ')})`);
    top.set(name, { key, value: pair.value as Node | null });
  }

  const flowNode = top.get('flow');
  const flow = flowNode ? await loadTopologyFlow(flowNode.value, file, fail) : undefined;
  const byLabel = new Map([...(flow?.participants.values() ?? [])].map((p) => [p.label, p.id]));
  const idOf = (key: Node): string => {
    const name = isScalar(key) ? String(key.value) : fail(key, 'a participant id is a string');
    if (!flow) return name;
    const id = flow.participants.has(name) ? name : byLabel.get(name);
    if (id === undefined)
      fail(
        key,
        `"${name}" is neither a participant id nor a label of flow ${flow.id} (participants: ${[...flow.participants.keys()].join(', ')})`,
      );
    return id as string;
  };

  // participants: exactly the diff map.
  const participantsNode = top.get('participants');
  if (!participantsNode || !isMap(participantsNode.value))
    return fail(
      participantsNode?.value ?? participantsNode?.key ?? root,
      'a topology needs "participants:" mapping ids or labels to "ip:port" (the `flowspec diff --map` format)',
    );
  const addresses = new Map<string, AddressSpec[]>();
  for (const pair of participantsNode.value.items) {
    const id = idOf(pair.key as Node);
    const value = pair.value as Node | null;
    const items = isSeq(value) ? (value.items as Node[]) : [value];
    const specs = items.map((item) => {
      const spec =
        isScalar(item) && typeof item.value === 'string' ? parseAddress(item.value) : undefined;
      return (
        spec ??
        fail(
          item ?? (pair.key as Node),
          `${JSON.stringify(isScalar(item) ? item.value : null)} is not an address ("ip", "ip:port" or "[ipv6]:port")`,
        )
      );
    });
    addresses.set(id, [...(addresses.get(id) ?? []), ...specs]);
  }

  const hop = (node: Node | null, what: string): HopSpec => {
    const raw = isScalar(node)
      ? String(node.value)
      : fail(node, `${what}: a participant id or "ip:port"`);
    const asId = flow ? (flow.participants.has(raw) ? raw : byLabel.get(raw)) : raw;
    const known = asId !== undefined ? addresses.get(asId) : undefined;
    if (known && asId !== undefined) {
      const spec = known[0];
      if (spec?.port === undefined)
        fail(node, `${what}: participant ${asId} has no port in "participants:"`);
      const target = { transport: 'udp' as const, address: spec?.ip ?? '', port: spec?.port ?? 0 };
      return { participant: asId, target, uri: `sip:${hostport(target)}` };
    }
    const uriMatch = /^sips?:(?:[^@;>]*@)?([^;>]+)/.exec(raw);
    const spec = parseAddress(uriMatch ? (uriMatch[1] ?? '') : raw);
    if (!spec || spec.port === undefined)
      fail(
        node,
        `${what}: "${raw}" is neither a participant of "participants:" nor an "ip:port" or SIP URI with a port`,
      );
    const target = { transport: 'udp' as const, address: spec?.ip ?? '', port: spec?.port ?? 0 };
    return { target, uri: uriMatch ? raw : `sip:${hostport(target)}` };
  };

  // policies: for every started participant whose role reads them.
  const globalPolicies = readPolicies(top.get('policies')?.value ?? null, fail, undefined);

  const runNode = top.get('run');
  if (!runNode || !isMap(runNode.value))
    return fail(
      runNode?.value ?? runNode?.key ?? root,
      'a topology needs "run:" with the participants `flowspec run` starts (id: { role, ... })',
    );
  const run: RunSpec[] = [];
  for (const pair of runNode.value.items) {
    const key = pair.key as Node;
    const id = idOf(key);
    const value = pair.value as Node | null;
    if (value !== null && !isMap(value))
      fail(value, `run.${id}: a mapping of ${RUN_KEYS.join(', ')}`);
    const fields = new Map<string, Node | null>();
    for (const f of isMap(value) ? value.items : []) {
      const k = f.key as Node;
      const name = isScalar(k) ? String(k.value) : '';
      if (!(RUN_KEYS as readonly string[]).includes(name))
        fail(k, `run.${id}: unknown key "${name}" (known: ${RUN_KEYS.join(', ')})`);
      fields.set(name, f.value as Node | null);
    }
    const scalar = (name: string): string | undefined => {
      const n = fields.get(name);
      if (n === undefined) return undefined;
      if (!isScalar(n) || typeof n.value !== 'string')
        fail(n ?? key, `run.${id}.${name}: a string`);
      return String((n as { value: unknown }).value);
    };
    const fromFlow = flow?.participants.get(id);
    const role = scalar('role') ?? fromFlow?.role;
    if (role === undefined)
      return fail(
        key,
        `run.${id}: no role (give "role:", or "flow:" so that the flow's role is used)`,
      );
    const entry = getCatalogRole(role);
    if (!entry)
      fail(
        fields.get('role') ?? key,
        `run.${id}: no generated role "${role}" (roles: ${Object.keys(ROLE_CATALOG).join(', ')})`,
      );
    const modes = entry?.modes ?? [];
    const mode = scalar('mode') ?? fromFlow?.mode ?? modes[0] ?? '-';
    if (!modes.includes(mode))
      fail(
        fields.get('mode') ?? key,
        `run.${id}: role ${role} runs as ${modes.join(' or ')}, not ${mode}`,
      );
    const own = addresses.get(id)?.[0];
    if (!own || own.port === undefined)
      return fail(key, `run.${id}: "participants:" must give ${id} an "ip:port" to listen on`);
    const user = scalar('user') ?? id.replace(/\W/g, '');
    const outboundNode = fields.get('outbound');
    if (outboundNode !== undefined && !isSeq(outboundNode))
      fail(
        outboundNode ?? key,
        `run.${id}.outbound: a list of participant ids or "ip:port", first hop first`,
      );
    const outbound = isSeq(outboundNode)
      ? (outboundNode.items as Node[]).map((n) => hop(n, `run.${id}.outbound`))
      : [];
    if (outbound.length > 2)
      fail(
        outboundNode,
        `run.${id}.outbound: at most two proxies (the first hop and a loose Route after it)`,
      );
    const nextHopNode = fields.get('nextHop');
    const nextHop = nextHopNode !== undefined ? hop(nextHopNode, `run.${id}.nextHop`) : undefined;
    const servedNode = fields.get('served');
    if (servedNode !== undefined && !isSeq(servedNode))
      fail(servedNode ?? key, `run.${id}.served: a list of SIP URIs (addresses of record)`);
    const servedUsers = isSeq(servedNode)
      ? (servedNode.items as Node[]).map((n) => {
          if (!isScalar(n) || typeof n.value !== 'string' || !/^sips?:\S+$/.test(n.value))
            fail(
              n,
              `run.${id}.served: ${JSON.stringify(isScalar(n) ? n.value : null)} is not a SIP URI`,
            );
          return String((n as { value: unknown }).value);
        })
      : [];
    const transportsNode = fields.get('transports');
    let transports: ('udp' | 'tcp')[] | undefined;
    if (transportsNode !== undefined) {
      const items: Node[] =
        isSeq(transportsNode) && transportsNode.items.length > 0
          ? (transportsNode.items as Node[])
          : fail(
              transportsNode ?? key,
              `run.${id}.transports: a list of udp and tcp, the first advertised`,
            );
      const list = items.map((n): 'udp' | 'tcp' => {
        const v = isScalar(n) ? n.value : null;
        return v === 'udp' || v === 'tcp'
          ? v
          : fail(n, `run.${id}.transports: ${JSON.stringify(v)} is neither udp nor tcp`);
      });
      if (new Set(list).size !== list.length)
        fail(transportsNode, `run.${id}.transports: a transport named twice`);
      transports = list;
    }
    const storageNode = fields.get('storage');
    let storage: { file: string } | undefined;
    if (storageNode !== undefined) {
      const fileNode = isMap(storageNode)
        ? (storageNode.get('file', true) as Node | undefined)
        : undefined;
      if (
        !isMap(storageNode) ||
        storageNode.items.length !== 1 ||
        !isScalar(fileNode) ||
        typeof fileNode.value !== 'string' ||
        fileNode.value === ''
      )
        fail(
          storageNode ?? key,
          `run.${id}.storage: { file: <path> }, the JSON-lines file of its Message Storage Server`,
        );
      if (!entry?.localPeers.includes('storage'))
        fail(
          storageNode ?? key,
          `run.${id}.storage: role ${role} gives no indication to a Message Storage Server`,
        );
      storage = { file: resolve(dirname(file), String((fileNode as { value: unknown }).value)) };
    }
    const ownPolicies = readPolicies(fields.get('policies') ?? null, fail, { id, role });
    // Global policies apply where the role reads them; the participant's own ones override.
    const policies: Record<string, PolicyValue> = {};
    for (const [k, v] of Object.entries(globalPolicies))
      if (entry && Object.hasOwn(entry.policies, k)) policies[k] = v;
    Object.assign(policies, ownPolicies);
    run.push({
      id,
      role,
      mode,
      address: own.ip,
      port: own.port,
      user,
      aor: scalar('aor') ?? `sip:${user}@${own.ip}`,
      servedUsers,
      outbound,
      ...(nextHop ? { nextHop } : {}),
      ...(transports ? { transports } : {}),
      policies,
      ...(storage ? { storage } : {}),
    });
  }
  const timers = readTimers(top.get('timers')?.value ?? null, fail);
  return { file, ...(flow ? { flow } : {}), addresses, run, timers };
}

function hostport(t: TransportTarget): string {
  return t.address.includes(':') ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`;
}

async function loadTopologyFlow(node: Node | null, file: string, fail: Fail): Promise<Flow> {
  if (!isScalar(node) || typeof node.value !== 'string')
    return fail(node, 'flow: the path of a flow file, relative to the topology');
  const path = resolve(dirname(file), node.value);
  let set;
  try {
    set = await loadFlowSet([path]);
  } catch (e) {
    return fail(node, `flow ${node.value}: ${(e as Error).message}`);
  }
  const loaded = set.requested[0];
  const problem = loaded?.findings.find((f) => f.severity === 'error');
  if (!loaded?.flow)
    return fail(
      node,
      `flow ${node.value} does not load${problem ? ` (${problem.file}:${problem.line}:${problem.column}: ${problem.message})` : ''}`,
    );
  return loaded.flow;
}
