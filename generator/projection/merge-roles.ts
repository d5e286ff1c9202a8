/**
 * Merging: the local projections of every flow onto every participant of
 * one role become one handler spec for the role, a list of reactions keyed
 * by their trigger. Two flows giving the same trigger different behaviour
 * is a {@link ContradictionError}, unless one of them records the choice.
 */
import type { Flow } from '../model/flow-model.js';
import type { Mode, Role } from '../model/vocabulary.js';
import { ROLES } from '../model/vocabulary.js';
import type {
  LocalEvent,
  LocalGuard,
  LocalProjection,
  Reaction,
  RoleSpec,
  Trigger,
  Variant,
} from './local-types.js';
import { ContradictionError, type ConflictSide } from './projection-errors.js';
import { projectFlowAll, type FlowResolver } from './project-flow.js';
import { sessionOf } from './step-context.js';
import { applyDialogEvent, initialDialogs, refPreconditionDialogs } from './local-state.js';

/** The dispatch key of a trigger. */
export function triggerKey(t: Trigger): string {
  const guards = t.guards.length === 0 ? '' : ` [${t.guards.join(' && ')}]`;
  return (
    `${t.kind} ${t.flow !== undefined ? `${t.flow}:` : ''}${t.label} from ${t.origin}${t.via !== undefined ? ` via ${t.via}` : ''}` +
    `${t.target !== undefined ? ` to=${t.target}` : ''}` +
    ` dialogs={${t.dialogs.join(',')}} mode=${t.mode ?? '-'}${guards}`
  );
}

/** One event as text: `send 200 -> sip-core [policy.release == 'release-all']`. */
export function describeEvent(e: LocalEvent): string {
  const own = e.guards.filter((g) => g.local).map((g) => g.guard);
  const guard = own.length === 0 ? '' : ` [${own.join(' && ')}]`;
  const loop = e.loops.length === 0 ? '' : ` *${e.loops.join('*')}`;
  // Where a relayed message goes is routing's business (Route, Request-URI), not the role's.
  const peer =
    e.kind === 'send' && e.relays !== undefined
      ? ' (relay)'
      : e.kind === 'send'
        ? ` -> ${e.peerRole ?? '?'}`
        : e.kind === 'receive'
          ? ` <- ${e.peerRole ?? 'environment'}`
          : '';
  const what = e.kind === 'action' || e.kind === 'state' ? e.label : `${e.kind} ${e.label}`;
  return `${what}${peer}${guard}${loop}`;
}

function plain(e: LocalEvent): string {
  return `${e.kind} ${e.label}`;
}

/** Events that count for comparison: a 100 Trying is the transaction layer's (RFC 3261 17.2.1), not the role's. */
function significant(events: readonly LocalEvent[]): LocalEvent[] {
  return events.filter((e) => !(e.kind === 'send' && e.label === '100'));
}

/** True when `small`'s events (guards aside) occur in `big` in order. */
function isSubsequence(small: readonly LocalEvent[], big: readonly LocalEvent[]): boolean {
  const s = significant(small);
  let i = 0;
  for (const e of significant(big)) if (i < s.length && plain(e) === plain(s[i] as LocalEvent)) i++;
  return i === s.length;
}

/**
 * The event sequences of a reaction under each choice of the operands the
 * role decides itself (at most 64 worlds).
 */
function worlds(events: readonly LocalEvent[]): LocalEvent[][] {
  const fragments = new Map<string, Set<number>>();
  for (const e of events) {
    for (const g of e.guards) {
      if (!g.local) continue;
      const ops = fragments.get(g.fragment) ?? new Set<number>();
      ops.add(g.operand);
      fragments.set(g.fragment, ops);
    }
  }
  let choices: Map<string, number>[] = [new Map()];
  for (const [fragment, ops] of fragments) {
    // An opt has one operand: taking it or not are both worlds.
    const options = ops.size === 1 ? [...ops, -1] : [...ops];
    choices = choices.flatMap((c) => options.map((o) => new Map([...c, [fragment, o]])));
    if (choices.length > 64) return [[...events]];
  }
  return choices.map((c) =>
    events.filter((e) => e.guards.every((g) => !g.local || c.get(g.fragment) === g.operand)),
  );
}

/** True when some world of `a` is a subsequence of `b`, or the reverse, and `a` has choices. */
function worldsMeet(a: readonly LocalEvent[], b: readonly LocalEvent[]): boolean {
  const ws = worlds(a);
  if (ws.length < 2) return false;
  return ws.some((w) => w.length > 0 && (isSubsequence(w, b) || isSubsequence(b, w)));
}

/**
 * True when the two first differ at a message each receives: the peer
 * chooses (an external choice, Scribble's merge), so both are kept.
 */
function divergeOnReceive(a: readonly LocalEvent[], b: readonly LocalEvent[]): boolean {
  const x = significant(a);
  const y = significant(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as LocalEvent;
    const q = y[i] as LocalEvent;
    if (plain(p) === plain(q)) continue;
    return p.kind === 'receive' && q.kind === 'receive';
  }
  return false;
}

function behaviour(events: readonly LocalEvent[]): string {
  return events.map(describeEvent).join('; ');
}

/** True when the two lie in different operands of one alt: they never both happen. */
function exclusive(a: LocalEvent, b: LocalEvent): boolean {
  return a.guards.some((g) =>
    b.guards.some((h) => h.fragment === g.fragment && h.operand !== g.operand),
  );
}

/**
 * Whether `e` opens a ref outside any loop with a request of the participant's own: the
 * referenced flow is one the participant starts itself, so its events are that flow's entry
 * point, run after the events before it (OMA PoC CANCEL, 2xx operand: PoC Client A performs
 * Figure 16, "Leaving a PoC session", once the INVITE's 2xx is acknowledged).
 */
function startsRef(e: LocalEvent, previous: LocalEvent | undefined): boolean {
  if (e.kind !== 'send' || e.isResponse || e.loops.length > 0) return false;
  const ref = e.refPath[0];
  return ref !== undefined && previous?.refPath[0] !== ref;
}

/**
 * Whether a response is the answer a user's indication prompts: the indication comes from the
 * environment (no peer in the flow), after the request, in the response's operand.
 */
function promptedBy(first: LocalEvent, response: LocalEvent, afterRequest: boolean): boolean {
  return (
    afterRequest &&
    first.kind === 'receive' &&
    first.peer === undefined &&
    first.label.startsWith('indication ') &&
    first.flow === response.flow &&
    !exclusive(first, response)
  );
}

/**
 * Splits a projection into reactions: each starts at a received request or
 * indication. `b2bua` says that the role can work as a B2BUA: drawn without a
 * mode (OMA CPM 8.2.2.3: the Participating Function as "the other CPM
 * entity"), it is still the end of an INVITE it answers itself.
 */
export function reactionsOf(
  p: LocalProjection,
  resolve: FlowResolver,
  options: { readonly b2bua?: boolean } = {},
): Reaction[] {
  const b2bua = p.mode === 'b2bua' || (p.mode === undefined && options.b2bua === true);
  interface Open {
    first: LocalEvent;
    events: LocalEvent[];
    kind: Trigger['kind'];
    dialogs: string[];
  }
  const out: Open[] = [];
  let current: Open | undefined;
  const flow = resolve(p.flow);
  const state = flow ? initialDialogs(flow, p.participant, resolve) : new Set<string>();
  let previous: LocalEvent | undefined;
  const entered = new Set<string>();
  for (const e of p.events) {
    if (e.kind === 'state') continue;
    // A referenced flow starts from its own precondition: the dialogs it holds there are held
    // from the ref on (poc.establish.terminating.pre-established: the Pre-established Session).
    if (flow)
      for (const d of refPreconditionDialogs(flow, e, p.participant, resolve, entered))
        state.add(d);
    const last = previous;
    previous = e;
    if (e.kind === 'receive' && !e.isResponse) {
      current = { first: e, events: [], kind: 'receive', dialogs: [...state].sort() };
      out.push(current);
    } else {
      // A response belongs to the reaction of the request it answers, unless the user's
      // indication received since then prompts it (RFC 3261 13.3.1: the UAS answers once its
      // user accepts; OMA PoC 6.2.X.1, PoC User B accepting while the CANCEL is on its way);
      // otherwise, alt operands being exclusive, to the latest reaction it can follow.
      const request =
        e.kind === 'send' && e.isResponse && e.answers !== undefined
          ? out.find(
              (r) => r.kind === 'receive' && r.first.step === e.answers && r.first.flow === e.flow,
            )
          : undefined;
      const prompted =
        request !== undefined && current !== undefined && current !== request
          ? promptedBy(current.first, e, out.indexOf(current) > out.indexOf(request))
          : false;
      const answered = prompted ? current : request;
      // A received response to a request an entry point sent belongs to that entry (OMA CPM
      // 8.2.2.3 6.b.iv: the IWF that sent BYE gets its 200 after another IWF answered a BYE).
      const sentBy =
        e.kind === 'receive' && e.isResponse && e.answers !== undefined
          ? out.find(
              (r) =>
                r.kind === 'start' &&
                [r.first, ...r.events].some(
                  (x) =>
                    x.kind === 'send' && !x.isResponse && x.step === e.answers && x.flow === e.flow,
                ),
            )
          : undefined;
      const home = startsRef(e, last)
        ? undefined
        : (answered ?? sentBy ?? [...out].reverse().find((r) => !exclusive(r.first, e)));
      if (home) home.events.push(e);
      else {
        current = { first: e, events: [e], kind: 'start', dialogs: [...state].sort() };
        out.push(current);
      }
    }
    applyDialogEvent(state, e);
  }
  return out.map((r) => {
    const flow = resolve(r.first.flow);
    const session = (flow ? sessionOf(flow) : undefined) ?? p.session;
    const entry = r.kind === 'start' || r.first.peer === undefined;
    const trigger: Trigger = {
      kind: r.kind,
      label: r.first.label,
      // A user action or an indication from the environment is an entry point of its own flow.
      ...(entry ? { flow: r.first.flow } : {}),
      origin: r.kind === 'start' ? 'self' : (r.first.origin ?? 'network'),
      ...(r.kind === 'receive' && r.first.peerRole !== undefined ? { via: r.first.peerRole } : {}),
      ...(session !== undefined ? { session } : {}),
      dialogs: r.dialogs,
      ...(p.mode !== undefined ? { mode: p.mode } : {}),
      // An entry point of its own flow does not carry the guards of a flow that refers to it: the
      // caller chooses whether to call it (OMA PoC CANCEL step 2xx.5 invites on demand or over a
      // Pre-established Session by the same entry points as the flows that run them alone).
      guards: r.first.guards
        .filter((g) => g.local && !(entry && !g.fragment.startsWith(`${r.first.flow}#`)))
        .map((g) => g.guard),
      ...(b2bua && answersItself(r) ? { target: 'self' as const } : {}),
    };
    return {
      trigger,
      key: triggerKey(trigger),
      first: r.first,
      events: r.events,
      flows: [p.flow],
      places: [`${r.first.at} step ${r.first.step}`],
      variants: [],
      alternatives: [],
      stepRefs: [r.first, ...r.events]
        .map((e) => `${e.flow}#${e.step}`)
        .filter((x, i, a) => a.indexOf(x) === i),
    };
  });
}

/**
 * Whether a received INVITE is answered by the role itself with a 2xx and
 * no INVITE of its own follows in the reaction: the B2BUA is the end it is
 * addressed to, not a hop that opens another leg.
 */
function answersItself(r: {
  kind: Trigger['kind'];
  first: LocalEvent;
  events: readonly LocalEvent[];
}): boolean {
  if (r.kind !== 'receive' || r.first.label !== 'INVITE') return false;
  const sendsInvite = r.events.some(
    (e) => e.kind === 'send' && e.label === 'INVITE' && e.relays === undefined,
  );
  // Answered 2xx whatever the role or a peer chooses after the trigger: not one operand's answer.
  const held = (g: LocalGuard): boolean =>
    r.first.guards.some((t) => t.fragment === g.fragment && t.operand === g.operand);
  const accepts = r.events.some(
    (e) =>
      e.kind === 'send' &&
      e.isResponse &&
      e.answers === r.first.step &&
      /^2\d\d$/.test(e.label) &&
      e.guards.every(held),
  );
  return accepts && !sendsInvite;
}

const CHOICE_WORDS = /contradict|wins|instead of|override|preferred|takes precedence/i;

/**
 * Where `r` records its behaviour as a case of its own: a `problems:` entry
 * at one of its steps naming the other flow (id, figure, clause) or a
 * choice, or a note on one of its events from the first difference on.
 */
function recorded(r: Reaction, other: Reaction, resolve: FlowResolver): string | undefined {
  const flow = resolve(r.first.flow);
  const otherFlow = resolve(other.first.flow);
  if (flow && otherFlow) {
    const names = [
      otherFlow.id,
      otherFlow.source?.figure !== undefined ? `Figure ${otherFlow.source.figure}` : undefined,
      otherFlow.source?.clause,
    ].filter((n): n is string => n !== undefined);
    const steps = ownSteps(r);
    for (const pr of flow.problems) {
      const text = `${pr.problem} ${pr.choice} ${pr.reason}`;
      const atStep = pr.step !== undefined && steps.includes(pr.step);
      if (atStep && (CHOICE_WORDS.test(text) || names.some((n) => text.includes(n)))) {
        return `${flow.file}:${pr.loc.line}: ${pr.choice}`;
      }
    }
  }
  const mine = significant(r.events);
  const theirs = significant(other.events);
  let i = 0;
  while (
    i < mine.length &&
    i < theirs.length &&
    plain(mine[i] as LocalEvent) === plain(theirs[i] as LocalEvent)
  )
    i++;
  const noted = mine.slice(i).find((e) => e.note !== undefined);
  return noted ? `${noted.at}: ${noted.note ?? ''}` : undefined;
}

function side(r: Reaction): ConflictSide {
  return {
    flow: r.first.flow,
    at: r.first.at,
    steps: [r.first.step, ...r.events.filter((e) => e !== r.first).map((e) => e.step)],
    behaviour: behaviour(r.events),
  };
}

function ownSteps(r: Reaction): string[] {
  return [r.first, ...r.events]
    .filter((e) => e.flow === r.first.flow)
    .flatMap((e) => [e.step, ...e.refPath]);
}

function asVariant(r: Reaction, reason: string): Variant {
  return { flow: r.first.flow, first: r.first, events: r.events, reason, places: r.places };
}

/** `primary` with everything `other` contributed: flows, places, steps, alternatives, variants. */
function join(primary: Reaction, other: Reaction, extra: Partial<Reaction> = {}): Reaction {
  const union = <T>(a: readonly T[], b: readonly T[]): T[] => [...new Set([...a, ...b])];
  return {
    ...primary,
    flows: union(primary.flows, other.flows),
    places: union(primary.places, other.places),
    stepRefs: union(primary.stepRefs, other.stepRefs),
    alternatives: union(primary.alternatives, other.alternatives),
    variants: union(primary.variants, other.variants),
    ...extra,
  };
}

/** Merges `incoming` into `existing` (same key); throws when they contradict. */
function mergeReaction(
  role: Role,
  existing: Reaction,
  incoming: Reaction,
  resolve: FlowResolver,
): Reaction {
  if (behaviour(existing.events) === behaviour(incoming.events)) return join(existing, incoming);
  // A flow may leave out part of a role (an end it does not draw further):
  // when one reaction's events are a subsequence of the other's, the larger refines it.
  if (isSubsequence(existing.events, incoming.events)) return join(incoming, existing);
  if (isSubsequence(incoming.events, existing.events)) return join(existing, incoming);
  // A role's own choice (alt/opt it decides) may take the other flow's path in one of its operands.
  if (
    worldsMeet(existing.events, incoming.events) ||
    worldsMeet(incoming.events, existing.events)
  ) {
    const [big, small] =
      existing.events.length >= incoming.events.length
        ? [existing, incoming]
        : [incoming, existing];
    const merged = join(big, small);
    return { ...merged, alternatives: [...merged.alternatives, small.events] };
  }
  // The peer chooses by what it answers (an external choice): both are kept.
  if (divergeOnReceive(existing.events, incoming.events)) {
    const merged = join(existing, incoming);
    return { ...merged, alternatives: [...merged.alternatives, incoming.events] };
  }
  const incomingRecord = recorded(incoming, existing, resolve);
  if (incomingRecord !== undefined) {
    return {
      ...existing,
      variants: [...existing.variants, asVariant(incoming, incomingRecord), ...incoming.variants],
    };
  }
  const existingRecord = recorded(existing, incoming, resolve);
  if (existingRecord !== undefined) {
    return {
      ...incoming,
      variants: [...existing.variants, asVariant(existing, existingRecord), ...incoming.variants],
    };
  }
  throw new ContradictionError(role, existing.key, side(existing), side(incoming));
}

/** The mode a reaction runs in: drawn, or the role's own choice `participant.mode == '…'` over its trigger. */
function runMode(r: Reaction): string | undefined {
  if (r.trigger.mode !== undefined) return r.trigger.mode;
  for (const g of r.trigger.guards) {
    const m = /^participant\.mode == '(\w+)'$/.exec(g);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * What a handler can tell of a received request at run time: its method, whether it comes from
 * the served client, and the mode the role is configured for. Guards of the role's own other
 * than the mode and the sender make it a case of its own (undefined: not compared).
 */
function runtimeKey(r: Reaction): string | undefined {
  if (r.trigger.kind !== 'receive' || r.trigger.target !== undefined) return undefined;
  const mode = runMode(r);
  if (mode === undefined) return undefined;
  const own = r.trigger.guards.filter(
    (g) => !/^participant\.mode == /.test(g) && !/^trigger\.from == /.test(g),
  );
  if (own.length > 0) return undefined;
  const origin = r.trigger.origin === 'served-client' ? 'served-client' : 'other';
  return `${r.trigger.label} from ${origin} mode=${mode}`;
}

/**
 * Two reactions of one role under different dispatch keys, one drawn in a mode and the other
 * under the role's choice of that mode, that the role cannot tell apart at run time (the same
 * request from the same side, in the same configured mode): their behaviours must agree as for one key (the
 * same events, one refining the other, a choice of the role's or of its peer), or one of the
 * flows records which one wins (OMA CPM Figure 10 against 8.2.2.3 4.c and 8.3.2.3 3.d: the BYE
 * answered before or after the other leg is released). Otherwise a {@link ContradictionError}
 * names both places.
 */
function checkRuntimeOverlaps(
  role: Role,
  reactions: readonly Reaction[],
  resolve: FlowResolver,
): void {
  const byKey = new Map<string, Reaction[]>();
  for (const r of reactions) {
    const k = runtimeKey(r);
    if (k === undefined) continue;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  for (const group of byKey.values()) {
    for (const [i, a] of group.entries()) {
      for (const b of group.slice(i + 1)) {
        // Compared where the configured mode is all that dispatches them: one flow draws the mode,
        // the other chooses it by a guard (other overlaps are told apart by the leg, see role-plan).
        if ((a.trigger.mode === undefined) === (b.trigger.mode === undefined)) continue;
        if (a.flows.some((f) => b.flows.includes(f))) continue;
        mergeReaction(role, a, b, resolve);
      }
    }
  }
}

function sourceText(f: Flow): string {
  const s = f.source;
  if (!s) return f.origin === 'project' ? 'project-authored' : '';
  const parts = [s.spec, s.clause ? `clause ${s.clause}` : undefined];
  if (s.figure !== undefined) parts.push(`Figure ${s.figure}`);
  return parts.filter((x) => x !== undefined).join(', ');
}

/**
 * Builds the handler spec of every role that takes part in `flows`, in
 * catalog order; reactions keep the order in which flows (sorted by id) and
 * their events give them, so output is deterministic.
 */
export function mergeRoles(flows: readonly Flow[], resolve: FlowResolver): RoleSpec[] {
  const sorted = [...flows].sort((x, y) => x.id.localeCompare(y.id));
  const byRole = new Map<
    Role,
    { flows: Map<string, Flow>; modes: Set<Mode>; reactions: Map<string, Reaction> }
  >();
  // Roles some flow draws as a B2BUA: drawn without a mode elsewhere, they run on the same core.
  const b2buaRoles = new Set<Role>();
  for (const flow of sorted)
    for (const p of flow.participants.values()) if (p.mode === 'b2bua') b2buaRoles.add(p.role);
  for (const flow of sorted) {
    for (const p of projectFlowAll(flow, resolve)) {
      let entry = byRole.get(p.role);
      if (!entry) {
        entry = { flows: new Map(), modes: new Set(), reactions: new Map() };
        byRole.set(p.role, entry);
      }
      const reactions = reactionsOf(p, resolve, { b2bua: b2buaRoles.has(p.role) });
      if (reactions.length === 0) continue;
      if (p.mode) entry.modes.add(p.mode);
      for (const r of reactions) {
        for (const id of r.flows) {
          const f = resolve(id);
          if (f) entry.flows.set(f.id, f);
        }
        const src = resolve(r.first.flow);
        if (src) entry.flows.set(src.id, src);
        const prev = entry.reactions.get(r.key);
        entry.reactions.set(r.key, prev ? mergeReaction(p.role, prev, r, resolve) : r);
      }
    }
  }
  for (const [role, entry] of byRole)
    checkRuntimeOverlaps(role, [...entry.reactions.values()], resolve);
  return ROLES.filter((role) => byRole.has(role)).map((role) => {
    const entry = byRole.get(role);
    const fl = [...(entry?.flows.values() ?? [])].sort((x, y) => x.id.localeCompare(y.id));
    return {
      role,
      flows: fl.map((f) => ({ id: f.id, file: f.file, source: sourceText(f) })),
      modes: [...(entry?.modes ?? [])].sort(),
      reactions: [...(entry?.reactions.values() ?? [])],
    };
  });
}
