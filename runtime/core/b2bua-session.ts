/**
 * A B2BUA session: two legs, each a dialog of its own with its own Call-ID
 * and tags (RFC 3261 6 "back-to-back user agent"; RFC 7092 3.1): the client
 * leg, where the B2BUA received the INVITE as UAS, and the server leg, where
 * it sent the INVITE as UAC.
 */
import { DialogState } from '../sip/dialog/index.js';
import type { Dialog } from '../sip/dialog/index.js';

/** The two legs of a session, named from the B2BUA's point of view as in OMA PoC Figure 16. */
export enum LegName {
  /** Towards the originator (the PoC Client side): the B2BUA is UAS here. */
  Client = 'client',
  /** Towards the destination (the controlling PoC Server side): the B2BUA is UAC here. */
  Server = 'server',
}

/** Life of a B2BUA session. */
export enum B2buaSessionState {
  /** The INVITE is being forwarded on the server leg. */
  Initiating = 'initiating',
  /** Both legs confirmed. */
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
  /** True while a BYE sent by the B2BUA on this leg awaits its response. */
  releasing = false;

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

/** A pair of legs. */
export class B2buaSession {
  state = B2buaSessionState.Initiating;
  /** The leg the INVITE came in on. */
  readonly client: B2buaLeg;
  /** The leg the B2BUA opened; set as soon as its INVITE is sent. */
  server: B2buaLeg | undefined;

  constructor(
    /** The session id in the store: the client leg's Call-ID and From tag. */
    readonly id: string,
    clientCallId: string,
  ) {
    this.client = new B2buaLeg(LegName.Client, clientCallId);
  }

  /** The leg opposite `leg`. */
  other(leg: B2buaLeg): B2buaLeg | undefined {
    return leg === this.client ? this.server : this.client;
  }

  /** Both legs that exist. */
  legs(): B2buaLeg[] {
    return this.server ? [this.client, this.server] : [this.client];
  }
}
