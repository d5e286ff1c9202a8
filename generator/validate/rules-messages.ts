/**
 * Message rules: every message has a type, a sender and a receiver; a
 * response answers a request of the right method between the right ends
 * (RFC 3261 8.2.6, 17); a relay passes on what it relays, hop by hop
 * (RFC 3261 16.6).
 */
import type { HeaderSpec, MessageStep, Step } from '../model/flow-model.js';
import type { RuleContext } from './context.js';

const isMessage = (s: Step | undefined): s is MessageStep => s?.kind === 'message';

function describe(m: MessageStep): string {
  const t = m.message;
  if (!t) return 'message';
  if (t.protocol === 'sip') return t.type === 'request' ? t.method : `${t.status}`;
  return t.name;
}

/** message-without-type, message-without-sender, message-without-receiver. */
export function checkMessageHeads(ctx: RuleContext): void {
  for (const s of ctx.all) {
    if (s.kind !== 'message') continue;
    const id = s.hasId ? s.id : undefined;
    if (!s.message) {
      ctx.report(
        'message-without-type',
        `step ${s.id}: say what the message is (sip: BYE, sip: 200 OK, mbcp: Disconnect, indication: ...)${s.relays ? '' : ', or relay another step'}`,
        s.headLoc,
        id,
      );
    }
    if (s.to === '')
      ctx.report('message-without-receiver', `step ${s.id}: a message needs "to"`, s.headLoc, id);
    if (s.from === undefined && s.message?.protocol !== 'indication') {
      ctx.report(
        'message-without-sender',
        `step ${s.id}: a ${describe(s)} needs "from"; only an indication may come from outside the flow`,
        s.headLoc,
        id,
      );
    }
  }
}

/** The request a response step answers, following relayed responses back to their request hop. */
export function answeredRequest(
  ctx: RuleContext,
  s: MessageStep,
  seen = new Set<string>(),
): MessageStep | undefined {
  if (seen.has(s.id)) return undefined;
  seen.add(s.id);
  if (s.answers !== undefined) {
    const a = ctx.byId.get(s.answers);
    return isMessage(a) ? a : undefined;
  }
  if (s.relays === undefined) return undefined;
  const relayed = ctx.byId.get(s.relays);
  if (!isMessage(relayed)) return undefined;
  const upstream = answeredRequest(ctx, relayed, seen);
  if (!upstream) return undefined;
  // The response hop S->C relays the response of hop S->X; it answers the
  // request hop C->S that S relayed as S->X (RFC 3261 16.7: responses retrace the request path).
  return findIncomingHop(ctx, upstream);
}

function findIncomingHop(ctx: RuleContext, outgoing: MessageStep): MessageStep | undefined {
  if (outgoing.relays === undefined) return undefined;
  const prev = ctx.byId.get(outgoing.relays);
  return isMessage(prev) ? prev : undefined;
}

/**
 * response-without-request, answer-method-mismatch, response-ends-mismatch:
 * a SIP response answers a SIP request; it travels back between the same two
 * participants; its CSeq method, if written, is the request's.
 */
export function checkAnswers(ctx: RuleContext): void {
  for (const s of ctx.all) {
    if (s.kind !== 'message' || s.message?.protocol !== 'sip') continue;
    const id = s.hasId ? s.id : undefined;
    const t = s.message;
    if (t.type === 'request') {
      if (s.answers !== undefined) {
        ctx.report(
          'answer-method-mismatch',
          `step ${s.id}: a ${t.method} request answers nothing; "answers" belongs on responses`,
          s.loc,
          id,
        );
      }
      continue;
    }
    if (s.answers === undefined && s.relays === undefined) {
      ctx.report(
        'response-without-request',
        `step ${s.id}: the ${t.status} response answers no request: add "answers: <request step>"`,
        s.loc,
        id,
      );
      continue;
    }
    const direct = s.answers !== undefined ? ctx.byId.get(s.answers) : undefined;
    if (
      s.answers !== undefined &&
      direct &&
      !(
        isMessage(direct) &&
        direct.message?.protocol === 'sip' &&
        direct.message.type === 'request'
      )
    ) {
      ctx.report(
        'answer-method-mismatch',
        `step ${s.id}: answers step ${s.answers}, which is not a SIP request`,
        s.loc,
        id,
      );
      continue;
    }
    const req = answeredRequest(ctx, s);
    if (!req || req.message?.protocol !== 'sip' || req.message.type !== 'request') continue;
    const method = req.message.method;
    if (method === 'ACK') {
      ctx.report(
        'answer-method-mismatch',
        `step ${s.id}: ACK is never answered (RFC 3261 17.1.1.3)`,
        s.loc,
        id,
      );
    }
    if (t.status === 487 && method !== 'INVITE') {
      ctx.report(
        'answer-method-mismatch',
        `step ${s.id}: 487 answers an INVITE that was cancelled (RFC 3261 9.2), not a ${method}`,
        s.loc,
        id,
      );
    }
    if (
      t.status === 202 &&
      !['REFER', 'SUBSCRIBE', 'NOTIFY', 'MESSAGE', 'PUBLISH'].includes(method)
    ) {
      ctx.report(
        'answer-method-mismatch',
        `step ${s.id}: 202 Accepted does not answer a ${method}`,
        s.loc,
        id,
      );
    }
    const cseq = literalHeader(s.headers, 'CSeq');
    const cseqMethod = cseq?.trim().split(/\s+/)[1];
    if (cseqMethod && cseqMethod !== method) {
      ctx.report(
        'answer-method-mismatch',
        `step ${s.id}: CSeq says ${cseqMethod} but the response answers the ${method} of step ${req.id}`,
        s.loc,
        id,
      );
    }
    if (s.from !== undefined && (s.from !== req.to || s.to !== req.from)) {
      ctx.report(
        'response-ends-mismatch',
        `step ${s.id}: the response goes ${s.from} -> ${s.to}, but the request of step ${req.id} went ${req.from ?? '?'} -> ${req.to}; a response retraces its request (RFC 3261 8.2.6, 16.7)`,
        s.headLoc,
        id,
      );
    }
  }
}

function literalHeader(headers: readonly HeaderSpec[], name: string): string | undefined {
  const h = headers.find((x) => x.name.toLowerCase() === name.toLowerCase());
  const c = h?.values[0]?.constraint;
  return c?.kind === 'literal' ? c.text : undefined;
}

/**
 * relay-changes-message, relay-wrong-hop, relay-changes-header: a relay is the
 * same request or response passed on by the participant that received it.
 */
export function checkRelays(ctx: RuleContext): void {
  for (const s of ctx.all) {
    if (s.kind !== 'message' || s.relays === undefined) continue;
    const id = s.hasId ? s.id : undefined;
    const r = ctx.byId.get(s.relays);
    if (!r) continue; // unknown-step-ref reports it
    if (!isMessage(r)) {
      ctx.report(
        'relay-changes-message',
        `step ${s.id}: relays step ${s.relays}, which is not a message`,
        s.loc,
        id,
      );
      continue;
    }
    if (s.message && r.message && describe(s) !== describe(r)) {
      ctx.report(
        'relay-changes-message',
        `step ${s.id}: relays step ${r.id} (${describe(r)}) but is a ${describe(s)}`,
        s.headLoc,
        id,
      );
    }
    if (s.from !== undefined && s.from !== r.to) {
      ctx.report(
        'relay-wrong-hop',
        `step ${s.id}: relays step ${r.id}, which ${r.to} received, but is sent by ${s.from}`,
        s.headLoc,
        id,
      );
    }
    for (const h of s.headers) {
      const theirs = r.headers.find((x) => x.name.toLowerCase() === h.name.toLowerCase());
      const mine = h.values[0]?.constraint;
      const before = theirs?.values[0]?.constraint;
      if (mine?.kind === 'literal' && before?.kind === 'literal' && mine.text !== before.text) {
        ctx.report(
          'relay-changes-header',
          `step ${s.id}: ${h.name} is "${mine.text}" but step ${r.id}, which it relays, has "${before.text}"`,
          h.loc,
          id,
        );
      }
    }
  }
}
