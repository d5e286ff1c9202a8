/**
 * The seed flows as the conformance tests drive them: which flow, which alt
 * operands and opts each synthesised instance takes, participant addresses
 * (one per loop iteration for `multiple` participants), and the
 * precondition's messages where a flow derives values from it.
 */
import {
  synthesizeInstance,
  type SynthDialog,
  type SynthMessage,
  type SynthesisOptions,
} from '../../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../../generator/conformance/expected.js';
import type { Flow, Step } from '../../../generator/model/flow-model.js';
import { evaluateGuard, guardVariablesOf } from '../../../generator/emit/guard-code.js';
import { GUARD_VARIABLES } from '../../../generator/model/vocabulary.js';
import { indexFlowSteps } from '../../../generator/projection/step-context.js';
import type { PcapEndpoint } from '../../../runtime/trace/pcap-writer.js';

/** How one instance of a flow is synthesised. */
export interface Scenario {
  readonly name: string;
  readonly choices: ReadonlyMap<string, number>;
  readonly opts: boolean;
}

/** Loop iterations synthesised in every instance. */
export const ITERATIONS = 2;

/** Participant ids of a flow's wire messages, in order of first use. */
export function participantsOf(expected: ExpectedFlow): string[] {
  const ids: string[] = [];
  for (const m of [...expected.wire].sort((a, b) => a.event - b.event))
    for (const p of [m.from, m.to]) if (p !== undefined && !ids.includes(p)) ids.push(p);
  return ids;
}

/** Which participants change between sessions: the released PoC Participants only, or all. */
export type SessionScope = 'multiple' | 'all';

/**
 * Addresses on loopback (127.0.0.0/8) or in fd00::/8: participant i gets host 10+i; a `multiple`
 * participant also gets one host per loop iteration ("iwf[0]", "iwf[1]"). Each `session` has
 * other `multiple` participants (other sessions release other PoC Participants) and, with scope
 * `all`, other addresses altogether (127.0.<session>.x).
 */
export function addressesFor(
  expected: ExpectedFlow,
  family: 'ipv4' | 'ipv6' = 'ipv4',
  session = 0,
  scope: SessionScope = 'multiple',
): Map<string, PcapEndpoint> {
  const net = scope === 'all' ? session : 0;
  const host = (n: number): string =>
    family === 'ipv4' ? `127.0.${net}.${n}` : `fd00::${net.toString(16)}:${n.toString(16)}`;
  const out = new Map<string, PcapEndpoint>();
  let n = 10;
  for (const p of participantsOf(expected)) {
    out.set(p, { address: host(n++), port: 5060 });
    if (expected.multiple.has(p))
      for (let it = 0; it < ITERATIONS; it++)
        out.set(`${p}[${it}]`, { address: host(100 + 40 * (session - net) + n++), port: 5060 });
  }
  return out;
}

/**
 * One scenario per alt operand (with the operands that enclose it), opts taken; and the plain
 * path (first operands) without opts. Operands without wire messages are scenarios too.
 */
export function scenariosOf(expected: ExpectedFlow): Scenario[] {
  const found = new Map<string, Scenario>();
  const guards = operandGuards(expected);
  const add = (chosen: Map<string, number>, opts: boolean): void => {
    const choices = consistentChoices(expected, guards, chosen);
    const name =
      [...choices]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([a, o]) => `${a}=${o}`)
        .join(',') + (opts ? '' : ' without opts');
    if (!found.has(name)) found.set(name, { name: name || 'first operands', choices, opts });
  };
  add(new Map(), false);
  const enclosing = new Map<string, string[]>();
  for (const m of expected.wire)
    m.context.alts.forEach((a, i) => {
      const [alt = ''] = a.split(':');
      if (!enclosing.has(alt)) enclosing.set(alt, m.context.alts.slice(0, i));
    });
  for (const [alt, size] of expected.altSizes) {
    const outer = enclosing.get(alt);
    if (outer === undefined) continue;
    for (let op = 0; op < size; op++) {
      const choices = new Map<string, number>();
      for (const a of outer) {
        const [k = '', o = '0'] = a.split(':');
        choices.set(k, Number(o));
      }
      choices.set(alt, op);
      add(choices, true);
    }
  }
  return [...found.values()];
}

/**
 * The guard of every alt operand ("alt3" -> operand -> guard text, `else` as the negation of the
 * others), keyed as expandFlow keys the fragments: in step order, refs expanded in place.
 */
function operandGuards(expected: ExpectedFlow): Map<string, Map<number, string>> {
  const flows = new Map<string, Flow>([[expected.flow.id, expected.flow]]);
  for (const m of expected.messages) flows.set(m.flow.id, m.flow);
  const out = new Map<string, Map<number, string>>();
  let counter = 0;
  const walk = (flow: Flow, steps: readonly Step[], depth: number): void => {
    const { context } = indexFlowSteps(flow);
    for (const s of steps) {
      switch (s.kind) {
        case 'alt': {
          const key = `alt${counter++}`;
          const ops = new Map<number, string>();
          s.operands.forEach((o, i) => {
            const g = context
              .get(o.steps[0] ?? s)
              ?.guards.find((x) => x.fragment === s.id && x.operand === i);
            if (g !== undefined) ops.set(i, g.guard);
            walk(flow, o.steps, depth);
          });
          out.set(key, ops);
          break;
        }
        case 'opt':
          counter++;
          walk(flow, s.operand.steps, depth);
          break;
        case 'par':
          for (const o of s.operands) walk(flow, o, depth);
          break;
        case 'loop':
          counter++;
          walk(flow, s.steps, depth);
          break;
        case 'ref': {
          const target = flows.get(s.flow);
          if (target && depth <= 8) walk(target, target.steps, depth + 1);
          break;
        }
        default:
          break;
      }
    }
  };
  walk(expected.flow, expected.flow.steps, 0);
  return out;
}

/** Whether some values of the guards' variables (from the guard vocabulary) make none of them false. */
function satisfiable(guards: readonly string[]): boolean {
  let facts: Record<string, string | boolean>[] = [{}];
  for (const v of [...new Set(guards.flatMap(guardVariablesOf))].sort()) {
    const t = GUARD_VARIABLES[v];
    const values: (string | boolean)[] =
      t?.type === 'enum' ? [...t.values] : t?.type === 'boolean' ? [true, false] : [];
    if (values.length > 0) facts = facts.flatMap((f) => values.map((x) => ({ ...f, [v]: x })));
  }
  return facts.some((f) => guards.every((g) => evaluateGuard(g, f) !== false));
}

/**
 * The choices with every other alt on its first operand whose guard agrees with the chosen ones:
 * two alts on one fact take matching operands, as a run does (OMA PoC CANCEL: a participant
 * invited over its Pre-established Session in step 2xx.5 is disconnected by Figure 19 in Figure
 * 16 step 12, never by Figure 18).
 */
function consistentChoices(
  expected: ExpectedFlow,
  guards: ReadonlyMap<string, ReadonlyMap<number, string>>,
  chosen: ReadonlyMap<string, number>,
): Map<string, number> {
  const out = new Map(chosen);
  const taken = (): string[] =>
    [...out].flatMap(([alt, op]) => {
      const g = guards.get(alt)?.get(op);
      return g === undefined ? [] : [g];
    });
  for (const [alt, size] of [...expected.altSizes].sort(([a], [b]) => a.localeCompare(b))) {
    if (out.has(alt)) continue;
    const ops = guards.get(alt);
    const first = ops?.get(0);
    if (ops === undefined || first === undefined || satisfiable([...taken(), first])) continue;
    for (let op = 1; op < size; op++) {
      const g = ops.get(op);
      if (g !== undefined && satisfiable([...taken(), g])) {
        out.set(alt, op);
        break;
      }
    }
  }
  return out;
}

/** A flow whose values derive from its precondition, with the flow that establishes it. */
export interface Precondition {
  readonly expected: ExpectedFlow;
}

/** Synthesises instance `instance` of a scenario, after its precondition's messages when given. */
export function synthesizeScenario(
  expected: ExpectedFlow,
  scenario: Scenario,
  addresses: ReadonlyMap<string, PcapEndpoint>,
  instance: number,
  startNs: bigint,
  transport: 'udp' | 'tcp' = 'udp',
  precondition?: Precondition,
): SynthMessage[] {
  const base: Omit<SynthesisOptions, 'instance' | 'startNs'> = {
    stepNs: 1_000_000n,
    transport,
    iterations: ITERATIONS,
    choices: scenario.choices,
    opts: scenario.opts,
  };
  const out: SynthMessage[] = [];
  let opts: SynthesisOptions = { ...base, instance, startNs };
  if (precondition) {
    // The precondition's dialog is the one the flow releases: one store, one key for every group.
    const dialogs = new Map<string, SynthDialog>();
    const dialogKey = (): string => `session-${instance}`;
    out.push(
      ...synthesizeInstance(precondition.expected, addresses, {
        ...base,
        instance,
        startNs,
        dialogs,
        dialogKey,
        choices: new Map(),
        opts: false,
      }).map((m) => ({ ...m, step: `precondition:${m.step}` })),
    );
    opts = { ...opts, startNs: startNs + 100_000_000n, dialogs, dialogKey };
  }
  out.push(...synthesizeInstance(expected, addresses, opts));
  return out;
}

/** Orders messages of several instances by time (instances interleave). */
export function byTime(messages: readonly SynthMessage[]): SynthMessage[] {
  return [...messages].sort((a, b) =>
    a.packet.timeNs < b.packet.timeNs ? -1 : a.packet.timeNs > b.packet.timeNs ? 1 : 0,
  );
}
