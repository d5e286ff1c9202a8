/**
 * Opening the server leg for an INVITE received on the client leg: a new
 * INVITE with its own Call-ID and From tag, provisional responses relayed,
 * the final response answered on the client leg, and a CANCEL on the client
 * leg passed on as a CANCEL on the server leg (RFC 3261 9.1, 9.2).
 */
import { formatNameAddr, getCallId, getFrom, getTag, parseNameAddr } from '../sip/message/index.js';
import type { SipResponse } from '../sip/message/index.js';
import { TransactionTimeoutError } from '../sip/transaction/index.js';
import type { B2buaCore, B2buaRoute } from './b2bua-core.js';
import { B2buaLeg, B2buaSession, B2buaSessionState, LegName } from './b2bua-session.js';
import type { IncomingRequest } from './incoming-request.js';
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

/** Opens the server leg for `incoming` and wires both legs into one session. */
export function relayInvite(
  b2bua: B2buaCore,
  incoming: IncomingRequest,
  route: B2buaRoute,
): OutgoingInvite {
  const { request } = incoming;
  const callId = getCallId(request);
  const session = b2bua.sessions.add(
    `${callId};${getTag(getFrom(request)) ?? ''}`,
    new B2buaSession(`${callId};${getTag(getFrom(request)) ?? ''}`, callId),
  );
  const offer = bodyOf(request);
  // RFC 3261 8.1.1: the server leg is a new request: new Call-ID, new From tag, CSeq 1.
  const outgoing = b2bua.core.invite({
    requestUri: route.requestUri,
    from: route.from ?? withoutTag(request.headers.get('From') ?? ''),
    to: route.to ?? withoutTag(request.headers.get('To') ?? ''),
    ...offer,
    ...(route.target ? { target: route.target } : {}),
  });
  const server = new B2buaLeg(LegName.Server, getCallId(outgoing.request));
  server.localSdp = offer.body;
  session.server = server;
  outgoing.onProvisional((response) => {
    // RFC 3261 16.7 step 5 (by analogy): 100 is hop by hop; 101-199 are passed on to the client leg.
    if (response.status > 100 && incoming.pending && !incoming.isCancelled)
      incoming.respond(response.status, { reason: response.reason, ...bodyOf(response) });
  });
  // RFC 3261 9.2: the CANCEL was answered on the client leg; the server leg is cancelled in turn.
  incoming.onCancel(() => void outgoing.cancel());
  outgoing.result.then(
    ({ response, dialog }) => {
      if (!dialog) {
        answerFailure(incoming, response.status, response.reason);
        end(b2bua, session);
        return;
      }
      b2bua.attach(session, server, dialog);
      if (!incoming.pending) {
        // RFC 3261 15: the 2xx lost the race with the CANCEL (487 sent on the client leg): end the server leg.
        session.state = B2buaSessionState.Releasing;
        void b2bua.releaseLeg(server).catch(() => undefined);
        return;
      }
      answerSuccess(b2bua, incoming, session, response);
    },
    (error: unknown) => {
      // RFC 3261 16.8 / 16.9 by analogy: a timeout is answered 408, a transport failure 503.
      if (error instanceof TransactionTimeoutError) answerFailure(incoming, 408, 'Request Timeout');
      else answerFailure(incoming, 503, 'Service Unavailable');
      end(b2bua, session);
    },
  );
  return outgoing;
}

function answerSuccess(
  b2bua: B2buaCore,
  incoming: IncomingRequest,
  session: B2buaSession,
  response: SipResponse,
): void {
  const answer = bodyOf(response);
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
