/**
 * What one role's module holds, worked out from its merged spec: how it is
 * built on the runtime, its handlers (one per method, branches per trigger),
 * its entry points (user actions and network indications), its facts and
 * the reactions it cannot run yet.
 */
import type { LocalEvent, LocalGuard, Reaction, RoleSpec } from '../projection/local-types.js';
import { describeEvent } from '../projection/merge-roles.js';
import { GUARD_VARIABLES } from '../model/vocabulary.js';
import { block, comment, line, type Stmt } from './code-block.js';
import { entryName, roleNames, type RoleNames } from './role-catalog.js';
import { guardCode, guardVariablesOf } from './guard-code.js';
import { asRolePlan, isLocalRole, planLocalRole } from './local-role.js';
import {
  cite,
  compileReaction,
  joinedLines,
  type Compiled,
  type CoreKind,
} from './reaction-body.js';

/** One branch of a handler: the reactions that share a body, and when it applies. */
export interface Branch {
  readonly reactions: readonly Reaction[];
  /** TypeScript condition over `f` and `incoming`; undefined when the branch always applies. */
  readonly when?: string;
  readonly stmts: readonly Stmt[];
}

/** A handler of received requests of one method. */
export interface Handler {
  readonly method: string;
  readonly name: string;
  readonly branches: readonly Branch[];
}

/** An entry point: a user action, a decision of the role, or a network indication. */
export interface Entry {
  readonly name: string;
  readonly reaction: Reaction;
  readonly stmts: readonly Stmt[];
  readonly usesRecord: boolean;
}

/** A row of the generated reactions table. */
export interface TableRow {
  readonly trigger: string;
  readonly flows: readonly string[];
  readonly steps: readonly string[];
  readonly places: readonly string[];
  /** Where it runs: `onBye`, `leaveOnDemand`, `ProxyCore (RFC 3261 16)` ... */
  readonly runs: string;
  readonly executable: boolean;
  readonly note?: string;
  /** Recorded variants of other flows for the same trigger (`flow: file:line: reason`); the default runs. */
  readonly variants?: string;
}

/**
 * An initial INVITE a B2BUA role keeps pending under a choice of its own: it
 * opens no server leg, and its only answer is the 487 a CANCEL brings (RFC
 * 3261 9.2).
 */
export interface Hold {
  /** TypeScript condition over `f` and `incoming`. */
  readonly when: string;
  /** The step of the 487 it comes from (`flow step N (file:line): ...`). */
  readonly cite: string;
}

/** A fact (guard variable) the role reads, with its TypeScript type. */
export interface Fact {
  readonly name: string;
  readonly type: string;
  readonly doc: string;
}

/** An action a proxy-mode role takes before relaying a request. */
export interface ProxyAction {
  readonly method: string;
  readonly action: string;
  readonly flow: string;
  readonly step: string;
}

/** The plan of one role's module. */
export interface RolePlan {
  readonly names: RoleNames;
  readonly spec: RoleSpec;
  readonly kind: CoreKind;
  readonly handlers: readonly Handler[];
  readonly entries: readonly Entry[];
  readonly facts: readonly Fact[];
  readonly table: readonly TableRow[];
  /** Whether handlers loop over the session's other dialogs. */
  readonly usesEach: boolean;
  /** Whether handlers ask where a request comes from (the served client or not). */
  readonly usesOrigin: boolean;
  /** A B2BUA role that also works as a proxy (OMA CPM Participating Function): a second class. */
  readonly hasProxyMode: boolean;
  /** Actions the role takes in proxy mode before relaying a request of a method. */
  readonly proxyActions: readonly ProxyAction[];
  /** Flows whose recorded variants the role can run instead of the default (`config.variants`). */
  readonly variantFlows: readonly string[];
  /** Guards over events the runtime performs by itself (see {@link Compiled}). */
  readonly runtimeGuards: readonly string[];
  /** Whether entry points send an INVITE they may cancel (RFC 3261 9.1). */
  readonly usesPendingInvites: boolean;
  /** Initial INVITEs the B2BUA keeps pending for a CANCEL, by its own choices. */
  readonly holds: readonly Hold[];
  /** Whether the role opens an MBCP endpoint (its flows send or receive MBCP). */
  readonly usesMbcp: boolean;
  /** Whether the B2BUA answers some initial INVITEs itself (`onInvite`, see `answerInvite`). */
  readonly answersInvites: boolean;
  /**
   * Whether the B2BUA also relays INVITEs that another B2BUA addressed to it (its server leg
   * going to this one as the next hop, OMA CPM Figure 10): it answers an INVITE itself only
   * when the To names it too (OMA CPM 8.2.2.3: the Participating Function as "the other CPM
   * entity").
   */
  readonly answersOnlyWhenCalled: boolean;
  /** What the B2BUA does once a REFER method=INVITE joined a session of one leg (`B2buaCore.joined`). */
  readonly joins: readonly string[];
  /** The local roles this role gives indications to (a local call each, no network). */
  readonly localPeers: readonly RoleNames[];
  /** A local role (generator/emit/local-role.ts): other roles call it; it has no SIP endpoint. */
  readonly local?: true;
}

/** The roles a role gives indications to: participants of its flows it reaches by local calls. */
export function localPeersOf(spec: RoleSpec): RoleNames[] {
  const roles = new Set<RoleSpec['role']>();
  for (const r of spec.reactions)
    for (const e of [r.first, ...r.events, ...r.alternatives.flat()])
      if (e.kind === 'send' && !e.isResponse && e.label.startsWith('indication ') && e.peerRole)
        roles.add(e.peerRole);
  return [...roles].sort().map(roleNames);
}

/**
 * Whether a reaction is the role's in proxy mode: drawn with that mode, or
 * under the role's own choice `participant.mode == 'proxy'` (OMA CPM 8.2.2.3:
 * "acting as a SIP proxy").
 */
function inProxyMode(r: Reaction): boolean {
  return (
    r.trigger.mode === 'proxy' ||
    r.trigger.guards.some((g) => /(^|[^\w.])participant\.mode == 'proxy'/.test(g))
  );
}

function kindOf(spec: RoleSpec): CoreKind {
  if (spec.role === 'sip-core') return 'proxy';
  if (spec.role === 's-cscf') return 's-cscf';
  if (spec.modes.includes('b2bua')) return 'b2bua';
  return 'ua';
}

function steps(r: Reaction): string[] {
  const own = [r.first, ...r.events].map((e) => `${e.flow}#${e.step}`);
  const alt = r.alternatives.flat().map((e) => `${e.flow}#${e.step}`);
  return [...own, ...r.stepRefs, ...alt].filter((s, i, a) => a.indexOf(s) === i);
}

/**
 * Where a B2BUA's INVITE reaction, in an operand of its own choice, relays
 * nothing and answers only 487 (the transaction's answer once a CANCEL
 * arrives, RFC 3261 9.2): the INVITE is held under that operand's guards.
 */
function holdsOf(r: Reaction): Hold[] {
  const holds: Hold[] = [];
  for (const events of [r.events, ...r.alternatives]) {
    const held = events.find(
      (e) =>
        e.kind === 'send' && e.isResponse && e.label === '487' && e.guards.some((g) => g.local),
    );
    if (held === undefined) continue;
    const together = (e: LocalEvent): boolean =>
      !e.guards.some((g) =>
        held.guards.some((h) => h.fragment === g.fragment && h.operand !== g.operand),
      );
    if (events.some((e) => e.kind === 'send' && !e.isResponse && together(e))) continue;
    const guards = held.guards.filter((g) => g.local).map((g) => guardCode(g.guard));
    holds.push({
      when: [`this.originOf(incoming) === '${originKind(r)}'`, ...guards].join(' && '),
      cite: cite(held),
    });
  }
  return holds;
}

/**
 * A reaction cut by the operands of the role's own choices (alt/opt it
 * decides, not held over its trigger): the events of the operands that
 * compile, and those of the others with why they do not. Undefined when
 * every operand compiles or none does.
 */
function ownOperands(
  kind: CoreKind,
  r: Reaction,
):
  | {
      readonly runs: Reaction;
      readonly compiled: Extract<Compiled, { ok: true }>;
      readonly left: Reaction;
      readonly reason: string;
    }
  | undefined {
  const held = (g: LocalGuard): boolean =>
    r.first.guards.some((t) => t.fragment === g.fragment && t.operand === g.operand);
  const operands = new Map<string, { fragment: string; operand: number }>();
  for (const e of r.events)
    for (const g of e.guards)
      if (g.local && !held(g))
        operands.set(`${g.fragment}#${g.operand}`, { fragment: g.fragment, operand: g.operand });
  if (operands.size < 2) return undefined;
  const inOperand = (e: LocalEvent, o: { fragment: string; operand: number }): boolean =>
    e.guards.some((g) => g.fragment === o.fragment && g.operand === o.operand);
  const failed: LocalEvent[] = [];
  const refusals: Stmt[] = [];
  let reason: string | undefined;
  for (const o of operands.values()) {
    const events = r.events.filter((e) => inOperand(e, o));
    const compiled = compileReaction(kind, { ...r, events }, 'triggered');
    if (compiled.ok) continue;
    failed.push(...events);
    reason ??= compiled.reason;
    // The operand's guards (its enclosing own choices too): a role configured for it refuses.
    const head = events[0] as LocalEvent;
    const when = head.guards.filter((g) => g.local && !held(g)).map((g) => guardCode(g.guard));
    refusals.push(
      comment(compiled.reason),
      block(`if (${when.join(' && ')})`, [
        line(
          `throw new UncompiledCaseError('${head.flow}', '${head.step}', '${describeEvent(head).replace(/'/g, "\\'")}: not compiled');`,
        ),
      ]),
    );
  }
  if (reason === undefined || failed.length === 0) return undefined;
  const events = r.events.filter((e) => !failed.includes(e));
  const compiled = compileReaction(kind, { ...r, events }, 'triggered');
  if (!compiled.ok || events.every((e) => !e.guards.some((g) => g.local && !held(g))))
    return undefined;
  const refs = new Set(failed.map((e) => `${e.flow}#${e.step}`));
  return {
    runs: {
      ...r,
      events,
      stepRefs: r.stepRefs.filter((x) => !refs.has(x)),
      alternatives: [],
    },
    compiled: { ...compiled, stmts: [...refusals, ...compiled.stmts] },
    left: { ...r, events: failed, stepRefs: [...refs], alternatives: [] },
    reason,
  };
}

const MBCP_ACK = 'MBCP Media Burst Acknowledgement';

/**
 * Where a received MBCP message is handled by the role's MBCP endpoint
 * (OMA PoC user plane): an Acknowledgement settles the send that asked for
 * it; a message that asks for one is acknowledged on receipt. Undefined
 * when the reaction does more than that.
 */
function mbcpRuns(r: Reaction): string | undefined {
  if (!r.first.label.startsWith('MBCP ')) return undefined;
  const own = r.events.filter((e) => e.kind !== 'state');
  if (r.first.label === MBCP_ACK && own.length === 0)
    return 'MbcpEndpoint: the Acknowledgement ends the send that asked for it (OMA PoC user plane)';
  if (own.length === 1 && own[0]?.kind === 'send' && own[0].label === MBCP_ACK)
    return 'MbcpEndpoint: acknowledged on receipt (OMA PoC user plane)';
  return undefined;
}

/** Whether a role's flows send or receive MBCP: it opens an MBCP endpoint. */
function speaksMbcp(spec: RoleSpec): boolean {
  return spec.reactions.some((r) =>
    [r.first, ...r.events].some((e) => e.label.startsWith('MBCP ')),
  );
}

function isSipRequestTrigger(r: Reaction): boolean {
  return (
    r.trigger.kind === 'receive' && r.first.peer !== undefined && /^[A-Z]+$/.test(r.first.label)
  );
}

function pascal(method: string): string {
  return method[0] + method.slice(1).toLowerCase();
}

function factsOf(spec: RoleSpec): Fact[] {
  const names = new Set<string>();
  const all: LocalEvent[] = spec.reactions.flatMap((r) => [r.first, ...r.events]);
  for (const e of all) {
    for (const g of e.guards) if (g.local) for (const v of guardVariablesOf(g.guard)) names.add(v);
    // A header field the role writes under its `when:` reads the role's facts too.
    if (e.kind === 'send')
      for (const h of e.sentHeaders)
        if (h.when !== undefined) for (const v of guardVariablesOf(h.when)) names.add(v);
  }
  return [...names].sort().map((name) => {
    const t = GUARD_VARIABLES[name];
    const type =
      t === undefined
        ? 'string | number | boolean'
        : t.type === 'enum'
          ? t.values.map((v) => `'${v}'`).join(' | ')
          : t.type;
    return { name, type, doc: t?.doc ?? `Flow variable ${name}.` };
  });
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

/**
 * Where a request comes from as a role tells at run time: its served client, an IWF (on a
 * leg a B2BUA opened to one, OMA CPM 8.2.2.3 item 6), or another entity.
 */
function originKind(r: Reaction): string {
  return runtimeOrigin(r.trigger.origin);
}

function runtimeOrigin(origin: string | undefined): string {
  return origin === 'served-client' || origin === 'iwf' ? origin : 'other';
}

/**
 * What tells a branch's reactions from the others' at run time: the guards
 * their trigger holds under, else where the request comes from (the served
 * client or another entity).
 */
function conditionOf(mine: readonly Reaction[], others: readonly Reaction[]): string | undefined {
  const guards = mine[0]?.trigger.guards ?? [];
  if (guards.length > 0 && mine.every((r) => r.trigger.guards.join() === guards.join())) {
    // Who sent the request is known from the request, not from configuration.
    return guards
      .map((g) =>
        guardCode(g).replace(
          /f\['trigger\.from'\] === '([\w-]+)'/g,
          (_, from: string) => `this.originOf(incoming) === '${runtimeOrigin(from)}'`,
        ),
      )
      .join(' && ');
  }
  const origins = new Set(mine.map(originKind));
  const theirs = new Set(others.map(originKind));
  const [origin] = [...origins];
  if (origins.size === 1 && origin !== undefined && !theirs.has(origin)) {
    return `this.originOf(incoming) === '${origin}'`;
  }
  return undefined;
}

/** Whether a handler body acts on the leg paired with the request's own. */
function actsOnOtherLeg(stmts: readonly Stmt[]): boolean {
  return JSON.stringify(stmts).includes('this.releaseOtherLeg(');
}

/**
 * What tells a B2BUA's branch from others of the same origin when guards and
 * origin do not: whether the request's dialog is paired with another leg (a
 * relayed session, OMA PoC Figure 18) or is a session the B2BUA answered as
 * its own end (one leg: OMA PoC Figure 19, over a Pre-established Session).
 */
function legCondition(
  g: { reactions: readonly Reaction[]; stmts: readonly Stmt[] },
  all: readonly { reactions: readonly Reaction[]; stmts: readonly Stmt[] }[],
): string | undefined {
  const origin = new Set(g.reactions.map(originKind));
  const [o] = [...origin];
  if (origin.size !== 1 || o === undefined) return undefined;
  const rivals = all.filter((x) => x !== g && x.reactions.some((r) => originKind(r) === o));
  if (rivals.length === 0) return undefined;
  const mine = actsOnOtherLeg(g.stmts);
  if (rivals.some((x) => actsOnOtherLeg(x.stmts) === mine)) return undefined;
  return `this.originOf(incoming) === '${o}' && this.otherLeg(incoming) ${mine ? '!==' : '==='} undefined`;
}

/**
 * What tells a B2BUA's reaction as the end of a session of one leg (drawn
 * without a mode and without a guard, its body acting on no other leg: OMA
 * CPM 8.2.2.3, the Participating Function as "the other CPM entity"): the
 * request's dialog is paired with no other leg. Such a branch comes first, so
 * that the reactions of the B2BUA's own modes, which act on a paired leg, do
 * not take a request of a session it answered itself.
 */
function endCondition(g: {
  reactions: readonly Reaction[];
  stmts: readonly Stmt[];
}): string | undefined {
  const asEnd = g.reactions.every(
    (r) => r.trigger.mode === undefined && r.trigger.guards.length === 0,
  );
  if (!asEnd || actsOnOtherLeg(g.stmts)) return undefined;
  return 'this.otherLeg(incoming) === undefined';
}

/** Plans the module of one role. */
export function planRole(spec: RoleSpec): RolePlan {
  // A participant reached only by indications: a local role, planned apart (local-role.ts).
  if (isLocalRole(spec)) return asRolePlan(planLocalRole(spec));
  const names = roleNames(spec.role);
  const kind = kindOf(spec);
  const table: TableRow[] = [];
  const proxyActions: ProxyAction[] = [];
  const unreachable = new Map<string, string>();
  const byMethod = new Map<string, { r: Reaction; stmts: readonly Stmt[] }[]>();
  const entries: Entry[] = [];
  const taken = new Set<string>();
  const variantFlows = new Set<string>();
  const runtimeGuards: string[] = [];
  const holds: Hold[] = [];
  const joins: string[] = [];
  let relaysFromB2bua = false;
  const row = (
    r: Reaction,
    runs: string,
    executable: boolean,
    note?: string,
    more: readonly string[] = [],
  ): void => {
    table.push({
      trigger: r.key,
      flows: r.flows,
      steps: [...steps(r), ...more.filter((m) => !steps(r).includes(m))],
      places: r.places,
      runs,
      executable,
      ...(note !== undefined ? { note } : {}),
      ...(r.variants.length > 0
        ? { variants: r.variants.map((v) => `${v.flow}: ${v.reason}`).join('; ') }
        : {}),
    });
  };
  for (let r of spec.reactions) {
    if ((kind === 'proxy' || kind === 's-cscf') && r.first.label === 'CANCEL') {
      row(
        r,
        'ProxyCore: CANCEL, forwarded downstream with the 487 relayed back (RFC 3261 16.10, 16.7)',
        true,
      );
      continue;
    }
    if (kind === 'proxy' || (kind === 's-cscf' && isSipRequestTrigger(r))) {
      row(r, 'ProxyCore: stateful relay (RFC 3261 16)', true);
      continue;
    }
    if (kind === 'b2bua' && inProxyMode(r) && isSipRequestTrigger(r)) {
      // The role in proxy mode (OMA CPM 8.2.2.3): relays, with its actions taken before it relays.
      const odd = r.events.find((e) => e.kind === 'send' && e.relays === undefined);
      if (odd) {
        row(
          r,
          `${names.className}Proxy`,
          false,
          `${odd.step}: a proxy-mode reaction that does more than relay`,
        );
        continue;
      }
      for (const e of r.events) {
        if (e.kind === 'action' && e.action !== undefined) {
          proxyActions.push({
            method: r.first.label,
            action: e.action,
            flow: e.flow,
            step: e.step,
          });
        }
      }
      row(r, `${names.className}Proxy: ProxyCore relay (RFC 3261 16)`, true);
      continue;
    }
    if (isSipRequestTrigger(r)) {
      const method = r.first.label;
      if (method === 'ACK') {
        row(r, 'UserAgentCore: ACK ends 2xx retransmission (RFC 3261 13.3.1.4)', true);
        continue;
      }
      if (kind === 'b2bua' && (method === 'INVITE' || method === 'REFER') && !r.trigger.target) {
        if (method === 'INVITE' && r.trigger.origin === 'other-entity') relaysFromB2bua = true;
        const held = method === 'INVITE' ? holdsOf(r) : [];
        holds.push(...held);
        const joined = joinedLines(r);
        for (const j of joined) if (!joins.includes(j.code)) joins.push(j.cite, j.code);
        const runs =
          method === 'INVITE'
            ? `B2buaCore: relayInvite (RFC 7092 3.1)${held.length > 0 ? '; holdInvite for a CANCEL (RFC 3261 9.2)' : ''}`
            : `B2buaCore: REFER method=BYE or method=INVITE (RFC 3515, RFC 6665)${joined.length > 0 ? '; MBCP once joined (B2buaCore.joined)' : ''}`;
        row(r, runs, true);
        continue;
      }
      let compiled = compileReaction(kind, r, 'triggered');
      if (!compiled.ok) {
        const part = ownOperands(kind, r);
        if (part === undefined) {
          row(r, `on${pascal(method)}`, false, compiled.reason);
          continue;
        }
        // The operands of the role's own choices that compile run; the others are listed with
        // why, and the cases that take them get no generated test.
        row(part.left, `on${pascal(method)}`, false, part.reason);
        r = part.runs;
        compiled = part.compiled;
      }
      runtimeGuards.push(...compiled.runtimeGuards);
      let stmts = compiled.stmts;
      const variantSteps: string[] = [];
      for (const v of r.variants) {
        // A variant another flow records runs when the role is configured for that flow.
        const variant = compileReaction(
          kind,
          { ...r, first: v.first, events: v.events },
          'triggered',
        );
        if (!variant.ok) continue;
        variantFlows.add(v.flow);
        variantSteps.push(...[v.first, ...v.events].map((e) => `${e.flow}#${e.step}`));
        runtimeGuards.push(...variant.runtimeGuards);
        stmts = [
          comment(`variant of ${v.flow} (${v.reason})`),
          block(`if (this.config.variants?.includes('${v.flow}'))`, [
            ...variant.stmts,
            line('return;'),
          ]),
          ...stmts,
        ];
      }
      const list = byMethod.get(method) ?? [];
      list.push({ r, stmts });
      byMethod.set(method, list);
      row(r, `on${pascal(method)}`, true, undefined, variantSteps);
      continue;
    }
    if (r.trigger.kind === 'receive' && r.first.peer !== undefined) {
      const mbcp = mbcpRuns(r);
      if (mbcp !== undefined) {
        row(r, mbcp, true);
        continue;
      }
      row(r, '-', false, `${r.first.label}: only SIP requests and indications are dispatched yet`);
      continue;
    }
    const name = uniqueName(entryName(r.first.flow), taken);
    const compiled = compileReaction(kind, r, 'entry');
    if (!compiled.ok) {
      row(r, name, false, compiled.reason);
      continue;
    }
    runtimeGuards.push(...compiled.runtimeGuards);
    entries.push({ name, reaction: r, stmts: compiled.stmts, usesRecord: kind === 's-cscf' });
    row(r, name, true);
  }
  const handlers: Handler[] = [...byMethod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([method, list]) => {
      const groups = new Map<string, { reactions: Reaction[]; stmts: readonly Stmt[] }>();
      for (const { r, stmts } of list) {
        const key = JSON.stringify(stmts.filter((s) => s.kind !== 'comment'));
        const g = groups.get(key);
        if (g) g.reactions.push(r);
        else groups.set(key, { reactions: [r], stmts });
      }
      const raw = [...groups.values()];
      const ends = kind === 'b2bua' && raw.length > 1 ? raw.filter((g) => endCondition(g)) : [];
      const conditioned = [
        ...ends.map((g) => ({ g, cond: endCondition(g) })),
        ...raw
          .filter((g) => !ends.includes(g))
          .map((g) => ({
            g,
            cond:
              conditionOf(
                g.reactions,
                raw.filter((o) => o !== g).flatMap((o) => o.reactions),
              ) ?? (kind === 'b2bua' ? legCondition(g, raw) : undefined),
          })),
      ];
      // An if/else chain: branches with a condition first, then one default. A branch whose
      // condition repeats an earlier one, or a second branch without any, could never be told
      // apart at run time: its reactions are reported as not executable instead of run by chance.
      const branches: Branch[] = [];
      const seen = new Set<string>();
      let fallback: (typeof raw)[number] | undefined;
      for (const { g, cond } of conditioned) {
        if (cond !== undefined && !seen.has(cond)) {
          seen.add(cond);
          branches.push({ reactions: g.reactions, stmts: g.stmts, when: cond });
        } else if (cond === undefined && fallback === undefined) fallback = g;
        else {
          const shadow = cond === undefined ? fallback?.reactions[0]?.key : cond;
          for (const r of g.reactions) {
            unreachable.set(
              r.key,
              `cannot be told apart at run time from ${shadow ?? 'another branch'}`,
            );
          }
        }
      }
      if (fallback) branches.push({ reactions: fallback.reactions, stmts: fallback.stmts });
      return { method, name: `on${pascal(method)}`, branches };
    });
  const finalTable = table.map((t) => {
    const why = unreachable.get(t.trigger);
    return why === undefined ? t : { ...t, executable: false, note: why };
  });
  const usesEach = JSON.stringify([...handlers, ...entries.map((e) => e.stmts)]).includes(
    'this.each(',
  );
  const usesOrigin =
    holds.length > 0 ||
    handlers.some((h) => h.branches.some((b) => b.when?.includes('this.originOf(') === true));
  return {
    names,
    spec,
    kind,
    handlers,
    entries,
    facts: factsOf(spec),
    table: finalTable,
    usesEach,
    usesOrigin,
    hasProxyMode: kind === 'b2bua' && spec.modes.includes('proxy'),
    variantFlows: [...variantFlows].sort(),
    runtimeGuards: [...new Set(runtimeGuards)].sort(),
    holds,
    usesMbcp: speaksMbcp(spec),
    answersInvites: kind === 'b2bua' && handlers.some((h) => h.method === 'INVITE'),
    answersOnlyWhenCalled: relaysFromB2bua,
    joins,
    localPeers: localPeersOf(spec),
    usesPendingInvites: JSON.stringify(entries.map((e) => e.stmts)).includes('this.startInvite('),
    proxyActions: proxyActions.filter(
      (a, i) => proxyActions.findIndex((b) => b.method === a.method && b.action === a.action) === i,
    ),
  };
}
