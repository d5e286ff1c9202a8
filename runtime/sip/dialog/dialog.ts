import { createRequest, getContacts, getCSeq, parseNameAddr } from '../message/index.js';
import type { SipContact, SipRequest, SipResponse } from '../message/index.js';
import { DialogCSeqError, DialogError } from './dialog-errors.js';
import { isLooseRoute, isTargetRefresh } from './dialog-routing.js';
import { dialogKey } from './dialog-id.js';
import type { DialogId } from './dialog-id.js';
import { DialogRole, DialogState, SubscriptionUsageState } from './dialog-state.js';

/** A subscription dialog usage (RFC 6665 4; RFC 3515 implicit subscription for REFER). */
export interface SubscriptionUsage {
  /** Event package, "refer" for REFER. */
  readonly event: string;
  /** Event id: for REFER the CSeq number of the REFER (RFC 3515 2.4.6); undefined when omitted. */
  readonly id: string | undefined;
  /** This end's role in the subscription. */
  readonly role: 'subscriber' | 'notifier';
  state: SubscriptionUsageState;
}

/** Everything a dialog is made of (RFC 3261 12.1.1, 12.1.2), used to construct one. */
export interface DialogInit {
  readonly id: DialogId;
  readonly role: DialogRole;
  readonly state: DialogState;
  /** Local sequence number; undefined until this end sends a request (UAS, RFC 3261 12.1.1). */
  readonly localSeq: number | undefined;
  /** Remote sequence number; undefined until the peer sends a request (UAC, RFC 3261 12.1.2). */
  readonly remoteSeq: number | undefined;
  /** This end's address with its tag: the From of a UAC, the To (as answered) of a UAS. */
  readonly localAddress: string;
  /** The peer's address with its tag. */
  readonly remoteAddress: string;
  /** The peer's Contact, whose URI is the remote target (with GRUU gr and +sip.instance kept). */
  readonly remoteContact: SipContact;
  /** Route values in the order this end uses them (RFC 3261 12.1.1 / 12.1.2). */
  readonly routeSet: readonly string[];
  /** This end's Contact value, put in target refresh requests (RFC 3261 12.2.1.1). */
  readonly localContact: string | undefined;
  /** RFC 3261 12.1.1: true when the request came over TLS with a sips Request-URI. */
  readonly secure: boolean;
  /** Whether an INVITE created the dialog (it then has an invite usage, RFC 5057). */
  readonly inviteUsage: boolean;
}

/** Extras of an in-dialog request. */
export interface InDialogRequestOptions {
  readonly headers?: Iterable<readonly [string, string]>;
  readonly contentType?: string;
  readonly body?: Uint8Array | string;
}

/** RFC 3261 8.1.1.5: an initial CSeq below 2^31. */
function initialSeq(): number {
  return 1 + Math.floor(Math.random() * 0x7fff_fffe);
}

/**
 * A dialog (RFC 3261 12) with its usages: the invite usage and subscription
 * usages such as REFER's implicit subscription (RFC 3515, RFC 6665). It builds
 * in-dialog requests and checks incoming ones; sending is the caller's.
 */
export class Dialog {
  readonly id: DialogId;
  readonly key: string;
  readonly role: DialogRole;
  readonly localAddress: string;
  readonly secure: boolean;
  private current: DialogState;
  private local: number | undefined;
  private remote: number | undefined;
  private remoteAddr: string;
  private contact: SipContact;
  private routes: readonly string[];
  private readonly ownContact: string | undefined;
  private inviteUsageActive: boolean;
  private readonly subscriptions: SubscriptionUsage[] = [];
  private readonly listeners = new Set<(state: DialogState) => void>();

  constructor(init: DialogInit) {
    this.id = init.id;
    this.key = dialogKey(init.id);
    this.role = init.role;
    this.current = init.state;
    this.local = init.localSeq;
    this.remote = init.remoteSeq;
    this.localAddress = init.localAddress;
    this.remoteAddr = init.remoteAddress;
    this.contact = init.remoteContact;
    this.routes = [...init.routeSet];
    this.ownContact = init.localContact;
    this.secure = init.secure;
    this.inviteUsageActive = init.inviteUsage;
  }

  get state(): DialogState {
    return this.current;
  }
  get localSeq(): number | undefined {
    return this.local;
  }
  get remoteSeq(): number | undefined {
    return this.remote;
  }
  /** The peer's address with its tag (From of the peer's requests). */
  get remoteAddress(): string {
    return this.remoteAddr;
  }
  /** The remote target URI (RFC 3261 12.1.1), the URI of the peer's Contact. */
  get remoteTarget(): string {
    return this.contact.uri.raw;
  }
  /** The peer's Contact as parsed: a GRUU keeps its `gr` parameter, `instance` its +sip.instance. */
  get remoteContact(): SipContact {
    return this.contact;
  }
  get routeSet(): readonly string[] {
    return this.routes;
  }
  get localContact(): string | undefined {
    return this.ownContact;
  }
  /** Whether the invite usage is still active (not ended by BYE). */
  get hasInviteUsage(): boolean {
    return this.inviteUsageActive;
  }
  /** The subscription usages not yet terminated. */
  get subscriptionUsages(): readonly SubscriptionUsage[] {
    return this.subscriptions;
  }

  /** Registers a state listener; returns its remover. */
  onStateChange(listener: (state: DialogState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * RFC 3261 12.2.1.1: a new request in the dialog. The CSeq is the local
   * sequence number plus one (chosen at random first when empty); Request-URI
   * and Route follow the route set (loose or strict routing). The Via is left
   * to the transaction layer.
   */
  createRequest(method: string, options: InDialogRequestOptions = {}): SipRequest {
    if (method === 'ACK' || method === 'CANCEL') {
      throw new DialogError(
        `${method} does not take a new CSeq; use createAck or the transaction layer`,
        this.key,
        this.current,
      );
    }
    this.assertUsable(method);
    this.local = this.local === undefined ? initialSeq() : this.local + 1;
    return this.build(method, this.local, options);
  }

  /** RFC 3261 13.2.2.4: the ACK for a 2xx carries the CSeq number of the INVITE it acknowledges. */
  createAck(invite: SipRequest, options: InDialogRequestOptions = {}): SipRequest {
    this.assertUsable('ACK');
    return this.build('ACK', getCSeq(invite).seq, options);
  }

  /**
   * RFC 3261 12.2.2: checks and records an incoming in-dialog request. Throws
   * {@link DialogCSeqError} (answer 500) when the CSeq is lower than the remote
   * sequence number; a target refresh replaces the remote target.
   */
  receiveRequest(request: SipRequest): void {
    this.assertUsable(request.method);
    const seq = getCSeq(request).seq;
    // RFC 3261 12.2.2: ACK and CANCEL reuse the INVITE's CSeq and do not move the remote sequence number.
    if (request.method !== 'ACK' && request.method !== 'CANCEL') {
      if (this.remote !== undefined && seq < this.remote)
        throw new DialogCSeqError(this.key, this.current, seq, this.remote);
      this.remote = seq;
    }
    // RFC 3261 12.2.2: a target refresh request replaces the remote target with its Contact.
    if (isTargetRefresh(request.method)) this.refreshTarget(request);
  }

  /**
   * A response to a request this end sent in the dialog or that created it
   * (RFC 3261 12.1.2, 12.2.1.2): a 2xx confirms an early dialog and a 2xx to
   * a target refresh replaces the remote target.
   */
  receiveResponse(response: SipResponse): void {
    if (this.current === DialogState.Terminated) return;
    const method = getCSeq(response).method;
    if (response.status >= 200 && response.status < 300) {
      if (this.current === DialogState.Early) this.setState(DialogState.Confirmed);
      // RFC 3261 12.2.1.2: the 2xx to a target refresh request replaces the remote target.
      if (isTargetRefresh(method)) this.refreshTarget(response);
    }
  }

  /** RFC 3261 12.1: the dialog becomes confirmed (a UAS sent its 2xx). */
  confirm(): void {
    if (this.current === DialogState.Early) this.setState(DialogState.Confirmed);
  }

  /** Adds a subscription usage (RFC 6665 4.5.2: several usages may share a dialog). */
  addSubscription(usage: SubscriptionUsage): void {
    this.assertUsable('SUBSCRIBE');
    this.subscriptions.push(usage);
  }

  /** The active subscription usage for an event package and id (RFC 6665 4.4.1 matching). */
  findSubscription(event: string, id: string | undefined): SubscriptionUsage | undefined {
    const candidates = this.subscriptions.filter((u) => u.event === event.toLowerCase());
    // RFC 3515 2.4.6: the id identifies one of several REFERs; a single usage may omit it.
    return (
      candidates.find((u) => u.id === id) ??
      (candidates.length === 1 && (id === undefined || candidates[0]?.id === undefined)
        ? candidates[0]
        : undefined)
    );
  }

  /** Ends one subscription usage; the dialog ends with its last usage (RFC 6665 4.1.3, RFC 5057 5). */
  endSubscription(usage: SubscriptionUsage): void {
    usage.state = SubscriptionUsageState.Terminated;
    const index = this.subscriptions.indexOf(usage);
    if (index >= 0) this.subscriptions.splice(index, 1);
    this.terminateIfUnused();
  }

  /** Ends the invite usage (BYE sent or received, RFC 3261 15); the dialog ends if no usage is left. */
  endInviteUsage(): void {
    this.inviteUsageActive = false;
    this.terminateIfUnused();
  }

  /** Terminates the dialog and all its usages. */
  terminate(): void {
    this.inviteUsageActive = false;
    for (const usage of this.subscriptions) usage.state = SubscriptionUsageState.Terminated;
    this.subscriptions.length = 0;
    this.setState(DialogState.Terminated);
  }

  private terminateIfUnused(): void {
    if (!this.inviteUsageActive && this.subscriptions.length === 0)
      this.setState(DialogState.Terminated);
  }

  private refreshTarget(message: SipRequest | SipResponse): void {
    const contacts = getContacts(message);
    const first = contacts === '*' ? undefined : contacts[0];
    if (first) this.contact = first;
  }

  private assertUsable(method: string): void {
    if (this.current === DialogState.Terminated) {
      throw new DialogError(`cannot use ${method} in a terminated dialog`, this.key, this.current);
    }
  }

  private setState(next: DialogState): void {
    if (this.current === next) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener(next);
  }

  private build(method: string, cseq: number, options: InDialogRequestOptions): SipRequest {
    // RFC 3261 12.2.1.1: with an empty route set or a loose first route, the Request-URI is the remote target.
    const first = this.routes[0];
    const looseRouting = first === undefined || isLooseRoute(first);
    const requestUri =
      looseRouting || first === undefined
        ? this.remoteTarget
        : parseNameAddr(first, 'Route').uri.raw;
    // RFC 3261 12.2.1.1: strict routing puts the remote target last in Route and the first route in the Request-URI.
    const route = looseRouting ? this.routes : [...this.routes.slice(1), `<${this.remoteTarget}>`];
    return createRequest({
      method,
      requestUri,
      from: this.localAddress,
      to: this.remoteAddr,
      callId: this.id.callId,
      cseq,
      route,
      // RFC 3261 12.2.1.1: target refresh requests carry a Contact.
      ...(isTargetRefresh(method) && this.ownContact !== undefined
        ? { contact: this.ownContact }
        : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
  }
}
