/**
 * request-headers-differ: within one source document, the same request of one
 * role to the same kind of peer shows the same headers in every flow (OMA PoC
 * Figure 16 steps 6-8 carry Privacy: id, the same BYE in Figure 17 steps 10-12
 * none).
 */
import type { Flow, MessageStep } from '../model/flow-model.js';
import { LintContext } from './lint-context.js';

/** A request a participant starts (not a relay): its role, method, destination role and headers. */
export interface RequestShape {
  /** role | method | role of the final receiver. */
  readonly key: string;
  readonly flow: Flow;
  readonly document: string | undefined;
  readonly step: MessageStep;
  readonly headers: ReadonlySet<string>;
}

/** The requests a flow's participants start, with the headers they show. */
export function requestShapes(ctx: LintContext): RequestShape[] {
  const msgs = ctx.placed.map((p) => p.step).filter((x): x is MessageStep => x.kind === 'message');
  const out: RequestShape[] = [];
  for (const s of msgs) {
    const m = s.message;
    if (m?.protocol !== 'sip' || m.type !== 'request' || s.relays !== undefined) continue;
    if (s.requestUri === undefined && s.headers.length === 0) continue;
    // The final receiver: follow the relays of this request forward.
    let last = s;
    for (let n = 0; n < 50; n++) {
      const next = msgs.find((x) => x.relays === last.id);
      if (!next) break;
      last = next;
    }
    const from = ctx.flow.participants.get(s.from ?? '')?.role;
    const to = ctx.flow.participants.get(last.to)?.role;
    if (!from || !to) continue;
    out.push({
      key: `${from}|${m.method}|${to}`,
      flow: ctx.flow,
      document: ctx.flow.source?.document,
      step: s,
      headers: new Set(s.headers.map((h) => h.name.toLowerCase())),
    });
  }
  return out;
}

/**
 * request-headers-differ: one role's request to the same kind of peer shows a
 * header in one flow of a document and lacks it in another (OMA PoC Figure 16
 * steps 6-8 carry Privacy: id, the same BYE in Figure 17 steps 10-12 none).
 */
export function checkRequestHeaders(ctx: LintContext, others: readonly RequestShape[]): void {
  for (const r of requestShapes(ctx)) {
    if (r.document === undefined) continue;
    const peer = others.find(
      (o) =>
        o.flow.id !== ctx.flow.id &&
        o.document === r.document &&
        o.key === r.key &&
        [...o.headers].some((h) => !r.headers.has(h)),
    );
    if (!peer) continue;
    const missing = peer.step.headers.filter((h) => !r.headers.has(h.name.toLowerCase()));
    const where = peer.step.hasId ? ` step ${peer.step.id}` : '';
    ctx.report(
      'request-headers-differ',
      `this ${r.key.split('|')[1] ?? ''} has no ${missing.map((h) => h.name).join(', ')}, which the same request carries in ${peer.flow.id}${where}`,
      r.step.loc,
      r.step,
    );
  }
}

/** Request shapes of several flows, for {@link checkRequestHeaders}. */
export function requestShapesOf(flows: Iterable<Flow>): RequestShape[] {
  return [...flows].flatMap((f) => requestShapes(new LintContext(f)));
}
