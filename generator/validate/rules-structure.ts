/**
 * Structural rules: participants exist, step ids are unique, references name
 * steps and flows that exist, refs and preconditions bind every participant.
 */
import { suggest } from '../load/schema-check.js';
import type { Flow, SourceLocation, Step } from '../model/flow-model.js';
import { stepName, type RuleContext } from './context.js';

/** unknown-participant: every from, to, at, decidedBy and bind target names a participant. */
export function checkParticipants(ctx: RuleContext): void {
  const ids = [...ctx.flow.participants.keys()];
  const check = (id: string | undefined, what: string, loc: SourceLocation, step: Step): void => {
    // An empty id is a missing receiver: message-without-receiver reports it.
    if (id === undefined || id === '' || ctx.flow.participants.has(id)) return;
    const byLabel = [...ctx.flow.participants.values()].find((p) => p.label === id);
    const hint = byLabel
      ? `; "${id}" is the label of participant "${byLabel.id}"`
      : hintFor(id, ids);
    ctx.report(
      'unknown-participant',
      `${stepName(step)}: ${what} "${id}" is not a participant${hint}`,
      loc,
      step.hasId ? step.id : undefined,
    );
  };
  for (const s of ctx.all) {
    switch (s.kind) {
      case 'message':
        check(s.from, 'sender', s.headLoc, s);
        check(s.to, 'receiver', s.headLoc, s);
        break;
      case 'action':
        check(s.at, 'participant', s.loc, s);
        break;
      case 'state':
        for (const p of s.at) check(p, 'participant', s.loc, s);
        for (const p of Object.values(s.bind)) check(p, 'bound participant', s.loc, s);
        break;
      case 'alt':
      case 'opt':
        check(s.decidedBy, 'deciding participant', s.loc, s);
        break;
      case 'ref':
        for (const p of Object.values(s.bind)) check(p, 'bound participant', s.loc, s);
        break;
      default:
        break;
    }
  }
}

function hintFor(id: string, ids: readonly string[]): string {
  const near = suggest(id, ids);
  return near ? `; did you mean "${near}"?` : ` (participants: ${ids.join(', ')})`;
}

/** duplicate-step-id: explicit step ids are unique within a flow. */
export function checkDuplicateIds(ctx: RuleContext): void {
  const first = new Map<string, Step>();
  for (const s of ctx.all) {
    if (!s.hasId) continue;
    const prev = first.get(s.id);
    if (prev) {
      ctx.report(
        'duplicate-step-id',
        `step id "${s.id}" is already used at line ${prev.loc.line}`,
        s.loc,
        s.id,
      );
    } else first.set(s.id, s);
  }
}

/** unknown-step-ref: answers, relays, after and derivations name existing steps. */
export function checkStepRefs(ctx: RuleContext): void {
  const ids = [...ctx.byId.keys()];
  const check = (ref: string | undefined, what: string, s: Step): void => {
    if (ref === undefined || ctx.byId.has(ref)) return;
    const near = suggest(ref, ids);
    ctx.report(
      'unknown-step-ref',
      `${stepName(s)}: ${what} "${ref}" is not a step of this flow${near ? `; did you mean "${near}"?` : ''}`,
      s.loc,
      s.hasId ? s.id : undefined,
    );
  };
  for (const s of ctx.all) {
    for (const a of s.after) check(a, 'after', s);
    if (s.kind === 'message') {
      check(s.answers, 'answers', s);
      check(s.relays, 'relays', s);
    }
  }
}

/**
 * ref-missing-flow, ref-unbound-participant: a ref or a precondition names a
 * flow that exists, and binds every participant of that flow to one here,
 * explicitly or by the same id.
 */
export function checkRefs(ctx: RuleContext): void {
  const checkBinding = (
    target: string,
    bind: Readonly<Record<string, string>>,
    loc: SourceLocation,
    what: string,
    step: string | undefined,
  ): void => {
    if (!ctx.resolve) return;
    const flow = ctx.resolve(target);
    if (!flow) {
      ctx.report(
        'ref-missing-flow',
        `${what} names flow "${target}", which does not exist`,
        loc,
        step,
      );
      return;
    }
    for (const key of Object.keys(bind)) {
      if (!flow.participants.has(key)) {
        ctx.report(
          'ref-unbound-participant',
          `${what} binds "${key}", which is not a participant of flow "${target}" (its participants: ${[...flow.participants.keys()].join(', ')})`,
          loc,
          step,
        );
      }
    }
    const unbound = [...flow.participants.keys()].filter(
      (p) => bind[p] === undefined && !ctx.flow.participants.has(p),
    );
    if (unbound.length > 0) {
      ctx.report(
        'ref-unbound-participant',
        `${what} leaves participant(s) ${unbound.map((u) => `"${u}"`).join(', ')} of flow "${target}" unbound: bind them to participants of this flow`,
        loc,
        step,
      );
    }
    checkRoles(ctx, flow, bind, loc, what, step);
  };
  for (const s of ctx.all) {
    if (s.kind === 'ref')
      checkBinding(s.flow, s.bind, s.loc, `${stepName(s)} (ref)`, s.hasId ? s.id : undefined);
  }
  for (const g of ctx.flow.given) {
    checkBinding(g.establishedBy, g.bind, g.loc, `precondition "${g.state}"`, g.step);
  }
}

/** A bound participant must play the same role in both flows. */
function checkRoles(
  ctx: RuleContext,
  target: Flow,
  bind: Readonly<Record<string, string>>,
  loc: SourceLocation,
  what: string,
  step: string | undefined,
): void {
  for (const [theirs, p] of target.participants) {
    const ours = ctx.flow.participants.get(bind[theirs] ?? theirs);
    if (ours && ours.role !== p.role) {
      ctx.report(
        'ref-role-mismatch',
        `${what}: "${theirs}" is a ${p.role} in flow "${target.id}" but "${ours.id}" here is a ${ours.role}`,
        loc,
        step,
      );
    }
  }
}
