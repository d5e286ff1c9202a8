/**
 * The B2BUA core (issue 3 item 5): a user agent core whose sessions pair a
 * client leg with one server leg, or with several (one per IWF of an
 * interworked CPM Session, OMA CPM 8.2.2.1), each its own dialog with its own
 * Call-ID and tags. An INVITE on the client leg opens the server legs;
 * release of one leg releases the others (OMA PoC Figure 16 steps 3 -> 6;
 * OMA CPM 8.2.2.3 4.a, 6.b); a REFER method=BYE
 * releases the other leg under an implicit subscription (OMA PoC Figure 17);
 * a REFER method=INVITE on a session of one leg opens its server leg towards
 * the Refer-To URI (OMA PoC: joining a PoC Session over a Pre-established
 * Session);
 * re-INVITEs are relayed, or issued to remove media streams (CPM IWF policy).
 */
import { DialogState } from '../sip/dialog/index.js';
import type { Dialog } from '../sip/dialog/index.js';
import { getCallId, getFrom, getReferTo, getTag, getTargetDialog } from '../sip/message/index.js';
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import { buildTrying } from '../sip/transaction/index.js';
import type { TransportTarget } from '../sip/transport/index.js';
import { SessionStore } from '../session/index.js';
import type { SessionSnapshot } from '../session/index.js';
import { B2buaLeg, B2buaSession, B2buaSessionState, LegName } from './b2bua-session.js';
import { CoreError } from './core-errors.js';
import { Listeners } from './listeners.js';
import type { IncomingRequest } from './incoming-request.js';
import { removeMediaStreams } from './media-streams.js';
import type { StreamMatch } from './media-streams.js';
import { acceptRefer, acceptReferBye, isReferBye, isReferInvite } from './refer-notifier.js';
import type { ReferOutcome } from './refer-notifier.js';
import { isRouteList, relayInvite, withoutTag } from './b2bua-invite.js';
import type { UserAgentCore } from './user-agent-core.js';

/**
 * Which comes first when a BYE arrives on one leg. OMA PoC Figure 16 answers
 * the BYE (step 4) before sending BYE on the other leg (step 6); OMA CPM
 * 8.2.2.3 4.c answers only after the other leg's 200.
 */
export enum ReleaseOrder {
  AnswerFirst = 'answer-first',
  ReleaseFirst = 'release-first',
}

/** Where the server leg of a new session goes. */
export interface B2buaRoute {
  readonly requestUri: string;
  /** To of the server leg; defaults to the client leg's To. */
  readonly to?: string;
  /** From of the server leg without tag; defaults to the client leg's From without its tag. */
  readonly from?: string;
  /** Transport target; defaults to the next hop of the new INVITE. */
  readonly target?: TransportTarget;
}

/** Construction options of a {@link B2buaCore}. */
export interface B2buaCoreOptions {
  readonly core: UserAgentCore;
  /**
   * Chooses the server leg of an incoming INVITE, or its server legs, opened
   * one after the other (OMA CPM 8.2.2.1: one per IWF); undefined or no route
   * answers 404 (RFC 3261 21.4.5).
   */
  route(invite: SipRequest): B2buaRoute | readonly B2buaRoute[] | undefined;
  /** Default {@link ReleaseOrder.AnswerFirst}. */
  readonly releaseOrder?: ReleaseOrder;
}

/** A B2BUA on one user agent core. */
export class B2buaCore {
  /** The user agent core both legs run on. */
  readonly core: UserAgentCore;
  /** Sessions by id, with the core's dialogs and transactions. */
  readonly sessions = new SessionStore<B2buaSession>('b2bua');
  /** What comes first when a BYE arrives on one leg; may be changed between calls. */
  releaseOrder: ReleaseOrder;
  /**
   * Whether an initial INVITE is kept pending instead of opening the server
   * leg: it stays unanswered until a CANCEL, which the INVITE server
   * transaction answers with 200 and the INVITE with 487 (RFC 3261 9.2).
   * Undefined (the default) relays every initial INVITE.
   */
  holdInvite: ((incoming: IncomingRequest) => boolean) | undefined;
  /**
   * Whether an initial INVITE (or a re-INVITE in a dialog this UA started as
   * its own end, which no session pairs) is answered by this B2BUA itself, as
   * the user agent it is addressed to, instead of opening a server leg: it takes the
   * INVITE (the hook starts the answer) and answers it with
   * {@link B2buaCore.answerLocally}, which makes a session of one leg (OMA
   * PoC: the Pre-established Session, and the Controlling PoC Function's
   * invitation over it). Undefined (the default) relays every initial INVITE.
   */
  answerInvite: ((incoming: IncomingRequest) => boolean) | undefined;
  /**
   * Runs once a session of one leg got its server leg through a REFER
   * method=INVITE (OMA PoC: the user joined over its Pre-established Session,
   * and is connected to the PoC Session with MBCP Connect), after the final
   * NOTIFY reporting the INVITE's 2xx got its answer. A failure is reported
   * on {@link B2buaCore.errors}.
   */
  joined: ((session: B2buaSession, refer: IncomingRequest) => Promise<void>) | undefined;
  private readonly route: (invite: SipRequest) => B2buaRoute | readonly B2buaRoute[] | undefined;
  private readonly byDialog = new Map<string, { session: B2buaSession; leg: B2buaLeg }>();

  constructor(options: B2buaCoreOptions) {
    this.core = options.core;
    this.route = options.route;
    this.releaseOrder = options.releaseOrder ?? ReleaseOrder.AnswerFirst;
    this.sessions.addSource(this.core.countSource);
    this.core
      .on('INVITE', (incoming) => this.receiveInvite(incoming))
      .on('BYE', (incoming) => this.guard(incoming, this.receiveBye(incoming)))
      .on('REFER', (incoming) => this.guard(incoming, this.receiveRefer(incoming)));
  }

  /**
   * Failures of the asynchronous work behind a request (a timed-out BYE on
   * the other leg, an unanswered NOTIFY ...), after the request itself was
   * answered 500 if it was still pending.
   */
  readonly errors = new Listeners<[Error, IncomingRequest]>();

  /** Dialogs, transactions and sessions (for leak checks). */
  snapshot(): SessionSnapshot {
    return this.sessions.snapshot();
  }

  /** The session and leg a dialog belongs to. */
  sessionOf(dialog: Dialog): { session: B2buaSession; leg: B2buaLeg } | undefined {
    return this.byDialog.get(dialog.key);
  }

  /** Releases every active leg of a session with BYE (a network-initiated release). */
  async release(session: B2buaSession): Promise<SipResponse[]> {
    session.state = B2buaSessionState.Releasing;
    return this.releaseLegs(session.legs());
  }

  /**
   * Releases every leg of a session but `leg` with BYE, in parallel (OMA CPM
   * 8.2.2.3 4.a: a BYE to each IWF; 6.b: to the client and the other IWFs).
   * A leg already being released, by a BYE sent or received, is skipped
   * (glare: a BYE is never sent on a leg twice, nor on one whose peer sent
   * BYE). Resolves with the final responses in leg order, client leg first.
   */
  async releaseOthers(session: B2buaSession, leg: B2buaLeg): Promise<SipResponse[]> {
    session.state = B2buaSessionState.Releasing;
    return this.releaseLegs(session.others(leg));
  }

  /**
   * RFC 3264 8.2 (CPM IWF policy): re-INVITEs on the given legs (default:
   * every leg) whose offers set the port of the matched streams to zero (OMA
   * CPM 8.2.2.3 6.a: on the client leg only, for the streams of the IWF that
   * left, see {@link B2buaLeg.streams}). Resolves with the final responses,
   * in leg order.
   */
  async removeStreams(
    session: B2buaSession,
    match: StreamMatch,
    on: readonly B2buaLeg[] = session.legs(),
  ): Promise<SipResponse[]> {
    const legs = on.flatMap((leg) =>
      leg.active && leg.dialog && leg.localSdp !== undefined
        ? [{ leg, dialog: leg.dialog, previous: leg.localSdp }]
        : [],
    );
    return Promise.all(
      legs.map(async ({ leg, dialog, previous }) => {
        const offer = removeMediaStreams(previous, match);
        const { response } = await this.core.reinvite(dialog, {
          contentType: 'application/sdp',
          body: offer,
        }).result;
        if (response.status >= 200 && response.status < 300) leg.localSdp = offer;
        return response;
      }),
    );
  }

  /**
   * Answers an initial INVITE this B2BUA took as its own end (see
   * {@link B2buaCore.answerInvite}). A 2xx makes a session of one leg, the
   * client leg, which ends with its dialog (RFC 3261 15); another final
   * status leaves nothing behind.
   */
  answerLocally(
    incoming: IncomingRequest,
    status: number,
    options: { readonly contentType?: string; readonly body?: string } = {},
  ): B2buaSession | undefined {
    if (!incoming.pending) return undefined;
    incoming.respond(status, options);
    // RFC 3261 14.2: a re-INVITE changes the session it is in; it makes none.
    if (!incoming.outOfDialog)
      return incoming.dialog ? this.byDialog.get(incoming.dialog.key)?.session : undefined;
    if (status < 200 || status >= 300 || !incoming.dialog) return undefined;
    const callId = getCallId(incoming.request);
    const id = `${callId};${getTag(getFrom(incoming.request)) ?? ''}`;
    const session = this.sessions.add(id, new B2buaSession(id, callId));
    session.client.localSdp = options.body;
    session.state = B2buaSessionState.Established;
    this.attach(session, session.client, incoming.dialog);
    return session;
  }

  private releaseLegs(legs: readonly B2buaLeg[]): Promise<SipResponse[]> {
    const live = legs.filter((leg) => leg.active && !leg.releasing);
    return Promise.all(live.map((leg) => this.releaseLeg(leg)));
  }

  /** Sends BYE on a leg; its invite usage ends with the response (RFC 3261 15.1.1). */
  releaseLeg(leg: B2buaLeg): Promise<SipResponse> {
    const dialog = leg.dialog;
    if (!dialog) throw new CoreError(`the ${leg.name} leg has no dialog`, { callId: leg.callId });
    leg.releasing = true;
    return this.core.bye(dialog);
  }

  /** @internal Registers a leg's dialog and drops the session once no leg is left. */
  attach(session: B2buaSession, leg: B2buaLeg, dialog: Dialog): void {
    leg.dialog = dialog;
    this.byDialog.set(dialog.key, { session, leg });
    dialog.onStateChange((state) => {
      if (state !== DialogState.Terminated) return;
      this.byDialog.delete(dialog.key);
      this.finishIfDone(session);
    });
  }

  /** @internal Ends the session when neither leg has a live dialog and no INVITE is pending. */
  finishIfDone(session: B2buaSession): void {
    if (session.state === B2buaSessionState.Initiating) return;
    const alive = session
      .legs()
      .some((leg) => leg.dialog !== undefined && leg.dialog.state !== DialogState.Terminated);
    if (alive) return;
    session.state = B2buaSessionState.Terminated;
    this.sessions.delete(session.id);
  }

  private guard(incoming: IncomingRequest, work: Promise<unknown>): void {
    work.catch((error: unknown) => {
      if (incoming.pending) incoming.respond(500, { reason: 'Server Internal Error' });
      this.errors.emit(
        error instanceof Error ? error : new CoreError(String(error), { method: incoming.method }),
        incoming,
      );
    });
  }

  private receiveInvite(incoming: IncomingRequest): void {
    const found = incoming.dialog ? this.byDialog.get(incoming.dialog.key) : undefined;
    if (incoming.dialog && !found) {
      // RFC 3261 14.2: a re-INVITE in a dialog this UA started as its own end (no session
      // pairs it) is answered by that end, when it takes it; else it matches nothing here.
      if (this.answerInvite?.(incoming) !== true) incoming.respond(481);
      return;
    }
    if (found) {
      this.guard(incoming, this.relayReinvite(incoming, found.session, found.leg));
      return;
    }
    // RFC 3261 9.2: a held INVITE is answered only by the 487 its CANCEL brings.
    if (this.holdInvite?.(incoming) === true) return;
    if (this.answerInvite?.(incoming) === true) return;
    const route = this.route(incoming.request);
    if (!route || (isRouteList(route) && route.length === 0)) {
      incoming.respond(404);
      return;
    }
    // RFC 3261 17.2.1: the server leg's final response comes from another network and may take
    // longer than 200 ms, so the 100 Trying goes out at once; the client leg's proxy may then
    // pass on a CANCEL at any time (RFC 3261 9.1, 16.10).
    incoming.transaction.respond(buildTrying(incoming.request));
    this.guard(incoming, relayInvite(this, incoming, route));
  }

  private async relayReinvite(
    incoming: IncomingRequest,
    session: B2buaSession,
    leg: B2buaLeg,
  ): Promise<void> {
    const other = session.other(leg);
    if (!other?.active || !other.dialog) {
      incoming.respond(481);
      return;
    }
    // RFC 7092 3.1: a B2BUA passes the new offer on to the other leg and the answer back.
    const offer = Buffer.from(incoming.request.body).toString('utf8');
    const contentType = incoming.request.headers.get('Content-Type');
    const { response } = await this.core.reinvite(other.dialog, {
      ...(contentType !== undefined ? { contentType, body: offer } : {}),
    }).result;
    const answerType = response.headers.get('Content-Type');
    const answer = Buffer.from(response.body).toString('utf8');
    incoming.respond(response.status, {
      reason: response.reason,
      ...(answerType !== undefined ? { contentType: answerType, body: answer } : {}),
    });
    if (response.status >= 200 && response.status < 300) {
      if (contentType !== undefined) other.localSdp = offer;
      if (answerType !== undefined) leg.localSdp = answer;
    }
  }

  private async receiveBye(incoming: IncomingRequest): Promise<void> {
    const found = incoming.dialog ? this.byDialog.get(incoming.dialog.key) : undefined;
    if (!found) {
      // RFC 3261 15.1.2: a BYE in a dialog that belongs to no session just ends that dialog.
      incoming.respond(200);
      return;
    }
    const { session, leg } = found;
    // A BYE crossing this one on the same leg (glare) is not sent: the peer is releasing it.
    leg.releasing = true;
    session.state = B2buaSessionState.Releasing;
    const releaseOther = async (): Promise<void> => {
      // A glare BYE (legs released at once) is not sent twice; every other leg goes
      // (OMA CPM 8.2.2.3 4.a: a BYE to each IWF; 6.b: the whole session).
      await this.releaseOthers(session, leg).catch(() => undefined);
    };
    if (this.releaseOrder === ReleaseOrder.AnswerFirst) {
      // OMA PoC Figure 16 steps 3 -> 4 -> 6: 200 to the BYE, then BYE on the other leg.
      incoming.respond(200);
      await releaseOther();
    } else {
      // OMA CPM 8.2.2.3 4.c: the BYE is answered after the other leg's 200.
      await releaseOther();
      if (incoming.pending) incoming.respond(200);
    }
  }

  private async receiveRefer(incoming: IncomingRequest): Promise<ReferOutcome | undefined> {
    const bye = isReferBye(incoming.request);
    // RFC 3515 2.4.2: a REFER this B2BUA will not act on is refused.
    if (!bye && !isReferInvite(incoming.request)) {
      incoming.respond(403, { reason: 'Only REFER method=BYE or method=INVITE is supported' });
      return undefined;
    }
    const found = this.referredSession(incoming);
    if (!found) {
      // RFC 4538 4: a Target-Dialog naming no dialog of this UA is answered 481.
      incoming.respond(481);
      return undefined;
    }
    const other = found.session.other(found.leg);
    if (!bye) return this.join(incoming, found.session, found.leg);
    return acceptReferBye(this.core, incoming, async () => {
      if (!other?.active || other.releasing)
        return { status: 481, reason: 'Call/Transaction Does Not Exist' };
      return this.releaseLeg(other);
    });
  }

  /**
   * REFER method=INVITE on a session of one leg (OMA PoC: the Pre-established
   * Session): the INVITE to the Refer-To URI opens the session's server leg
   * (RFC 3515 2.4.2: accepted with 202 first), and the final NOTIFY reports
   * its final response (RFC 3515 2.4.5).
   */
  private async join(
    incoming: IncomingRequest,
    session: B2buaSession,
    leg: B2buaLeg,
  ): Promise<ReferOutcome | undefined> {
    const referTo = getReferTo(incoming.request);
    if (
      !referTo ||
      leg !== session.client ||
      !leg.dialog ||
      session.servers.some((s) => s.active)
    ) {
      // RFC 3515 2.4.2: only a session of one leg can be joined to another session.
      incoming.respond(403, { reason: 'The referred session is already joined' });
      return undefined;
    }
    // RFC 3261 19.1.1: the method parameter says how to reach the URI; it is not part of the target.
    const requestUri = referTo.uri.raw.replace(/;method=[^;?]*/i, '');
    const from = withoutTag(leg.dialog.remoteAddress);
    const routed = this.route(incoming.request);
    const target = (routed && isRouteList(routed) ? routed[0] : routed)?.target;
    let connected = false;
    const outcome = await acceptRefer(
      this.core,
      incoming,
      async () => {
        // RFC 3261 8.1.1: a new request: new Call-ID, new From tag, CSeq 1.
        const outgoing = this.core.invite({
          requestUri,
          from,
          to: `<${requestUri}>`,
          ...(target ? { target } : {}),
        });
        const server = new B2buaLeg(LegName.Server, getCallId(outgoing.request));
        server.requestUri = requestUri;
        session.addServer(server);
        const { response, dialog } = await outgoing.result.catch((error: unknown) => {
          session.removeServer(server);
          throw error;
        });
        if (!dialog) {
          session.removeServer(server);
          return response;
        }
        this.attach(session, server, dialog);
        session.state = B2buaSessionState.Established;
        connected = true;
        return response;
      },
      { progress: false },
    );
    // OMA PoC establishment over a Pre-established Session, steps 21-26: the final NOTIFY and
    // its 200 come before the MBCP Connect the hook sends.
    if (connected)
      await this.joined?.(session, incoming).catch((error: unknown) => {
        this.errors.emit(
          error instanceof Error ? error : new CoreError(String(error), { method: 'REFER' }),
          incoming,
        );
      });
    return outcome;
  }

  /** The session a REFER is about: the dialog it came in, else its Target-Dialog (RFC 4538). */
  private referredSession(
    incoming: IncomingRequest,
  ): { session: B2buaSession; leg: B2buaLeg } | undefined {
    if (incoming.dialog) return this.byDialog.get(incoming.dialog.key);
    const target = getTargetDialog(incoming.request);
    if (!target?.localTag || !target.remoteTag) return undefined;
    // RFC 4538 7: local-tag is the sender's tag, so it is this end's remote tag.
    const dialog = this.core.dialogs.get({
      callId: target.callId,
      localTag: target.remoteTag,
      remoteTag: target.localTag,
    });
    return dialog ? this.byDialog.get(dialog.key) : undefined;
  }
}
