/**
 * The scenario of a flow's generated test, worked out from the flows: which
 * role instances to start and in which order, the route each new request
 * takes (from the hops of the establishing flow), the entry points that
 * build the precondition and trigger the flow, and one case per alt/opt
 * operand combination the generated roles can run.
 */
import type { Flow, MessageStep, Step } from '../model/flow-model.js';
import { GUARD_VARIABLES } from '../model/vocabulary.js';
import { computeOrder } from '../order/happens-before.js';
import type { LocalEvent, LocalProjection, Reaction } from '../projection/local-types.js';
import { reactionsOf } from '../projection/merge-roles.js';
import {
  baseParticipant,
  originOf,
  projectFlow,
  projectFlowAll,
  type FlowResolver,
} from '../projection/project-flow.js';
import { indexFlowSteps, sessionOf } from '../projection/step-context.js';
import type { RawGuard } from '../projection/step-context.js';
import {
  applyDialogEvent,
  independentPreconditions,
  initialDialogs,
  isDrawnDialog,
} from '../projection/local-state.js';
import { evaluateGuard, guardVariablesOf } from './guard-code.js';
import type { RolePlan } from './role-plan.js';

/** A call of an entry point (instance ids). */
export interface CallPlan {
  readonly at: string;
  readonly entry: string;
  readonly to?: string;
  readonly route?: readonly string[];
  /** The instance a REFER of the entry refers its peer to (the PoC Session it joins or leaves). */
  readonly referTo?: string;
  /** The call is made the moment an instance receives a message (see {@link CallMoment}). */
  readonly when?: CallMoment;
}

/**
 * The moment a call is made: when instance `at` receives `receives` (a method, or `status
 * method` for a response), before its role handles it.
 */
export interface CallMoment {
  readonly at: string;
  readonly receives: string;
}

/** Everything one test case runs. */
export interface CasePlan {
  readonly name: string;
  readonly facts: Readonly<Record<string, string | number | boolean>>;
  readonly roles: readonly {
    readonly id: string;
    readonly participant: string;
    readonly role: string;
    readonly mode?: string;
    /** A local role: started apart, reached by the others' indications (no network). */
    readonly local?: true;
  }[];
  readonly outbound: Readonly<Record<string, readonly string[]>>;
  readonly served: Readonly<Record<string, readonly string[]>>;
  /** B2BUA instance id -> the next B2BUA instance its server legs are addressed to. */
  readonly nextHop: Readonly<Record<string, string>>;
  /**
   * B2BUA instance id -> the instances of a `multiple` participant it opens a server leg to,
   * one each, in order (OMA CPM 8.2.2.1: a CPM Session interworked to each IWF).
   */
  readonly legs: Readonly<Record<string, readonly string[]>>;
  readonly establish: readonly CallPlan[];
  readonly trigger: readonly CallPlan[];
  /** Ends what the flow leaves running when a policy keeps it (the refs the policy did not take). */
  readonly teardown: readonly CallPlan[];
  /** `participant action` for every flow action the case runs, sorted. */
  readonly actions: readonly string[];
  /** Flows whose recorded variants the roles run (this flow, when a role records one). */
  readonly variants: readonly string[];
  /** The header fields the case's steps have their senders write under a `when:` or from a variable. */
  readonly headers: readonly HeaderCheck[];
}

/**
 * A header field a step of the case has its sender write, under a `when:` guard the case's
 * facts decide or with a value an action yields (`is: var.uid`): what the message of the step
 * must carry. The conformance engine accepts such a field missing (it knows neither the facts
 * nor the yielded values), so the generated test checks it by itself.
 */
export type HeaderCheck = {
  /** The step id as the conformance report names it (`flow:step` inside a ref). */
  readonly step: string;
  readonly name: string;
} & (
  | { readonly absent: true }
  | { readonly text: string }
  /** `participant step`: the value the action of that step yielded. */
  | { readonly yieldedAt: string }
);

/** The scenario of one flow: its runnable cases and the ones left out, with why. */
export interface ScenarioPlan {
  readonly flow: Flow;
  readonly cases: readonly CasePlan[];
  readonly skipped: readonly string[];
}

type Facts = Readonly<Record<string, string | number | boolean>>;

class Builder {
  readonly outbound = new Map<string, string[]>();
  readonly nextHop = new Map<string, string>();
  readonly legs = new Map<string, string[]>();
  readonly served = new Map<string, Set<string>>();

  constructor(
    private readonly resolve: FlowResolver,
    private readonly kinds: ReadonlyMap<string, string>,
    private readonly flowOf: Flow,
    private readonly facts: Facts = {},
    /** How many instances a `multiple` participant has in the case. */
    private readonly count = 1,
  ) {}

  kindOf(participant: string): string {
    const p = this.flowOf.participants.get(participant);
    const kind = (p !== undefined ? this.kinds.get(p.role) : undefined) ?? 'none';
    // A B2BUA-capable role drawn or configured in proxy mode (OMA CPM Figure 9, 8.2.2.3) runs as a proxy.
    return kind === 'b2bua' && modeOf(this.flowOf, participant, this.facts) === 'proxy'
      ? 'proxy'
      : kind;
  }

  isClient(p: string): boolean {
    return originOf(this.flowOf.participants.get(p)?.role) === 'served-client';
  }

  isProxy(p: string): boolean {
    const k = this.kindOf(p);
    return k === 'proxy' || k === 's-cscf';
  }

  /** Hops of a request and its relays: sender first. */
  hops(flow: Flow, step: MessageStep): string[] {
    // A relay drawn for another mode of its participant (OMA CPM 8.2.2.1: the proxy operand) is
    // not on the path; other guards leave the path as drawn (a CANCEL case still routes its INVITE).
    const steps = [...indexFlowSteps(flow).byId.values()].filter((s) =>
      this.takes(flow, s, (g) => guardVariablesOf(g.guard).includes('participant.mode')),
    );
    const out = [step.from ?? '', step.to];
    let cur = step;
    for (;;) {
      const next = steps.find((s): s is MessageStep => s.kind === 'message' && s.relays === cur.id);
      if (!next) return out;
      out.push(next.to);
      cur = next;
    }
  }

  /** Whether the case takes a step: none of the guards around it (those `only` keeps) is false for its facts. */
  takes(flow: Flow, step: Step, only: (guard: RawGuard) => boolean): boolean {
    const guards = indexFlowSteps(flow).context.get(step)?.guards ?? [];
    return guards.every((g) => !only(g) || evaluateGuard(g.guard, this.facts) !== false);
  }

  /**
   * Whether the B2BUA at the end of an INVITE's relay chain answers it with a 2xx before it
   * sends an INVITE of its own (OMA PoC: the Pre-established Session, answered by PoC Server A
   * itself), so the INVITE is addressed to the B2BUA and opens no other leg.
   */
  answersItself(flow: Flow, step: MessageStep, b2bua: string): boolean {
    if (step.message?.protocol !== 'sip' || step.message.type !== 'request') return false;
    if (step.message.method !== 'INVITE') return false;
    const steps = [...indexFlowSteps(flow).byId.values()];
    const chain = new Set<string>([step.id]);
    for (const s of steps)
      if (s.kind === 'message' && s.relays !== undefined && chain.has(s.relays)) chain.add(s.id);
    const answer = steps.findIndex(
      (s) =>
        s.kind === 'message' &&
        s.from === b2bua &&
        s.answers !== undefined &&
        chain.has(s.answers) &&
        s.message?.protocol === 'sip' &&
        s.message.type === 'response' &&
        s.message.status >= 200 &&
        s.message.status < 300,
    );
    const invite = steps.findIndex((s) => sendsOwnInvite(s, b2bua));
    return answer >= 0 && (invite < 0 || answer < invite);
  }

  /** The chain of a new INVITE through B2BUAs: the route of its sender and its final target. */
  chain(
    flow: Flow,
    step: MessageStep,
    inst: (p: string) => string,
  ): { to: string; route: string[] } {
    const hops = this.hops(flow, step);
    const sender = hops[0] ?? '';
    let last = hops[hops.length - 1] ?? '';
    const route = hops.slice(1, -1).map(inst);
    // A B2BUA on the way to a client serves it (OMA CPM 8.3.2.3: the terminating side).
    if (this.isClient(last))
      for (const hop of hops.slice(1, -1))
        if (this.kindOf(hop) === 'b2bua') this.serve(inst(hop), inst(last));
    if (this.kindOf(last) === 'b2bua') {
      route.push(inst(last));
      // A B2BUA serves the client that reaches it, not another server (RFC 7092 3.1 roles).
      if (this.isClient(sender)) this.serve(inst(last), inst(sender));
      if (this.answersItself(flow, step, last)) return { to: inst(last), route };
      // The B2BUA opens its other leg: the next INVITE it sends in the flow.
      let b2bua = last;
      for (let guard = 0; guard < 4 && this.kindOf(b2bua) === 'b2bua'; guard++) {
        const { byId, context } = indexFlowSteps(flow);
        const invites = [...byId.values()].filter((s) => sendsOwnInvite(s, b2bua));
        // The INVITE of an operand the case does not take (OMA CPM 8.2.2.1: interworked or not)
        // opens no leg; when the case takes none (a race the CANCEL may win) the first drawn does.
        const next = invites.find((s) => this.takes(flow, s, () => true)) ?? invites[0];
        if (!next) break;
        const leg = this.hops(flow, next);
        const proxies = leg
          .slice(1, -1)
          .filter((p) => this.isProxy(p))
          .map(inst);
        this.outbound.set(inst(b2bua), proxies.slice(0, 2));
        const end = leg[leg.length - 1] ?? '';
        // An INVITE in a loop over a participant of several instances opens a server leg to each.
        if (
          (context.get(next)?.loops.length ?? 0) > 0 &&
          flow.participants.get(end)?.multiple === true
        ) {
          const targets = Array.from({ length: this.count }, (_, i) => `${end}[${i}]`);
          this.legs.set(inst(b2bua), targets);
          return { to: targets[0] ?? inst(end), route };
        }
        if (this.kindOf(end) !== 'b2bua') this.serve(inst(b2bua), inst(end));
        else this.nextHop.set(inst(b2bua), inst(end));
        last = end;
        b2bua = end;
      }
    }
    return { to: inst(last), route };
  }

  serve(b2bua: string, ua: string): void {
    const set = this.served.get(b2bua) ?? new Set<string>();
    set.add(ua);
    this.served.set(b2bua, set);
  }

  resolveFlow(id: string): Flow | undefined {
    return this.resolve(id);
  }
}

/** An INVITE `from` sends of its own (not a relay of another one): a B2BUA opening a leg. */
function sendsOwnInvite(s: Step, from: string): s is MessageStep {
  return (
    s.kind === 'message' &&
    s.from === from &&
    s.relays === undefined &&
    s.message?.protocol === 'sip' &&
    s.message.type === 'request' &&
    s.message.method === 'INVITE'
  );
}

/**
 * A participant's mode: drawn, or the case's `participant.mode` when the
 * participant decides an alt on it (OMA CPM 8.2.2.3: "acts as a SIP proxy").
 */
function modeOf(flow: Flow, participant: string, facts: Facts): string | undefined {
  const drawn = flow.participants.get(participant)?.mode;
  if (drawn !== undefined) return drawn;
  const mode = facts['participant.mode'];
  if (typeof mode !== 'string') return undefined;
  for (const ctx of indexFlowSteps(flow).context.values())
    for (const g of ctx.guards)
      if (g.decidedBy === participant && guardVariablesOf(g.guard).includes('participant.mode'))
        return mode;
  return undefined;
}

const entryCache = new WeakMap<Flow, { participant: string; r: Reaction }[]>();

/** The entry points of a flow (user actions, decisions, indications) in flow order. */
function entryReactions(flow: Flow, resolve: FlowResolver): { participant: string; r: Reaction }[] {
  const hit = entryCache.get(flow);
  if (hit) return hit;
  const found = findEntries(flow, resolve);
  entryCache.set(flow, found);
  return found;
}

function findEntries(flow: Flow, resolve: FlowResolver): { participant: string; r: Reaction }[] {
  const out: { participant: string; r: Reaction }[] = [];
  for (const p of projectFlowAll(flow, resolve)) {
    for (const r of reactionsOf(p, resolve)) {
      if (r.trigger.kind === 'start' || r.first.peer === undefined)
        out.push({ participant: p.participant, r });
    }
  }
  const order = computeOrder(flow, { resolve, loopIterations: 1 }).linearize();
  const pos = (x: { participant: string; r: Reaction }): number =>
    order.findIndex(
      (e) =>
        e.step === x.r.first.step &&
        baseParticipant(e.participant) === x.participant &&
        (e.flow === x.r.first.flow || e.refPath.length > 0),
    );
  return out.sort((a, b) => pos(a) - pos(b));
}

function calls(
  flow: Flow,
  resolve: FlowResolver,
  plans: ReadonlyMap<string, RolePlan>,
  b: Builder,
  n: number,
  facts: Facts = {},
  options: {
    /** Flows whose entry points are not called (another flow builds their session instead). */
    readonly skip?: ReadonlySet<string>;
    /** Call every entry once per participant, as the loop it stands in for would. */
    readonly perParticipant?: boolean;
  } = {},
): CallPlan[] | string {
  const out: CallPlan[] = [];
  for (const { participant, r } of entryReactions(flow, resolve)) {
    if (options.skip?.has(r.first.flow) === true) continue;
    // An entry point in an operand the case does not take is not called.
    if (r.first.guards.some((g) => evaluateGuard(g.guard, facts) === false)) continue;
    const role = flow.participants.get(participant)?.role;
    const plan = role !== undefined ? plans.get(role) : undefined;
    const entry = plan?.entries.find((e) => e.reaction.key === r.key);
    if (!entry)
      return `${r.first.at}: the entry point of ${participant} (${r.key}) is not generated`;
    const repeat = r.first.loops.length > 0 || options.perParticipant === true ? n : 1;
    for (let i = 0; i < repeat; i++) {
      const inst = (p: string): string => (flow.participants.get(p)?.multiple ? `${p}[${i}]` : p);
      const sent = (label: string): { holder: Flow; step: MessageStep } | string | undefined => {
        const e = r.events.find((x) => x.kind === 'send' && x.label === label);
        if (!e) return undefined;
        const holder = resolve(e.flow);
        const step = holder ? indexFlowSteps(holder).byId.get(e.step) : undefined;
        if (!holder || step?.kind !== 'message') return `${e.at}: ${label} step not found`;
        return { holder, step };
      };
      const invite = sent('INVITE');
      const refer = sent('REFER');
      if (typeof invite === 'string') return invite;
      if (typeof refer === 'string') return refer;
      const call: { at: string; entry: string; to?: string; route?: string[]; referTo?: string } = {
        at: inst(participant),
        entry: entry.name,
      };
      if (invite) Object.assign(call, b.chain(invite.holder, invite.step, inst));
      // The REFER's recipient sends the referred request on: where that request's chain ends
      // is the session referred to (OMA PoC: PoC Server X, hosting the PoC Session).
      if (refer) {
        const target = b.chain(refer.holder, refer.step, inst).to;
        const recipient = b.hops(refer.holder, refer.step).at(-1) ?? '';
        if (target !== inst(recipient)) call.referTo = target;
      }
      const when = r.events.some((e) => e.kind === 'send' && e.label === 'CANCEL')
        ? successMoment(flow, resolve, facts, participant)
        : crossingMoment(flow, r, facts, participant);
      out.push(when ? { ...call, when: { ...when, at: inst(when.at) } } : call);
    }
  }
  return out;
}

/**
 * The moment a CANCEL must be sent for the 2xx to win the race (RFC 3261 9.1) in a case that
 * takes the operand, decided by another participant, in which that participant answers the
 * cancelled INVITE with a 2xx: when it receives the message its 2xx follows on its lifeline
 * (OMA PoC CANCEL, `race.winner=2xx`: PoC Server A receiving PoC Server X's 200). Its 2xx is
 * then on the way before the CANCEL can reach it, as on a network where the 2xx wins.
 */
function successMoment(
  flow: Flow,
  resolve: FlowResolver,
  facts: Facts,
  canceller: string,
): CallMoment | undefined {
  const { byId, context } = indexFlowSteps(flow);
  const taken = (guards: readonly RawGuard[]): boolean =>
    guards.every((g) => evaluateGuard(g.guard, facts) !== false);
  for (const [step, ctx] of context) {
    if (step.kind !== 'message' || step.from === undefined || step.answers === undefined) continue;
    const m = step.message;
    if (m?.protocol !== 'sip' || m.type !== 'response' || m.status < 200 || m.status >= 300)
      continue;
    if (methodOf(byId, step) !== 'INVITE' || !taken(ctx.guards)) continue;
    const decider = step.from;
    if (decider === canceller || !ctx.guards.some((g) => g.decidedBy === decider)) continue;
    const events = projectFlowAll(flow, resolve)
      .find((p) => p.participant === decider)
      ?.events.filter((e) => e.kind !== 'state' && taken(e.guards));
    const at = events?.findIndex((e) => e.flow === flow.id && e.step === step.id) ?? -1;
    const before = at > 0 ? events?.slice(0, at).reverse() : undefined;
    const trigger = before?.find((e) => e.kind === 'receive');
    const holder = trigger ? resolve(trigger.flow) : undefined;
    const received = trigger && holder ? indexFlowSteps(holder).byId.get(trigger.step) : undefined;
    if (!trigger || !holder || received?.kind !== 'message') continue;
    const method = methodOf(indexFlowSteps(holder).byId, received);
    if (method === undefined) continue;
    return {
      at: decider,
      receives:
        received.message?.protocol === 'sip' && received.message.type === 'response'
          ? `${trigger.label} ${method}`
          : method,
    };
  }
  return undefined;
}

/**
 * Whether a case draws the final response that makes a guard the runtime decides false: the
 * user agent that would send the 487 under `guard` (RFC 3261 9.2) sends a final response of
 * its own to the same request in the case (OMA PoC 6.2.X.1: PoC Client B's 2xx crossing the
 * CANCEL), so the runtime's choice and the case's agree.
 */
function answeredFirst(
  projections: readonly LocalProjection[],
  running: readonly { p: LocalProjection; e: LocalEvent }[],
  guard: string,
): boolean {
  const byRuntime = projections.flatMap((p) =>
    p.events
      .filter(
        (e) => e.kind === 'send' && e.label === '487' && e.guards.some((g) => g.guard === guard),
      )
      .map((e) => ({ participant: p.participant, e })),
  );
  return byRuntime.some(({ participant, e }) =>
    running.some(
      (x) =>
        x.p.participant === participant &&
        x.e.kind === 'send' &&
        x.e.isResponse &&
        x.e.flow === e.flow &&
        x.e.answers === e.answers &&
        Number(x.e.label) >= 200 &&
        Number(x.e.label) < 300,
    ),
  );
}

/**
 * The moment a user's answer must be given for its 2xx to cross a CANCEL (RFC 3261 9.1): an
 * entry point of the participant that sends a 2xx to an INVITE it received, in a case where the
 * flow also sends it a CANCEL, is called when that CANCEL arrives, before its role reads it
 * (OMA PoC 6.2.X.1, `session.finalResponseSent`: PoC User B accepting while SIP/IP Core B's
 * CANCEL is on its way). The 2xx leaves first, the CANCEL finds the INVITE server transaction
 * in Accepted and is answered 200 without effect (RFC 3261 9.2, RFC 6026 7.1).
 */
function crossingMoment(
  flow: Flow,
  r: Reaction,
  facts: Facts,
  participant: string,
): CallMoment | undefined {
  const { byId, context } = indexFlowSteps(flow);
  const answersInvite = r.events.some((e) => {
    if (e.kind !== 'send' || !e.isResponse || e.flow !== flow.id || e.answers === undefined)
      return false;
    const status = Number(e.label);
    const request = byId.get(e.answers);
    return (
      status >= 200 &&
      status < 300 &&
      request?.kind === 'message' &&
      methodOf(byId, request) === 'INVITE' &&
      e.answers !== r.first.step
    );
  });
  if (!answersInvite) return undefined;
  for (const [step, ctx] of context) {
    if (step.kind !== 'message' || step.to !== participant) continue;
    const m = step.message;
    if (m?.protocol !== 'sip' || m.type !== 'request' || m.method !== 'CANCEL') continue;
    if (ctx.guards.some((g) => evaluateGuard(g.guard, facts) === false)) continue;
    return { at: participant, receives: 'CANCEL' };
  }
  return undefined;
}

/** The SIP method of a message step: its own, or that of the request it answers or relays. */
function methodOf(byId: ReadonlyMap<string, Step>, step: MessageStep): string | undefined {
  let cur: Step | undefined = step;
  for (let guard = 0; guard < 64 && cur?.kind === 'message'; guard++) {
    const m = cur.message;
    if (m?.protocol === 'sip' && m.type === 'request') return m.method;
    const next: string | undefined = cur.answers ?? cur.relays;
    cur = next !== undefined ? byId.get(next) : undefined;
  }
  return undefined;
}

/**
 * Flows a policy chose not to run here (a ref under a `policy.*` guard that
 * is false, its other guards not false), in the flow and in the refs it takes
 * (OMA PoC CANCEL, 2xx operand: Figure 16's release policy): what the
 * generated test runs after the check to end the session the policy kept.
 */
function untakenRefs(
  flow: Flow,
  facts: Facts,
  resolve: FlowResolver,
  out: { flow: string; bound: string[] }[] = [],
  depth = 0,
): { flow: string; bound: string[] }[] {
  const { context } = indexFlowSteps(flow);
  for (const [step, ctx] of context) {
    if (step.kind !== 'ref') continue;
    const values = ctx.guards.map((g) => ({
      policy: guardVariablesOf(g.guard).some((v) => v.startsWith('policy.')),
      v: evaluateGuard(g.guard, facts),
    }));
    const target = values.every((x) => x.v !== false) ? resolve(step.flow) : undefined;
    if (target && depth < 8) untakenRefs(target, facts, resolve, out, depth + 1);
    if (
      values.some((x) => x.v === false && x.policy) &&
      values.every((x) => x.v !== false || x.policy)
    ) {
      const seen = out.find((x) => x.flow === step.flow);
      // The participants whose session the ref ends (a BYE of theirs): Figure 19 leaves PoC
      // Client B its Pre-established Session.
      const ref = resolve(step.flow);
      const bound = Object.entries(step.bind)
        .filter(([theirs]) => ref === undefined || endsSession(ref, theirs, resolve))
        .map(([, ours]) => ours);
      if (seen) seen.bound.push(...bound);
      else out.push({ flow: step.flow, bound });
    }
  }
  return out;
}

/** Whether a participant sends or receives a BYE in a flow, ending a session it holds. */
function endsSession(flow: Flow, participant: string, resolve: FlowResolver): boolean {
  if (!flow.participants.has(participant)) return false;
  return projectFlow(flow, participant, resolve).events.some(
    (e) => e.label === 'BYE' && !e.isResponse && (e.kind === 'send' || e.kind === 'receive'),
  );
}

/** The flows a precondition runs: the establishing flow and every flow it refers to. */
function preconditionFlows(id: string | undefined, resolve: FlowResolver): Set<string> {
  const out = new Set<string>();
  const visit = (flowId: string): void => {
    if (out.has(flowId)) return;
    out.add(flowId);
    const f = resolve(flowId);
    if (!f) return;
    for (const step of indexFlowSteps(f).context.keys()) if (step.kind === 'ref') visit(step.flow);
  };
  if (id !== undefined) visit(id);
  return out;
}

/**
 * The sessions a case builds in place of those its precondition builds: a ref the case takes
 * (in the flow, or in a ref it takes) whose flow starts from a session S the precondition does
 * not build, where another operand of the same alt refers to a flow that starts from a session S'
 * the precondition builds. The alt says the participants joined through S' or S (OMA PoC Figure
 * 16 step 12: Figure 18 after `poc.establish.terminating.on-demand`, Figure 19 after
 * `poc.establish.terminating.pre-established`, by `session.kind`); the case runs S for them
 * where the precondition runs S'. Returns S' -> S.
 */
function sessionSwaps(
  flow: Flow,
  facts: Facts,
  built: ReadonlySet<string>,
  resolve: FlowResolver,
  out = new Map<string, string>(),
  depth = 0,
): Map<string, string> {
  const { context } = indexFlowSteps(flow);
  for (const [step, ctx] of context) {
    if (step.kind !== 'ref') continue;
    // A ref a release policy alone leaves out still runs, after the check (see untakenRefs).
    const untaken = ctx.guards.filter((g) => evaluateGuard(g.guard, facts) === false);
    if (untaken.some((g) => !guardVariablesOf(g.guard).some((v) => v.startsWith('policy.'))))
      continue;
    const target = resolve(step.flow);
    if (!target) continue;
    const needs = sessionOf(target);
    if (needs !== undefined && !built.has(needs)) {
      for (const [other, octx] of context) {
        if (other.kind !== 'ref' || other === step) continue;
        // An operand of an alt around the ref, other than the one the ref is in.
        const sibling = octx.guards.some((g) =>
          ctx.guards.some((h) => h.fragment === g.fragment && h.operand !== g.operand),
        );
        const theirs = sibling ? resolve(other.flow) : undefined;
        const was = theirs ? sessionOf(theirs) : undefined;
        if (was !== undefined && built.has(was)) out.set(was, needs);
      }
    }
    if (depth < 8) sessionSwaps(target, facts, built, resolve, out, depth + 1);
  }
  return out;
}

/**
 * A ref the case takes whose flow starts from a session that the case's
 * precondition does not build (OMA PoC Figure 16 taking Figure 19 needs
 * participants joined through a Pre-established Session): why the case
 * cannot be run, or undefined.
 */
function unbuiltSession(
  flow: Flow,
  facts: Facts,
  built: ReadonlySet<string>,
  resolve: FlowResolver,
  depth = 0,
): string | undefined {
  for (const [step, ctx] of indexFlowSteps(flow).context) {
    if (step.kind !== 'ref') continue;
    if (ctx.guards.some((g) => evaluateGuard(g.guard, facts) === false)) continue;
    const target = resolve(step.flow);
    if (!target) continue;
    const needs = sessionOf(target);
    let inner = built;
    // A precondition of the ref's flow that no step of ours can build is built by the case before
    // the trigger (see refsWithPreconditions).
    const independent = independentPreconditions(target, resolve).some(
      (g) => g.establishedBy === needs,
    );
    if (needs !== undefined && !built.has(needs) && !independent) {
      const swaps = sessionSwaps(target, facts, preconditionFlows(needs, resolve), resolve);
      if (!drawsSession(flow, step, target, facts, resolve, swaps))
        return `${step.flow} (ref at ${flow.file}:${step.loc.line}) starts from the session ${needs} builds, which the precondition does not run`;
      // The flow draws that session itself: the refs of the ref start from what it builds, with
      // the sessions the case builds in place of some of its parts (see sessionSwaps).
      inner = new Set([
        ...built,
        ...preconditionFlows(needs, resolve),
        ...[...swaps.values()].flatMap((id) => [...preconditionFlows(id, resolve)]),
      ]);
    } else if (needs !== undefined && independent) {
      inner = new Set([...built, ...preconditionFlows(needs, resolve)]);
    }
    const deeper = depth < 8 ? unbuiltSession(target, facts, inner, resolve, depth + 1) : undefined;
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}

/**
 * Whether the flow's own steps that the case takes before a ref open every dialog the ref's
 * flow starts from, at each participant the ref binds: the flow draws that session itself (OMA
 * PoC CANCEL, 2xx operand: PoC Server A completes the on-demand PoC Session the INVITE asked
 * for, which Figure 16 then leaves). Where the case runs a session S in place of a part S' of
 * the ref's precondition (`swaps`, S' -> S: Figure 16 taking Figure 19 for participants invited
 * over their Pre-established Sessions), the dialogs of S stand for those of S'.
 */
function drawsSession(
  flow: Flow,
  ref: Extract<Step, { kind: 'ref' }>,
  target: Flow,
  facts: Facts,
  resolve: FlowResolver,
  swaps: ReadonlyMap<string, string> = new Map(),
): boolean {
  const projections = projectFlowAll(flow, resolve);
  const dialogsOf = (id: string, participant: string): Set<string> => {
    const state = new Set<string>();
    const f = resolve(id);
    if (!f?.participants.has(participant)) return state;
    for (const e of projectFlow(f, participant, resolve).events) applyDialogEvent(state, e);
    return state;
  };
  for (const theirs of target.participants.keys()) {
    const needed = new Set(initialDialogs(target, theirs, resolve));
    for (const [was, now] of swaps) {
      for (const d of dialogsOf(was, theirs)) needed.delete(d);
      for (const d of dialogsOf(now, theirs)) needed.add(d);
    }
    const drawn = [...needed].filter(isDrawnDialog);
    if (drawn.length === 0) continue;
    const ours = ref.bind[theirs] ?? theirs;
    const p = projections.find((x) => x.participant === ours);
    if (!p) return false;
    const state = initialDialogs(flow, ours, resolve);
    for (const e of p.events) {
      if (e.refPath[0] === ref.id) break;
      if (e.guards.some((g) => evaluateGuard(g.guard, facts) === false)) continue;
      applyDialogEvent(state, e);
    }
    if (!drawn.every((d) => state.has(d))) return false;
  }
  return true;
}

/**
 * The user agents that still hold a session the flow does not end (OMA PoC
 * Figure 19: PoC Client B keeps its Pre-established Session): each ends
 * them after the check (`endSessions`, a BYE per dialog, RFC 3261 15.1.1).
 */
function sessionsLeft(
  flow: Flow,
  facts: Facts,
  b: Builder,
  n: number,
  resolve: FlowResolver,
  swaps: ReadonlyMap<string, string> = new Map(),
  /** Flows the case runs before the trigger for refs it takes (see refsWithPreconditions). */
  before: readonly string[] = [],
): CallPlan[] {
  const out: CallPlan[] = [];
  for (const p of projectFlowAll(flow, resolve)) {
    // A user agent, or a B2BUA drawn without a mode: the end of a session of its own (OMA CPM
    // 8.3.2.3: the other CPM entity).
    const kind = b.kindOf(p.participant);
    const end = kind === 'b2bua' && modeOf(flow, p.participant, facts) === undefined;
    if (kind !== 'ua' && !end) continue;
    // The dialogs the precondition names (an unnamed one is not followed to its end), less those
    // the flow ends.
    const state = new Set([...initialDialogs(flow, p.participant, resolve)].filter(isDrawnDialog));
    // A session the case builds in place of the precondition's (see sessionSwaps): its dialogs.
    for (const id of [...swaps.values(), ...before]) {
      const built = resolve(id);
      if (!built?.participants.has(p.participant)) continue;
      const dialogs = new Set<string>();
      for (const e of projectFlowAll(built, resolve).find((x) => x.participant === p.participant)
        ?.events ?? [])
        applyDialogEvent(dialogs, e);
      for (const d of dialogs) if (isDrawnDialog(d)) state.add(d);
    }
    const opened = new Set(state);
    for (const e of p.events) {
      if (e.guards.some((g) => evaluateGuard(g.guard, facts) === false)) continue;
      // A BYE the flow does not name ends the one dialog the role holds (RFC 3261 15).
      if (e.label === 'BYE' && !e.isResponse && e.dialog === undefined && state.size === 1)
        state.clear();
      applyDialogEvent(state, e);
    }
    if (![...state].some((d) => opened.has(d))) continue;
    const multiple = flow.participants.get(p.participant)?.multiple === true;
    for (let i = 0; i < (multiple ? n : 1); i++)
      out.push({ at: multiple ? `${p.participant}[${i}]` : p.participant, entry: 'endSessions' });
  }
  return out;
}

/**
 * The actions a role in proxy mode takes before relaying a request that this
 * flow draws it relaying without them: another flow gives the role the same
 * relay with an action first (OMA CPM Figure 9: service control), which
 * refines this one, and the proxy cannot tell the two apart.
 */
function refinedProxyActions(
  running: readonly { p: { participant: string; role: string }; e: Reaction['first'] }[],
  plans: ReadonlyMap<string, RolePlan>,
  b: Builder,
): string[] {
  const out: string[] = [];
  for (const { p, e } of running) {
    if (!b.isProxy(p.participant) || e.kind !== 'receive' || e.isResponse) continue;
    const drawn = new Set(
      running.filter((x) => x.p.participant === p.participant).map((x) => x.e.action),
    );
    for (const a of plans.get(p.role)?.proxyActions ?? [])
      if (a.method === e.label && !drawn.has(a.action as Reaction['first']['action']))
        out.push(`${p.participant} ${a.action}`);
  }
  return out;
}

/**
 * The number facts that count the instances of a `multiple` participant in a case: for a list
 * variable of that participant, `<scope>.<participant>Count` when the vocabulary has it (OMA
 * CPM: `session.iwfCount` for `session.iwfs`).
 */
function countFacts(flow: Flow, n: number): Facts {
  const out: Record<string, number> = {};
  for (const v of flow.variables.values()) {
    if (v.type !== 'list' || v.of === undefined) continue;
    if (flow.participants.get(v.of)?.multiple !== true) continue;
    const name = `${v.name.slice(0, v.name.indexOf('.'))}.${v.of}Count`;
    if (GUARD_VARIABLES[name]?.type === 'number') out[name] = n;
  }
  return out;
}

function valuesOf(name: string): (string | boolean)[] {
  const t = GUARD_VARIABLES[name];
  if (t?.type === 'enum') return [...t.values];
  if (t?.type === 'boolean') return [true, false];
  return [];
}

/**
 * The calls that build a case's precondition: the establishing flow's entry points, with each
 * session the case builds in place of one the precondition builds (see sessionSwaps) run for every
 * participant instead, after the rest (OMA PoC Figure 16 with Figure 19: each PoC Client B sets up
 * its Pre-established Session and PoC Server X invites it over it).
 */
function precondition(
  establishing: Flow,
  swaps: ReadonlyMap<string, string>,
  resolve: FlowResolver,
  plans: ReadonlyMap<string, RolePlan>,
  b: Builder,
  n: number,
  facts: Facts,
): CallPlan[] | string {
  const first = givenCalls(establishing, resolve, plans, b, n, facts, false);
  if (typeof first === 'string') return first;
  const own = calls(establishing, resolve, plans, b, n, {}, { skip: new Set(swaps.keys()) });
  if (typeof own === 'string') return own;
  const out = [...first, ...own];
  for (const [was, id] of swaps) {
    const instead = resolve(id);
    if (!instead) return `precondition flow ${id} not found`;
    const perParticipant = refInLoop(establishing, was, resolve);
    const before = givenCalls(instead, resolve, plans, b, n, facts, perParticipant);
    if (typeof before === 'string') return before;
    const more = calls(instead, resolve, plans, b, n, facts, { perParticipant });
    if (typeof more === 'string') return more;
    out.push(...before, ...more);
  }
  return out;
}

/**
 * The calls that build a flow's independent preconditions (see independentPreconditions), theirs
 * first: OMA PoC, each PoC Client B's Pre-established Session before PoC Server X invites it over
 * it (poc.establish.terminating.pre-established), once per participant when `perParticipant`.
 */
function givenCalls(
  flow: Flow,
  resolve: FlowResolver,
  plans: ReadonlyMap<string, RolePlan>,
  b: Builder,
  n: number,
  facts: Facts,
  perParticipant: boolean,
  depth = 0,
): CallPlan[] | string {
  const out: CallPlan[] = [];
  for (const g of independentPreconditions(flow, resolve)) {
    const by = resolve(g.establishedBy);
    if (!by) return `precondition flow ${g.establishedBy} not found`;
    const before =
      depth < 8 ? givenCalls(by, resolve, plans, b, n, facts, perParticipant, depth + 1) : [];
    if (typeof before === 'string') return before;
    const own = calls(by, resolve, plans, b, n, facts, { perParticipant });
    if (typeof own === 'string') return own;
    out.push(...before, ...own);
  }
  return out;
}

/**
 * The refs the case takes (in the flow, or in a ref it takes) whose flows have independent
 * preconditions, with whether each runs in a loop: the case builds those preconditions after its
 * own precondition and before the trigger (OMA PoC CANCEL step 2xx.5: the Pre-established
 * Session of every PoC Client B that PoC Server X invites over it).
 */
function refsWithPreconditions(
  flow: Flow,
  facts: Facts,
  resolve: FlowResolver,
  inLoop = false,
  out: { target: Flow; inLoop: boolean }[] = [],
  depth = 0,
): { target: Flow; inLoop: boolean }[] {
  for (const [step, ctx] of indexFlowSteps(flow).context) {
    if (step.kind !== 'ref') continue;
    if (ctx.guards.some((g) => evaluateGuard(g.guard, facts) === false)) continue;
    const target = resolve(step.flow);
    if (!target) continue;
    const loop = inLoop || ctx.loops.length > 0;
    if (
      independentPreconditions(target, resolve).length > 0 &&
      !out.some((x) => x.target === target)
    )
      out.push({ target, inLoop: loop });
    if (depth < 8) refsWithPreconditions(target, facts, resolve, loop, out, depth + 1);
  }
  return out;
}

/** Whether `flow` (or a flow it refers to) refers to `target` inside a loop. */
function refInLoop(flow: Flow, target: string, resolve: FlowResolver, depth = 0): boolean {
  for (const [step, ctx] of indexFlowSteps(flow).context) {
    if (step.kind !== 'ref') continue;
    if (step.flow === target && ctx.loops.length > 0) return true;
    const inner = depth < 8 ? resolve(step.flow) : undefined;
    if (inner && refInLoop(inner, target, resolve, depth + 1)) return true;
  }
  return false;
}

/** Plans the scenario of a flow that has a precondition built by another flow. */
export function planScenario(
  flow: Flow,
  resolve: FlowResolver,
  roles: readonly RolePlan[],
): ScenarioPlan {
  const plans = new Map(roles.map((p) => [p.spec.role as string, p]));
  const kinds = new Map(roles.map((p) => [p.spec.role as string, p.kind as string]));
  const establishedBy = sessionOf(flow);
  const establishing = establishedBy !== undefined ? resolve(establishedBy) : undefined;
  if (establishedBy !== undefined && !establishing)
    return { flow, cases: [], skipped: [`precondition flow ${establishedBy} not found`] };
  if (establishedBy === undefined && flow.given.length > 0)
    return { flow, cases: [], skipped: ['the precondition names no flow that establishes it'] };
  const variants = roles.some((p) => p.variantFlows.includes(flow.id) && flow.participants.size > 0)
    ? [flow.id]
    : [];
  const projections = projectFlowAll(flow, resolve);
  const vars = new Set<string>();
  for (const p of projections)
    for (const e of p.events)
      for (const g of e.guards) for (const v of guardVariablesOf(g.guard)) vars.add(v);
  let combos: Facts[] = [{}];
  for (const v of [...vars].sort()) {
    const values = valuesOf(v);
    if (values.length === 0) continue;
    combos = combos.flatMap((c) => values.map((x) => ({ ...c, [v]: x })));
  }
  const multiple = [...flow.participants.values()].some((p) => p.multiple);
  const preconditionProjections =
    establishing !== undefined ? projectFlowAll(establishing, resolve) : [];
  const preconditionEvents = preconditionProjections.flatMap((p) => p.events);
  // Whether every participant that starts the flow in a case takes part in the precondition it
  // runs (OMA CPM 8.2.2.3 item 6: an IWF sends BYE only in a session interworked to it).
  const startersJoin = (facts: Facts): boolean =>
    entryReactions(flow, resolve)
      .filter(({ r }) => r.first.guards.every((g) => evaluateGuard(g.guard, facts) !== false))
      .every(({ participant }) =>
        preconditionProjections.some(
          (p) =>
            p.participant === participant &&
            p.events.some(
              (e) =>
                e.kind !== 'state' &&
                e.guards.every((g) => evaluateGuard(g.guard, facts) !== false),
            ),
        ),
      );
  const cases: CasePlan[] = [];
  const skipped: string[] = [];
  const built = preconditionFlows(establishedBy, resolve);
  const seen = new Set<string>();
  const runningIn = (facts: Facts): { p: LocalProjection; e: LocalEvent }[] =>
    projections.flatMap((p) =>
      p.events
        .filter(
          (e) =>
            e.kind !== 'state' && e.guards.every((g) => evaluateGuard(g.guard, facts) !== false),
        )
        .map((e) => ({ p, e })),
    );
  const signatureOf = (running: readonly { e: LocalEvent }[]): string =>
    running.map(({ e }) => `${e.flow}#${e.step}`).join();
  // Loop events weigh more than any count of others: a loop multiplies the participants it runs over.
  const preconditionRunning = (facts: Facts): number =>
    preconditionEvents
      .filter((e) => e.guards.every((g) => evaluateGuard(g.guard, facts) !== false))
      .reduce((sum, e) => sum + (e.loops.length > 0 ? preconditionEvents.length + 1 : 1), 0);
  // Of the combinations that run the same steps, the one whose precondition runs least stands for
  // them: facts that choose nothing in the flow do not add precondition steps the case never uses
  // (OMA CPM 8.2.2.3 item 5 is not run over an interworked session).
  // A combination whose precondition leaves out a participant that starts the flow comes last.
  const weight = (facts: Facts): number =>
    preconditionRunning(facts) + (startersJoin(facts) ? 0 : Number.MAX_SAFE_INTEGER / 2);
  const chosen = new Map<string, Facts>();
  for (const facts of combos) {
    const signature = signatureOf(runningIn(facts));
    const before = chosen.get(signature);
    if (before === undefined || weight(facts) < weight(before)) chosen.set(signature, facts);
  }
  for (const facts of chosen.values()) {
    const running = runningIn(facts);
    const signature = signatureOf(running);
    if (seen.has(signature)) continue;
    seen.add(signature);
    // A case is named by the facts that choose its steps: a fact whose other values run the same
    // steps is left out of the name (the role still gets its value in its configuration).
    const name =
      Object.entries(facts)
        .filter(([k, v]) =>
          valuesOf(k).some(
            (other) =>
              other !== v && signatureOf(runningIn({ ...facts, [k]: other })) !== signature,
          ),
        )
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ') || 'the flow as drawn';
    // Several participants where a loop runs over them: in the steps of this case, or in the
    // precondition that joins them (OMA PoC Figure 16 `continue`: the session goes on with the others).
    const counts =
      multiple &&
      [...running.map(({ e }) => e), ...preconditionEvents].some(
        (e) => e.loops.length > 0 && e.guards.every((g) => evaluateGuard(g.guard, facts) !== false),
      )
        ? [1, 2]
        : [1];
    const missing = running.find(({ p, e }) => {
      const rows =
        plans.get(p.role)?.table.filter((t) => t.steps.includes(`${e.flow}#${e.step}`)) ?? [];
      return !rows.some((t) => t.executable);
    });
    if (missing) {
      const row = plans
        .get(missing.p.role)
        ?.table.find((t) => t.steps.includes(`${missing.e.flow}#${missing.e.step}`));
      skipped.push(
        `${name}: ${missing.e.flow} step ${missing.e.step} at ${missing.p.participant}: ${row?.note ?? 'no generated reaction'}`,
      );
      continue;
    }
    const swaps = sessionSwaps(flow, facts, built, resolve);
    const builtHere = new Set([
      ...built,
      ...[...swaps.values()].flatMap((id) => [...preconditionFlows(id, resolve)]),
    ]);
    const unbuilt = unbuiltSession(flow, facts, builtHere, resolve);
    if (unbuilt !== undefined) {
      skipped.push(`${name}: ${unbuilt}`);
      continue;
    }
    const byRuntime = projections
      .flatMap((p) => plans.get(p.role)?.runtimeGuards ?? [])
      .find((g) => evaluateGuard(g, facts) === false && !answeredFirst(projections, running, g));
    if (byRuntime !== undefined) {
      skipped.push(
        `${name}: the runtime takes the steps under \`${byRuntime}\` exactly when it holds (RFC 3261 9.2), so the case where it does not cannot be run`,
      );
      continue;
    }
    for (const n of counts) {
      // The facts the roles run with: a count of participants is the case's (OMA CPM 8.2.2.3 6.a
      // takes more than one IWF).
      const caseFacts = counts.length > 1 ? { ...facts, ...countFacts(flow, n) } : facts;
      const b = new Builder(resolve, kinds, flow, facts, n);
      let establish = establishing
        ? precondition(establishing, swaps, resolve, plans, b, n, facts)
        : [];
      const refGiven = refsWithPreconditions(flow, facts, resolve);
      for (const { target, inLoop } of refGiven) {
        if (typeof establish === 'string') break;
        const more = givenCalls(target, resolve, plans, b, n, facts, inLoop);
        establish = typeof more === 'string' ? more : [...establish, ...more];
      }
      const trigger = calls(flow, resolve, plans, b, n, facts);
      if (typeof establish === 'string' || typeof trigger === 'string') {
        skipped.push(`${name}: ${typeof establish === 'string' ? establish : String(trigger)}`);
        break;
      }
      if (trigger.length === 0) {
        skipped.push(`${name}: no entry point of the flow runs in this case (nothing starts it)`);
        break;
      }
      const teardown: CallPlan[] = [];
      const untaken = untakenRefs(flow, facts, resolve);
      for (const { flow: ref } of untaken) {
        const target = resolve(ref);
        const more = target ? calls(target, resolve, plans, b, n) : `ref ${ref} not found`;
        if (typeof more === 'string') {
          skipped.push(`${name}: teardown: ${more}`);
          continue;
        }
        teardown.push(...more);
      }
      // The sessions of participants the refs a policy did not take would have ended are ended
      // by those refs; any other session the flow leaves (OMA PoC Figure 17: PoC Client A's
      // Pre-established Session) is ended after them.
      const byRefs = new Set(untaken.flatMap((x) => x.bound));
      teardown.push(
        ...sessionsLeft(
          flow,
          caseFacts,
          b,
          n,
          resolve,
          swaps,
          refGiven.flatMap(({ target }) =>
            independentPreconditions(target, resolve).map((g) => g.establishedBy),
          ),
        ).filter((c) => !byRefs.has(c.at.replace(/\[\d+\]$/, ''))),
      );
      const ids: CasePlan['roles'][number][] = [];
      for (const p of flow.participants.values()) {
        const k = n > 0 && p.multiple ? n : 1;
        const mode = modeOf(flow, p.id, facts);
        // A local role (reached only by indications) starts apart, before the roles that call it.
        const local = plans.get(p.role)?.local === true;
        for (let i = 0; i < k; i++)
          ids.push({
            id: p.multiple ? `${p.id}[${i}]` : p.id,
            participant: p.id,
            role: p.role,
            ...(mode !== undefined ? { mode } : {}),
            ...(local ? { local: true as const } : {}),
          });
      }
      // Proxies first, then the users a B2BUA serves (it is told their URIs), then B2BUAs (they
      // need their proxies' addresses), then the rest.
      const servedIds = new Set([
        ...[...b.served.values()].flatMap((v) => [...v]),
        ...[...b.legs.values()].flat(),
      ]);
      const rank = (r: { id: string; participant: string }): number =>
        b.nextHop.has(r.id)
          ? 1.5
          : b.isProxy(r.participant)
            ? 0
            : b.kindOf(r.participant) === 'b2bua'
              ? 1
              : servedIds.has(r.id)
                ? 0.5
                : 2;
      ids.sort((x, y) => rank(x) - rank(y));
      // Local roles first: the roles that give them indications are started with them.
      ids.sort((x, y) => Number(y.local === true) - Number(x.local === true));
      cases.push({
        name: counts.length > 1 ? `${name}, ${n} participant${n > 1 ? 's' : ''}` : name,
        facts: caseFacts,
        roles: ids,
        outbound: Object.fromEntries([...b.outbound].sort()),
        nextHop: Object.fromEntries([...b.nextHop].sort()),
        legs: Object.fromEntries([...b.legs].sort()),
        served: Object.fromEntries(
          [...b.served].map(([k, v]) => [k, [...v].sort()] as const).sort(),
        ),
        establish,
        trigger,
        teardown,
        actions: [
          ...runningIn(caseFacts)
            .filter(({ e }) => e.kind === 'action' && e.action !== undefined)
            .flatMap(({ p, e }) => {
              const times = e.loops.length > 0 ? n : 1;
              return Array.from({ length: times }, () => `${p.participant} ${e.action ?? ''}`);
            }),
          ...refinedProxyActions(running, plans, b),
        ].sort(),
        variants,
        headers: headerChecks(flow, runningIn(caseFacts), caseFacts),
      });
    }
  }
  return { flow, cases, skipped };
}

/**
 * The header checks of a case (see {@link HeaderCheck}): every field a running send step
 * writes under a `when:` (absent when the case's facts make it false) or from a variable (the
 * value the sender's action of the case yielded, OMA CPM 8.2.2.3 4.c.ii: the UID). Steps in a
 * loop are left out (the report numbers their iterations), as are fields whose `when:` the
 * facts leave open and templates.
 */
function headerChecks(
  flow: Flow,
  running: readonly { p: LocalProjection; e: LocalEvent }[],
  facts: Facts,
): HeaderCheck[] {
  const out: HeaderCheck[] = [];
  for (const { p, e } of running) {
    if (e.kind !== 'send' || e.loops.length > 0) continue;
    const step = e.flow === flow.id ? e.step : `${e.flow}:${e.step}`;
    for (const h of e.sentHeaders) {
      if (h.when === undefined && h.value.kind !== 'var') continue;
      const holds = h.when === undefined ? true : evaluateGuard(h.when, facts);
      if (holds === undefined) continue;
      if (!holds) {
        out.push({ step, name: h.name, absent: true });
        continue;
      }
      const v = h.value;
      if (v.kind === 'literal') out.push({ step, name: h.name, text: v.text });
      if (v.kind !== 'var') continue;
      const action = running.find(
        (x) => x.p.participant === p.participant && x.e.kind === 'action' && x.e.yields === v.name,
      );
      if (action !== undefined)
        out.push({ step, name: h.name, yieldedAt: `${p.participant} ${action.e.step}` });
    }
  }
  return out;
}
