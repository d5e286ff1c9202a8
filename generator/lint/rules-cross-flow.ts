/**
 * role-behaviour-conflict: what a role does on receiving the same request
 * from the same kind of peer must agree across flows. A B2BUA either answers
 * the request at once and then releases its other leg (OMA PoC Figure 16, OMA
 * CPM Figure 10), or answers only when the onward request is answered (OMA
 * CPM 8.2.2.3 4.c, 8.3.2.3 3.d); two flows that disagree give the generated
 * handler two behaviours for one trigger.
 */
import type { Flow, MessageStep } from '../model/flow-model.js';
import { exclusive, LintContext, type PlacedStep } from './lint-context.js';

/** When a role answers a received request relative to its onward request of the same method. */
export type AnswerOrder = 'answers-first' | 'answers-after-onward';

/** What one flow makes one participant do on one trigger. */
export interface Behaviour {
  /** role | method | role of the request's originator. */
  readonly key: string;
  readonly role: string;
  readonly method: string;
  readonly peerRole: string;
  readonly order: AnswerOrder;
  readonly flow: Flow;
  /** The answer step. */
  readonly answer: PlacedStep;
  readonly received: MessageStep;
}

/** Methods whose answer order is compared: they end a dialog or a transaction. */
const ENDING_METHODS = new Set(['BYE', 'CANCEL']);

const isMessage = (p: PlacedStep): p is PlacedStep & { step: MessageStep } =>
  p.step.kind === 'message';

/** The behaviours a flow gives its B2BUA participants. */
export function behaviours(ctx: LintContext): Behaviour[] {
  const msgs = ctx.placed.filter(isMessage);
  const byId = (id: string | undefined): (PlacedStep & { step: MessageStep }) | undefined =>
    msgs.find((m) => m.step.hasId && m.step.id === id);
  const isRequest = (s: MessageStep): boolean =>
    s.message?.protocol === 'sip' && s.message.type === 'request';
  const origin = (s: MessageStep): MessageStep => {
    let cur = s;
    for (let n = 0; n < 50 && cur.relays !== undefined; n++) {
      const prev = byId(cur.relays);
      if (!prev) break;
      cur = prev.step;
    }
    return cur;
  };
  const hopsOf = (start: MessageStep): Set<string> => {
    const out = new Set<string>([start.id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const m of msgs)
        if (m.step.relays !== undefined && out.has(m.step.relays) && !out.has(m.step.id)) {
          out.add(m.step.id);
          grew = true;
        }
    }
    return out;
  };
  const answersAny = (s: MessageStep, hops: Set<string>): boolean => {
    const o = origin(s);
    return o.answers !== undefined && hops.has(o.answers);
  };

  const out: Behaviour[] = [];
  for (const r of msgs) {
    const s = r.step;
    const at = ctx.flow.participants.get(s.to);
    if (!at || at.role === 'sip-core' || !isRequest(s) || s.message?.protocol !== 'sip') continue;
    if (s.message.type !== 'request') continue;
    const method = s.message.method;
    // Only requests that end something: answering an INVITE early is a legitimate
    // variant (a pre-established session), answering a BYE early is a choice.
    if (!ENDING_METHODS.has(method)) continue;
    if (msgs.some((m) => m.step.relays === s.id && m.step.from === s.to)) continue;
    const answer = msgs.find((m) => m.step.answers === s.id && m.step.from === s.to);
    if (!answer) continue;
    const onward = msgs.filter(
      (m) =>
        m.index > r.index &&
        m.step.from === s.to &&
        m.step.relays === undefined &&
        m.step.message?.protocol === 'sip' &&
        m.step.message.type === 'request' &&
        m.step.message.method === method &&
        !exclusive(m, r) &&
        !exclusive(m, answer),
    );
    if (onward.length === 0) continue;
    const responses = onward.flatMap((o) => {
      const hops = hopsOf(o.step);
      return msgs.filter(
        (m) => m.step.to === s.to && !isRequest(m.step) && answersAny(m.step, hops),
      );
    });
    const firstResponse = Math.min(...responses.map((m) => m.index));
    const firstOnward = Math.min(...onward.map((m) => m.index));
    const order: AnswerOrder | undefined =
      responses.length > 0
        ? answer.index < firstResponse
          ? 'answers-first'
          : 'answers-after-onward'
        : answer.index < firstOnward
          ? 'answers-first'
          : undefined;
    if (!order) continue;
    const peerRole = ctx.flow.participants.get(origin(s).from ?? '')?.role ?? 'unknown';
    out.push({
      key: `${at.role}|${method}|${peerRole}`,
      role: at.role,
      method,
      peerRole,
      order,
      flow: ctx.flow,
      answer,
      received: s,
    });
  }
  return out;
}

const describe = (b: Behaviour): string =>
  b.order === 'answers-first'
    ? 'answers it at once, before its onward request is answered'
    : 'answers it only after its onward request is answered';

/** Reports, in `ctx`'s flow, every behaviour that another flow contradicts. */
export function checkBehaviourConflicts(ctx: LintContext, others: readonly Behaviour[]): void {
  for (const b of behaviours(ctx)) {
    const other = others.find(
      (o) => o.flow.id !== ctx.flow.id && o.key === b.key && o.order !== b.order,
    );
    if (!other) continue;
    const where = other.answer.step.hasId ? ` step ${other.answer.step.id}` : '';
    ctx.report(
      'role-behaviour-conflict',
      `on a ${b.method} from a ${b.peerRole}, the ${b.role} here ${describe(b)}; in ${other.flow.id}${where} it ${describe(other)}`,
      b.answer.step.loc,
      b.answer.step,
    );
  }
}

/** Behaviours of several flows, for {@link checkBehaviourConflicts}. */
export function behavioursOf(flows: Iterable<Flow>): Behaviour[] {
  return [...flows].flatMap((f) => behaviours(new LintContext(f)));
}
