/**
 * Opening the server legs for an INVITE received on the client leg: a new
 * INVITE per leg with its own Call-ID and From tag, provisional responses
 * relayed, the final response answered on the client leg, and a CANCEL on
 * the client leg passed on as a CANCEL on the server legs (RFC 3261 9.1, 9.2).
 */
import { formatNameAddr, getCallId, getFrom, getTag, parseNameAddr } from '../sip/message/index.js';
import type { SipResponse } from '../sip/message/index.js';
import { TransactionTimeoutError } from '../sip/transaction/index.js';
import type { B2buaCore, B2buaRoute } from './b2bua-core.js';
import { B2buaLeg, B2buaSession, B2buaSessionState, LegName } from './b2bua-session.js';
import type { IncomingRequest } from './incoming-request.js';
import { mergeAnswers } from './media-streams.js';
import type { OutgoingInvite } from './outgoing-invite.js';

/** The address of a From or To without its tag, for the new leg (RFC 3261 8.1.1.3). */
export function withoutTag(value: string): string {
  const address = parseNameAddr(value);
  return formatNameAddr({
    displayName: address.displayName,
    uri: address.uri,
    params: [...address.params].filter(([name]) => name.toLowerCase() !== 'tag'),
  });
}

function bodyOf(message: {
  body: Uint8Array;
  headers: { get(name: string): string | undefined };
}): {
  contentType?: string;
  body?: string;
} {
  const contentType = message.headers.get('Content-Type');
  if (contentType === undefined || message.body.length === 0) return {};
  return { contentType, body: Buffer.from(message.body).toString('utf8') };
}

/** What became of the INVITE of one server leg. */
interface LegOutcome {
  readonly leg: B2buaLeg;
  readonly response?: SipResponse;
  /** The status the client leg gets when no leg answered 2xx. */
  readonly status: number;
  readonly reason: string;
}

/**
 * Opens the server legs for `incoming` and wires them with the client leg
 * into one session: one INVITE per route, each sent once the previous one
 * had its final response (OMA CPM 8.2.2.1: the session is interworked to
 * each IWF in turn). The client leg is answered once every server leg has
 * its final response: with the 2xx (and the merged SDP answer, see
 * {@link mergeAnswers}) when any leg was accepted, else with the first
 * failure. Resolves when the client leg has its final response.
 */
export async function relayInvite(
  b2bua: B2buaCore,
  incoming: IncomingRequest,
  route: B2buaRoute | readonly B2buaRoute[],
): Promise<void> {
  const routes: readonly B2buaRoute[] = isRouteList(route) ? route : [route];
  const { request } = incoming;
  const callId = getCallId(request);
  const id = `${callId};${getTag(getFrom(request)) ?? ''}`;
  const session = b2bua.sessions.add(id, new B2buaSession(id, callId));
  const offer = bodyOf(request);
  const pending = new Set<OutgoingInvite>();
  // RFC 3261 9.2: the CANCEL was answered on the client leg; the pending server legs are cancelled in turn.
  incoming.onCancel(() => {
    for (const outgoing of pending) void outgoing.cancel();
  });
  const outcomes: LegOutcome[] = [];
  for (const next of routes) {
    if (!incoming.pending) break;
    outcomes.push(await openLeg(b2bua, incoming, session, next, offer, pending));
  }
  const accepted = outcomes.filter((outcome) => outcome.leg.dialog !== undefined);
  for (const outcome of outcomes)
    if (outcome.leg.dialog === undefined) session.removeServer(outcome.leg);
  const [best] = accepted;
  if (!best?.response) {
    const [failure] = outcomes;
    answerFailure(incoming, failure?.status ?? 500, failure?.reason ?? 'Server Internal Error');
    end(b2bua, session);
    return;
  }
  if (!incoming.pending) {
    // RFC 3261 15: a 2xx lost the race with the CANCEL (487 sent on the client leg): end the server legs.
    session.state = B2buaSessionState.Releasing;
    for (const { leg } of accepted) void b2bua.releaseLeg(leg).catch(() => undefined);
    return;
  }
  const merged = mergeAnswers(
    accepted.map(({ response }) => (response ? bodyOf(response).body : undefined)),
  );
  accepted.forEach(({ leg }, i) => (leg.streams = merged.streams[i] ?? []));
  const contentType = best.response.headers.get('Content-Type');
  answerSuccess(b2bua, incoming, session, best.response, {
    ...(merged.sdp !== undefined && contentType !== undefined
      ? { contentType, body: merged.sdp }
      : {}),
  });
}

/** Whether a route choice names several server legs. */
export function isRouteList(
  route: B2buaRoute | readonly B2buaRoute[],
): route is readonly B2buaRoute[] {
  return Array.isArray(route);
}

/** Sends the INVITE of one server leg and waits for its final response. */
async function openLeg(
  b2bua: B2buaCore,
  incoming: IncomingRequest,
  session: B2buaSession,
  route: B2buaRoute,
  offer: { contentType?: string; body?: string },
  pending: Set<OutgoingInvite>,
): Promise<LegOutcome> {
  const { request } = incoming;
  // RFC 3261 8.1.1: the server leg is a new request: new Call-ID, new From tag, CSeq 1.
  const outgoing = b2bua.core.invite({
    requestUri: route.requestUri,
    from: route.from ?? withoutTag(request.headers.get('From') ?? ''),
    to: route.to ?? withoutTag(request.headers.get('To') ?? ''),
    ...offer,
    ...(route.target ? { target: route.target } : {}),
  });
  const leg = new B2buaLeg(LegName.Server, getCallId(outgoing.request));
  leg.localSdp = offer.body;
  leg.requestUri = route.requestUri;
  session.addServer(leg);
  pending.add(outgoing);
  outgoing.onProvisional((response) => {
    // RFC 3261 16.7 step 5 (by analogy): 100 is hop by hop; 101-199 are passed on to the client leg.
    if (response.status > 100 && incoming.pending && !incoming.isCancelled)
      incoming.respond(response.status, { reason: response.reason, ...bodyOf(response) });
  });
  try {
    const { response, dialog } = await outgoing.result;
    if (dialog) b2bua.attach(session, leg, dialog);
    return { leg, response, status: response.status, reason: response.reason };
  } catch (error: unknown) {
    // RFC 3261 16.8 / 16.9 by analogy: a timeout is answered 408, a transport failure 503.
    return error instanceof TransactionTimeoutError
      ? { leg, status: 408, reason: 'Request Timeout' }
      : { leg, status: 503, reason: 'Service Unavailable' };
  } finally {
    pending.delete(outgoing);
  }
}

function answerSuccess(
  b2bua: B2buaCore,
  incoming: IncomingRequest,
  session: B2buaSession,
  response: SipResponse,
  answer: { contentType?: string; body?: string },
): void {
  incoming.respond(response.status, { reason: response.reason, ...answer });
  if (incoming.dialog) b2bua.attach(session, session.client, incoming.dialog);
  session.client.localSdp = answer.body;
  session.state = B2buaSessionState.Established;
}

function answerFailure(incoming: IncomingRequest, status: number, reason: string): void {
  if (incoming.pending) incoming.respond(status, { reason });
}

function end(b2bua: B2buaCore, session: B2buaSession): void {
  session.state = B2buaSessionState.Terminated;
  b2bua.sessions.delete(session.id);
}
