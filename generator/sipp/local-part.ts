/**
 * A participant's part of a flow, in the order SIPp plays it: the flow's
 * partial order (refs expanded, one loop iteration) linearised, restricted
 * to the participant's lifeline, with the preconditions' establishing flows
 * played first so the scenario runs standalone.
 */
import type { Flow, MessageStep, Step } from '../model/flow-model.js';
import { computeOrder, type FlowEvent } from '../order/index.js';
import { SippExportError } from './export-errors.js';
import type { PathSelector } from './path-selection.js';
import { describeMessage, messageSteps } from './step-text.js';

/** A SIP message the participant sends or receives. */
export interface LocalMessage {
  readonly kind: 'send' | 'receive';
  /** Flow that holds the step. */
  readonly flow: string;
  readonly step: MessageStep;
  /** The SIP message type (never MBCP or an indication). */
  readonly sip: Extract<NonNullable<MessageStep['message']>, { protocol: 'sip' }>;
  /** Label of the other end. */
  readonly peer: string;
  /** The transaction: the first request of the step's relay/answer chain, per ref and iteration. */
  readonly transaction: string;
  /** What the flow says, for the comment. */
  readonly text: string;
}

/** Something the participant does that SIPp does not play: shown as a comment. */
export interface LocalNote {
  readonly kind: 'note';
  readonly flow: string;
  readonly step: string;
  readonly text: string;
  /** True for a message of the participant that is not played (MBCP, a trigger, left out by --peer). */
  readonly message?: boolean;
}

/** One element of a participant's part. */
export type LocalItem = LocalMessage | LocalNote;

/** Options of {@link localPart}. */
export interface LocalPartOptions {
  /** Participant id in `flow`. */
  readonly participant: string;
  /** Keep only the messages exchanged with this participant id. */
  readonly peer?: string;
  readonly resolve: (flowId: string) => Flow | undefined;
  readonly selector: PathSelector;
}

function baseLifeline(lifeline: string): string {
  const i = lifeline.indexOf('[');
  return i < 0 ? lifeline : lifeline.slice(0, i);
}

function labelOf(flow: Flow, lifeline: string, resolve: LocalPartOptions['resolve']): string {
  const base = baseLifeline(lifeline);
  const colon = base.lastIndexOf(':');
  if (colon >= 0) {
    const other = resolve(base.slice(0, colon));
    return other?.participants.get(base.slice(colon + 1))?.label ?? base;
  }
  return flow.participants.get(base)?.label ?? base;
}

/** Key of the transaction a message step belongs to. */
function transactionOf(event: FlowEvent, byId: ReadonlyMap<string, MessageStep>): string {
  let s: MessageStep | undefined = event.message;
  const seen = new Set<string>();
  const climb = (): void => {
    while (s?.relays !== undefined && !seen.has(s.id)) {
      seen.add(s.id);
      s = byId.get(s.relays) ?? s;
    }
  };
  climb();
  if (s?.message?.protocol === 'sip' && s.message.type === 'response' && s.answers !== undefined) {
    s = byId.get(s.answers) ?? s;
    climb();
  }
  return `${event.flow}|${event.refPath.join('/')}|${event.iteration.join('.')}|${s?.id ?? event.step}`;
}

function noteFor(step: Step, flow: Flow): string {
  switch (step.kind) {
    case 'action':
      return `action ${step.action}${step.yields !== undefined ? ` (yields ${step.yields})` : ''}${
        step.title !== undefined ? `: ${step.title}` : ''
      }`;
    case 'state':
      return `state "${step.state}"${
        step.establishedBy !== undefined
          ? `, established by ${step.establishedBy} (played above)`
          : ''
      }`;
    case 'ref':
      return `ref ${step.flow}: not resolved, not played`;
    default:
      return `${step.kind} ${step.title ?? ''} (${flow.id})`;
  }
}

/** The participant's part of one flow, without its preconditions. */
function flowPart(flow: Flow, opts: LocalPartOptions): LocalItem[] {
  const selected = opts.selector.select(flow);
  const order = computeOrder(selected, {
    resolve: (id) => {
      const f = opts.resolve(id);
      return f ? opts.selector.select(f) : undefined;
    },
    loopIterations: 1,
  });
  const byFlow = new Map<string, Map<string, MessageStep>>();
  const stepsOf = (id: string): Map<string, MessageStep> => {
    let m = byFlow.get(id);
    if (!m) {
      const f = id === flow.id ? flow : opts.resolve(id);
      m = new Map((f ? messageSteps(f.steps) : []).map((s) => [s.id, s]));
      byFlow.set(id, m);
    }
    return m;
  };
  const mine = (e: FlowEvent): boolean => baseLifeline(e.participant) === opts.participant;
  const items: LocalItem[] = [];
  for (const e of order.linearize()) {
    if (!mine(e)) continue;
    const sourceFlow = e.flow === flow.id ? flow : (opts.resolve(e.flow) ?? flow);
    if (e.kind === 'local' || e.kind === 'ref') {
      items.push({ kind: 'note', flow: e.flow, step: e.step, text: noteFor(e.source, sourceFlow) });
      continue;
    }
    const m = e.message;
    if (!m) continue;
    const text = describeMessage(m, sourceFlow);
    const partner = order.events[e.kind === 'send' ? e.index + 1 : e.index - 1];
    if (m.from === undefined || !partner || partner.source !== m) {
      items.push({
        kind: 'note',
        flow: e.flow,
        step: e.step,
        text: `${text}: the trigger (not a SIP message)`,
        message: true,
      });
      continue;
    }
    const peerLife = partner.participant;
    const peer = labelOf(flow, peerLife, opts.resolve);
    if (m.message?.protocol !== 'sip') {
      items.push({
        kind: 'note',
        flow: e.flow,
        step: e.step,
        text: `${text}: not played, SIPp cannot send or receive ${
          m.message?.protocol === 'mbcp' ? 'MBCP (RTCP APP over UDP)' : 'this message'
        }`,
        message: true,
      });
      continue;
    }
    if (opts.peer !== undefined && baseLifeline(peerLife) !== opts.peer) {
      items.push({
        kind: 'note',
        flow: e.flow,
        step: e.step,
        text: `${text}: left out, not exchanged with ${labelOf(flow, opts.peer, opts.resolve)}`,
        message: true,
      });
      continue;
    }
    items.push({
      kind: e.kind,
      flow: e.flow,
      step: m,
      sip: m.message,
      peer,
      transaction: transactionOf(e, stepsOf(e.flow)),
      text,
    });
  }
  return items;
}

/** Maps a participant id of an outer flow into an establishing flow through its bindings. */
function bindInto(
  target: Flow,
  bind: Readonly<Record<string, string>>,
  id: string,
): string | undefined {
  for (const [inner, outer] of Object.entries(bind)) if (outer === id) return inner;
  return target.participants.has(id) ? id : undefined;
}

/** A participant's part: what it plays of the establishing flows, then of the flow itself. */
export interface LocalPart {
  readonly before: readonly LocalItem[];
  readonly own: readonly LocalItem[];
}

/** The participant's part of a flow, preceded by its part of every establishing flow. */
export function localPart(flow: Flow, opts: LocalPartOptions, depth = 0): LocalPart {
  const items: LocalItem[] = [];
  for (const g of flow.given) {
    const target = opts.resolve(g.establishedBy);
    const where = g.step ?? 'given';
    if (!target) {
      throw new SippExportError(
        flow.id,
        where,
        opts.participant,
        `precondition "${g.state}" names ${g.establishedBy}, which is not among the loaded flows`,
      );
    }
    const me = bindInto(target, g.bind, opts.participant);
    const head = `precondition "${g.state}": ${target.id} played first`;
    if (me === undefined || depth > 4) {
      items.push({
        kind: 'note',
        flow: flow.id,
        step: where,
        text: `${head}: no part for this participant`,
      });
      continue;
    }
    const peer =
      opts.peer !== undefined ? (bindInto(target, g.bind, opts.peer) ?? opts.peer) : undefined;
    items.push({ kind: 'note', flow: flow.id, step: where, text: head });
    const inner = localPart(
      target,
      { ...opts, participant: me, ...(peer !== undefined ? { peer } : {}) },
      depth + 1,
    );
    items.push(...inner.before, ...inner.own);
  }
  return { before: items, own: flowPart(flow, opts) };
}
