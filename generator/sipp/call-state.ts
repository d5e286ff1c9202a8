/**
 * What a SIPp call remembers while the scenario is written: which side of
 * the dialog the participant is, CSeq numbers and branches of the requests
 * it sent, the requests it received (and whether their headers must be
 * captured because the answer does not follow them at once).
 */

/** A request the scenario sends. */
export interface SentRequest {
  readonly method: string;
  readonly cseq: number;
  readonly branch: string;
  readonly requestUri: string;
  readonly to: string;
  /** Final status received for it. */
  final?: number;
}

/** A request the scenario receives. */
export interface ReceivedRequest {
  readonly method: string;
  /** Prefix of the SIPp variables its Via, From, To and CSeq number were captured into. */
  readonly capture?: string;
  /** Its first Record-Route line was captured too (`<capture>_rr`), for a dialog-creating answer. */
  readonly recordRoute?: boolean;
}

/** Methods whose 2xx creates a dialog (RFC 3261 12.1, RFC 6665 4.1.2, RFC 3515 2.4.1). */
export const DIALOG_CREATING: ReadonlySet<string> = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

/** Methods that carry a Contact (target refresh and dialog creation, RFC 3261 8.1.1.8, 12.2.1.1). */
export const WITH_CONTACT: ReadonlySet<string> = new Set([
  'INVITE',
  'SUBSCRIBE',
  'REFER',
  'NOTIFY',
  'UPDATE',
]);

/** The state of the one SIPp call a scenario plays. */
export class CallState {
  /** `caller` when the participant sends the call's first request (local tag ...00...), else `callee`. */
  readonly role: 'caller' | 'callee';
  private cseq = 0;
  private branches = 0;
  private captures = 0;
  /** A 2xx to a dialog-creating request has passed. */
  established = false;
  /** A message with `rrs="true"` was received: [next_url] and [routes] are known. */
  remoteTarget = false;
  readonly sent = new Map<string, SentRequest>();
  readonly received = new Map<string, ReceivedRequest>();
  lastInvite: SentRequest | undefined;

  constructor(
    role: 'caller' | 'callee',
    /** User part of the participant's own URIs. */
    readonly user: string,
  ) {
    this.role = role;
  }

  /** The participant's dialog tag. */
  get localTag(): string {
    return this.role === 'caller' ? '[pid]SIPpTag00[call_number]' : '[pid]SIPpTag01[call_number]';
  }

  /** The participant's own URI. */
  get localUri(): string {
    return `sip:${this.user}@[local_ip]:[local_port]`;
  }

  /** The URI of the far end as SIPp knows it. */
  readonly remoteUri = 'sip:[service]@[remote_ip]:[remote_port]';

  /** The next CSeq number of a new request. */
  nextCseq(): number {
    return ++this.cseq;
  }

  /** A new branch, unique per call (RFC 3261 8.1.1.7 magic cookie). */
  nextBranch(): string {
    return `z9hG4bK-[pid]-[call_number]-${++this.branches}`;
  }

  /** A new prefix for captured header variables. */
  nextCapture(): string {
    return `req${++this.captures}`;
  }
}
