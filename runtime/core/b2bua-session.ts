/**
 * A B2BUA session: one client leg and one or more server legs, each a dialog
 * of its own with its own Call-ID and tags (RFC 3261 6 "back-to-back user
 * agent"; RFC 7092 3.1): the client leg, where the B2BUA received the INVITE
 * as UAS, and the server legs, where it sent an INVITE as UAC (one, or one
 * per IWF when a CPM Session is interworked: OMA CPM 8.2.2.1, 8.2.2.3 4.a).
 */
import { DialogState } from '../sip/dialog/index.js';
import type { Dialog } from '../sip/dialog/index.js';

/** The two kinds of legs of a session, named from the B2BUA's point of view as in OMA PoC Figure 16. */
export enum LegName {
  /** Towards the originator (the PoC Client side): the B2BUA is UAS here. */
  Client = 'client',
  /** Towards the destination (the controlling PoC Server side, or an IWF): the B2BUA is UAC here. */
  Server = 'server',
}

/** Life of a B2BUA session. */
export enum B2buaSessionState {
  /** The INVITE is being forwarded on the server legs. */
  Initiating = 'initiating',
  /** The client leg and at least one server leg confirmed (or a session of one leg answered). */
  Established = 'established',
  /** A leg is being released. */
  Releasing = 'releasing',
  /** No leg is left. */
  Terminated = 'terminated',
}

/** One leg of a session. */
export class B2buaLeg {
  /** The dialog of the leg once it exists. */
  dialog: Dialog | undefined;
  /** The last SDP the B2BUA sent on this leg (offer or answer). */
  localSdp: string | undefined;
  /**
   * True while a BYE on this leg awaits its response, sent by the B2BUA or
   * received from the peer (so that a BYE crossing it is not sent on it).
   */
  releasing = false;
  /**
   * For a server leg: the indexes of the client leg's m-lines whose answer
   * came from this leg (RFC 3264 6), the media streams it carries; empty when
   * the answer had no SDP or another leg answered every stream first.
   */
  streams: readonly number[] = [];
  /** For a server leg: the Request-URI of the INVITE that opened it. */
  requestUri: string | undefined;

  constructor(
    readonly name: LegName,
    /** The Call-ID of this leg's dialog. */
    readonly callId: string,
  ) {}

  /** Whether the leg's invite usage is still up (RFC 5057). */
  get active(): boolean {
    return (
      this.dialog !== undefined &&
      this.dialog.state !== DialogState.Terminated &&
      this.dialog.hasInviteUsage
    );
  }
}

/** A client leg and its server legs. */
export class B2buaSession {
  state = B2buaSessionState.Initiating;
  /** The leg the INVITE came in on. */
  readonly client: B2buaLeg;
  private readonly serverLegs: B2buaLeg[] = [];
  /** ISO 8601: when the session's INVITE arrived (what a session history records as its start). */
  readonly startedAt = new Date().toISOString();

  constructor(
    /** The session id in the store: the client leg's Call-ID and From tag. */
    readonly id: string,
    clientCallId: string,
  ) {
    this.client = new B2buaLeg(LegName.Client, clientCallId);
  }

  /** The first server leg (the only one of a session that is not interworked). */
  get server(): B2buaLeg | undefined {
    return this.serverLegs[0];
  }

  /** The server legs, in the order their INVITEs were sent. */
  get servers(): readonly B2buaLeg[] {
    return this.serverLegs;
  }

  /** Adds a server leg as soon as its INVITE is sent. */
  addServer(leg: B2buaLeg): void {
    this.serverLegs.push(leg);
  }

  /** Drops a server leg whose INVITE got no dialog. */
  removeServer(leg: B2buaLeg): void {
    const index = this.serverLegs.indexOf(leg);
    if (index >= 0) this.serverLegs.splice(index, 1);
  }

  /**
   * The leg opposite `leg`: the client leg for a server leg; for the client
   * leg, its first server leg that is still up, else its first server leg.
   */
  other(leg: B2buaLeg): B2buaLeg | undefined {
    if (leg !== this.client) return this.client;
    return this.serverLegs.find((server) => server.active) ?? this.serverLegs[0];
  }

  /** Every leg but `leg`: the client leg first, then the server legs in order. */
  others(leg: B2buaLeg): B2buaLeg[] {
    return this.legs().filter((candidate) => candidate !== leg);
  }

  /** Every leg that exists, the client leg first. */
  legs(): B2buaLeg[] {
    return [this.client, ...this.serverLegs];
  }
}
