/**
 * The value sections of a topology file: operator policies (checked against
 * what each generated role reads, role-catalog.ts) and the transaction
 * timers (RFC 3261 17.1.1.1). Problems are reported through the caller's
 * located `fail`.
 */
import { isMap, isScalar, type Node } from 'yaml';
import {
  getCatalogRole,
  ROLE_CATALOG,
  type PolicyValue,
  type PolicyValues,
} from './role-catalog.js';

/** Reports a problem at a node of the topology text (file:line:column) and throws. */
export type Fail = (node: Node | null | undefined, reason: string) => never;

/** The timers a topology may set. */
export const TIMER_KEYS = ['t1', 't2', 't4', 'timerD'] as const;

/** T1, T2, T4 and Timer D (RFC 3261 17.1.1.1, 17.1.1.2) in milliseconds. */
export type TopologyTimers = Partial<Record<(typeof TIMER_KEYS)[number], number>>;

/** Reads a `policies:` mapping; with `owner`, every policy must be one its role reads. */
export function readPolicies(
  node: Node | null,
  fail: Fail,
  owner: { readonly id: string; readonly role: string } | undefined,
): Record<string, PolicyValue> {
  if (node === null) return {};
  if (!isMap(node)) return fail(node, 'policies: a mapping of guard names to values');
  const out: Record<string, PolicyValue> = {};
  const known: Record<string, PolicyValues> = owner
    ? { ...getCatalogRole(owner.role)?.policies }
    : Object.assign({}, ...Object.values(ROLE_CATALOG).map((r) => r.policies));
  for (const pair of node.items) {
    const key = pair.key as Node;
    const name = isScalar(key) ? String(key.value) : '';
    const values = Object.hasOwn(known, name) ? known[name] : undefined;
    if (values === undefined)
      fail(
        key,
        owner
          ? `run.${owner.id}.policies: role ${owner.role} reads no policy "${name}" (it reads: ${Object.keys(known).join(', ') || 'none'})`
          : `policies: no generated role reads "${name}" (known: ${Object.keys(known).sort().join(', ')})`,
      );
    const value = pair.value as Node | null;
    const v = isScalar(value) ? value.value : undefined;
    const ok =
      values === 'number' ? typeof v === 'number' : (values ?? []).some((allowed) => allowed === v);
    if (!ok)
      fail(
        value ?? key,
        `${name}: ${JSON.stringify(v ?? null)} is not one of ${values === 'number' ? 'a number' : (values ?? []).map((x) => JSON.stringify(x)).join(', ')}`,
      );
    out[name] = v as PolicyValue;
  }
  return out;
}

/** Reads `timers:` (T1, T2, T4 in ms, RFC 3261 17.1.1.1; Timer J and H are 64*T1). */
export function readTimers(node: Node | null, fail: Fail): TopologyTimers {
  if (node === null) return {};
  if (!isMap(node)) return fail(node, 'timers: a mapping of t1, t2, t4 to milliseconds');
  const out: TopologyTimers = {};
  for (const pair of node.items) {
    const key = pair.key as Node;
    const name = isScalar(key) ? String(key.value) : '';
    const timer = TIMER_KEYS.find((t) => t === name);
    if (!timer) fail(key, `timers: unknown timer "${name}" (known: ${TIMER_KEYS.join(', ')})`);
    const value = pair.value as Node | null;
    const v = isScalar(value) ? value.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      fail(value ?? key, `timers.${name}: a whole number of milliseconds above 0`);
    if (timer) out[timer] = v as number;
  }
  return out;
}
