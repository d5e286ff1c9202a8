/**
 * Global-to-local projection (Scribble): a flow's partial order restricted
 * to the events of one participant, in one linearisation, each event
 * annotated with its guards, loops and the end it talks to.
 */
import type { Flow, MessageStep, Step } from '../model/flow-model.js';
import type { Role } from '../model/vocabulary.js';
import { computeOrder, type FlowEvent } from '../order/happens-before.js';
import type {
  LocalEvent,
  LocalGuard,
  LocalProjection,
  Origin,
  SentHeader,
  SentValue,
} from './local-types.js';
import { ProjectionError } from './projection-errors.js';
import { indexFlowSteps, sessionOf, type FlowSteps } from './step-context.js';

/** Finds a flow by id. */
export type FlowResolver = (flowId: string) => Flow | undefined;

interface Chain {
  readonly flow: Flow;
  readonly bind: (id: string) => string;
  readonly guards: readonly LocalGuard[];
  readonly loops: readonly string[];
}

/** Lifeline `serverB[0]` -> participant `serverB`. */
export function baseParticipant(lifeline: string): string {
  const i = lifeline.indexOf('[');
  return i < 0 ? lifeline : lifeline.slice(0, i);
}

/** How a role sees the sender of what it receives. */
export function originOf(sender: Role | undefined): Origin {
  switch (sender) {
    case undefined:
      return 'network';
    case 'poc-client':
    case 'cpm-client':
    case 'ue':
      return 'served-client';
    case 'iwf':
      return 'iwf';
    case 'poc-server-controlling':
      return 'controlling-server';
    case 'poc-server-participating':
      return 'participating-server';
    case 'cpm-pf-originating':
    case 'cpm-pf-terminating':
    case 'message-storage':
      return 'other-entity';
    case 'sip-core':
    case 's-cscf':
      return 'network';
  }
}

/** The label of a message step: `BYE`, `200`, `MBCP Disconnect`, `indication x`. */
export function messageLabel(m: MessageStep): string {
  const t = m.message;
  if (!t) return 'unknown';
  if (t.protocol === 'sip') return t.type === 'request' ? t.method : String(t.status);
  if (t.protocol === 'mbcp') return `MBCP ${t.name}`;
  return `indication ${t.name}`;
}

class Projector {
  private readonly steps = new Map<string, FlowSteps>();
  private readonly chains = new Map<string, Chain>();

  constructor(
    private readonly root: Flow,
    private readonly resolve: FlowResolver,
  ) {}

  stepsOf(flow: Flow): FlowSteps {
    let s = this.steps.get(flow.id);
    if (!s) {
      s = indexFlowSteps(flow);
      this.steps.set(flow.id, s);
    }
    return s;
  }

  private localGuards(chain: Chain, step: Step, participant: string): LocalGuard[] {
    const ctx = this.stepsOf(chain.flow).context.get(step);
    return (ctx?.guards ?? []).map((g) => {
      const decidedBy = chain.bind(g.decidedBy);
      return {
        guard: g.guard,
        decidedBy,
        local: decidedBy === participant,
        fragment: `${chain.flow.id}#${g.fragment}`,
        operand: g.operand,
      };
    });
  }

  chain(refPath: readonly string[], participant: string): Chain {
    const key = `${participant}|${refPath.join('/')}`;
    const cached = this.chains.get(key);
    if (cached) return cached;
    let chain: Chain = { flow: this.root, bind: (id) => id, guards: [], loops: [] };
    for (const refId of refPath) {
      const ref = this.stepsOf(chain.flow).byId.get(refId);
      if (ref?.kind !== 'ref') {
        throw new ProjectionError(chain.flow.file, refId, 'ref step not found');
      }
      const target = this.resolve(ref.flow);
      if (!target) {
        throw new ProjectionError(chain.flow.file, refId, `referenced flow ${ref.flow} not found`);
      }
      const outer = chain;
      const ctx = this.stepsOf(outer.flow).context.get(ref);
      chain = {
        flow: target,
        bind: (id) => outer.bind(ref.bind[id] ?? id),
        guards: [...outer.guards, ...this.localGuards(outer, ref, participant)],
        loops: [...outer.loops, ...(ctx?.loops ?? [])],
      };
    }
    this.chains.set(key, chain);
    return chain;
  }

  roleOf(id: string | undefined): Role | undefined {
    return id === undefined ? undefined : this.root.participants.get(baseParticipant(id))?.role;
  }

  /** The first message of a relay chain. */
  originStep(flow: Flow, m: MessageStep): MessageStep {
    const byId = this.stepsOf(flow).byId;
    let cur = m;
    for (let hops = 0; cur.relays !== undefined && hops < 64; hops++) {
      const prev = byId.get(cur.relays);
      if (prev?.kind !== 'message') break;
      cur = prev;
    }
    return cur;
  }

  event(e: FlowEvent, participant: string): LocalEvent | undefined {
    if (e.kind === 'ref') {
      throw new ProjectionError(this.root.file, e.step, 'ref could not be expanded');
    }
    const chain = this.chain(e.refPath, participant);
    const ctx = this.stepsOf(chain.flow).context.get(e.source);
    const base = {
      step: e.step,
      flow: chain.flow.id,
      at: `${chain.flow.file}:${e.source.loc.line}`,
      guards: [...chain.guards, ...this.localGuards(chain, e.source, participant)],
      loops: [...chain.loops, ...(ctx?.loops ?? [])],
      refPath: e.refPath,
      ...(e.source.note !== undefined ? { note: e.source.note } : {}),
    };
    const s = e.source;
    if (s.kind === 'action') {
      return {
        ...base,
        kind: 'action',
        label: `action ${s.action}`,
        action: s.action,
        ...(s.yields !== undefined ? { yields: s.yields } : {}),
        isResponse: false,
        headers: [],
        sentHeaders: [],
      };
    }
    if (s.kind === 'state') {
      return {
        ...base,
        kind: 'state',
        label: `state ${s.state}`,
        isResponse: false,
        headers: [],
        sentHeaders: [],
      };
    }
    if (s.kind !== 'message' || (e.kind !== 'send' && e.kind !== 'receive')) return undefined;
    const first = this.originStep(chain.flow, s);
    const isResponse =
      s.message?.protocol === 'sip'
        ? s.message.type === 'response'
        : first.answers !== undefined || s.answers !== undefined;
    const peerId =
      e.kind === 'send' ? chain.bind(s.to) : s.from === undefined ? undefined : chain.bind(s.from);
    const originId = first.from === undefined ? undefined : chain.bind(first.from);
    const peerRole = this.roleOf(peerId);
    return {
      ...base,
      kind: e.kind,
      label: messageLabel(s),
      ...(peerId !== undefined ? { peer: peerId } : {}),
      ...(peerRole !== undefined ? { peerRole } : {}),
      ...(e.kind === 'receive' ? { origin: originOf(this.roleOf(originId)) } : {}),
      ...(s.answers !== undefined ? { answers: s.answers } : {}),
      ...(s.relays !== undefined ? { relays: s.relays } : {}),
      ...(s.dialog !== undefined ? { dialog: s.dialog } : {}),
      isResponse,
      ...(s.requestUri?.constraint.kind === 'derived'
        ? { requestUriIs: s.requestUri.constraint.expression }
        : {}),
      sentHeaders: sentHeadersOf(s),
      headers: s.headers.map(
        (h) => `${h.name}=${h.values.map((v) => v.constraint.kind).join('|')}`,
      ),
      ...referMethodOf(s),
    };
  }
}

/**
 * The header fields of a message step whose value its sender writes: a literal, a variable
 * (`is: var.X`) or a template, each with its `when:` guard. Other constraints (a pattern, a
 * value derived from the dialog or another step) are the runtime's to fill in (RFC 3261 12.2.1.1,
 * 8.1.1) or only checked.
 */
export function sentHeadersOf(s: MessageStep): SentHeader[] {
  return s.headers.flatMap((h) =>
    h.values.flatMap((v): SentHeader[] => {
      const c = v.constraint;
      const value: SentValue | undefined =
        c.kind === 'literal'
          ? { kind: 'literal', text: c.text }
          : c.kind === 'template'
            ? { kind: 'template', text: c.text, variables: c.variables }
            : c.kind === 'derived' && c.derivation.kind === 'path' && c.derivation.root === 'var'
              ? { kind: 'var', name: c.derivation.path.replace(/^var\./, '') }
              : undefined;
      if (value === undefined) return [];
      return [{ name: h.name, value, ...(v.when !== undefined ? { when: v.when } : {}) }];
    }),
  );
}

/** The method a REFER step's Refer-To fixes (`method=BYE` in a literal or contained text). */
function referMethodOf(s: MessageStep): { referMethod?: string } {
  const m = s.message;
  if (m?.protocol !== 'sip' || m.type !== 'request' || m.method !== 'REFER') return {};
  for (const h of s.headers) {
    if (h.name.toLowerCase() !== 'refer-to') continue;
    for (const v of h.values) {
      const c = v.constraint;
      const text = c.kind === 'literal' || c.kind === 'contains' ? c.text : undefined;
      const method =
        text !== undefined ? /(?:^|[;<\s])method=([A-Za-z]+)/i.exec(text)?.[1] : undefined;
      if (method !== undefined) return { referMethod: method.toUpperCase() };
    }
  }
  return {};
}

/**
 * Projects a flow onto one participant: its events in one linearisation of
 * the flow's partial order, refs expanded with the participant bound.
 */
export function projectFlow(
  flow: Flow,
  participant: string,
  resolve: FlowResolver,
): LocalProjection {
  // Flows are immutable once loaded: a projection is computed once per flow object and participant.
  let byParticipant = cache.get(flow);
  if (!byParticipant) {
    byParticipant = new Map();
    cache.set(flow, byParticipant);
  }
  const hit = byParticipant.get(participant);
  if (hit) return hit;
  const projection = computeProjection(flow, participant, resolve);
  byParticipant.set(participant, projection);
  return projection;
}

const cache = new WeakMap<Flow, Map<string, LocalProjection>>();

function computeProjection(
  flow: Flow,
  participant: string,
  resolve: FlowResolver,
): LocalProjection {
  const p = flow.participants.get(participant);
  if (!p) throw new ProjectionError(flow.file, '-', `no participant ${participant}`);
  const order = computeOrder(flow, { resolve, loopIterations: 1 });
  const projector = new Projector(flow, resolve);
  const events: LocalEvent[] = [];
  for (const e of order.linearize()) {
    if (baseParticipant(e.participant) !== participant) continue;
    const local = projector.event(e, participant);
    if (local) events.push(local);
  }
  const session = sessionOf(flow);
  return {
    flow: flow.id,
    file: flow.file,
    participant,
    role: p.role,
    ...(p.mode !== undefined ? { mode: p.mode } : {}),
    ...(session !== undefined ? { session } : {}),
    events,
  };
}

/** Projects a flow onto every participant, in the flow's participant order. */
export function projectFlowAll(flow: Flow, resolve: FlowResolver): LocalProjection[] {
  return [...flow.participants.keys()].map((id) => projectFlow(flow, id, resolve));
}
