import type { ReferTo, SipContact, SipContacts } from './address-headers.js';
import type {
  EventHeader,
  ReasonValue,
  SubscriptionState,
  TargetDialog,
} from './extension-headers.js';
import { canonicalHeaderName } from './header-names.js';
import { parsedField } from './header-registry.js';
import type { NameAddr } from './name-addr.js';
import type { CSeq, MediaType } from './simple-headers.js';
import { SipHeaderCountError } from './sip-parse-error.js';
import type { SipMessage } from './sip-message.js';
import type { Via } from './via.js';

/** Anything carrying headers: a message or a sipfrag. */
export interface HasHeaders {
  readonly headers: SipMessage['headers'];
}

function optional<T>(msg: HasHeaders, name: string): T | undefined {
  const field = msg.headers.first(name);
  if (field === undefined) return undefined;
  // RFC 3261 7.3.1: only list headers may occur more than once (RFC 4475 3.3.8 multi01).
  const count = msg.headers.count(name);
  if (count > 1) throw new SipHeaderCountError(canonicalHeaderName(name), count);
  return parsedField(field) as T;
}

function required<T>(msg: HasHeaders, name: string): T {
  const value = optional<T>(msg, name);
  if (value === undefined) throw new SipHeaderCountError(canonicalHeaderName(name), 0);
  return value;
}

function list<T>(msg: HasHeaders, name: string): T[] {
  const out: T[] = [];
  for (const field of msg.headers.fields(name)) out.push(...(parsedField(field) as T[]));
  return out;
}

/** Every Via value, top first (RFC 3261 20.42). */
export function getVias(msg: HasHeaders): Via[] {
  return list<Via>(msg, 'via');
}

/** The top Via; throws SipHeaderCountError when there is none (RFC 3261 8.1.1.7). */
export function getTopVia(msg: HasHeaders): Via {
  const field = msg.headers.first('via');
  const top = field === undefined ? undefined : (parsedField(field) as Via[])[0];
  if (top === undefined) throw new SipHeaderCountError('Via', 0);
  return top;
}

/** From (RFC 3261 20.20), mandatory: throws SipHeaderCountError when absent or repeated. */
export function getFrom(msg: HasHeaders): NameAddr {
  return required<NameAddr>(msg, 'from');
}

/** To (RFC 3261 20.39), mandatory: throws SipHeaderCountError when absent or repeated. */
export function getTo(msg: HasHeaders): NameAddr {
  return required<NameAddr>(msg, 'to');
}

/** The tag parameter of an address (RFC 3261 19.3). */
export function getTag(address: NameAddr): string | undefined {
  return address.params.get('tag') ?? undefined;
}

/** Call-ID (RFC 3261 20.8), mandatory. */
export function getCallId(msg: HasHeaders): string {
  return required<string>(msg, 'call-id');
}

/** CSeq (RFC 3261 20.16), mandatory. */
export function getCSeq(msg: HasHeaders): CSeq {
  return required<CSeq>(msg, 'cseq');
}

/** Max-Forwards (RFC 3261 20.22), undefined when absent. */
export function getMaxForwards(msg: HasHeaders): number | undefined {
  return optional<number>(msg, 'max-forwards');
}

/** Content-Length (RFC 3261 20.14), undefined when absent. */
export function getContentLength(msg: HasHeaders): number | undefined {
  return optional<number>(msg, 'content-length');
}

/** Expires (RFC 3261 20.19), undefined when absent. */
export function getExpires(msg: HasHeaders): number | undefined {
  return optional<number>(msg, 'expires');
}

/** Content-Type (RFC 3261 20.15), undefined when absent. */
export function getContentType(msg: HasHeaders): MediaType | undefined {
  return optional<MediaType>(msg, 'content-type');
}

/** Every Contact value, or "*" (RFC 3261 20.10); an empty list when absent. */
export function getContacts(msg: HasHeaders): SipContacts {
  const fields = msg.headers.fields('contact');
  const out: SipContact[] = [];
  for (const field of fields) {
    const value = parsedField(field) as SipContacts;
    // RFC 3261 10.2.2: "*" stands alone.
    if (value === '*') {
      if (fields.length > 1) throw new SipHeaderCountError('Contact', fields.length);
      return '*';
    }
    out.push(...value);
  }
  return out;
}

/** Route values in order (RFC 3261 20.34). */
export function getRoutes(msg: HasHeaders): NameAddr[] {
  return list<NameAddr>(msg, 'route');
}

/** Record-Route values in order (RFC 3261 20.30). */
export function getRecordRoutes(msg: HasHeaders): NameAddr[] {
  return list<NameAddr>(msg, 'record-route');
}

/** Refer-To (RFC 3515 2.1), undefined when absent. */
export function getReferTo(msg: HasHeaders): ReferTo | undefined {
  return optional<ReferTo>(msg, 'refer-to');
}

/** Target-Dialog (RFC 4538), undefined when absent. */
export function getTargetDialog(msg: HasHeaders): TargetDialog | undefined {
  return optional<TargetDialog>(msg, 'target-dialog');
}

/** Subscription-State (RFC 6665 8.2.3), undefined when absent. */
export function getSubscriptionState(msg: HasHeaders): SubscriptionState | undefined {
  return optional<SubscriptionState>(msg, 'subscription-state');
}

/** Event (RFC 6665 8.2.1), undefined when absent. */
export function getEvent(msg: HasHeaders): EventHeader | undefined {
  return optional<EventHeader>(msg, 'event');
}

/** Privacy values (RFC 3323 4.2), lower-cased; empty when absent. */
export function getPrivacy(msg: HasHeaders): string[] {
  return optional<string[]>(msg, 'privacy') ?? [];
}

/** Reason values (RFC 3326) across all Reason lines. */
export function getReasons(msg: HasHeaders): ReasonValue[] {
  return list<ReasonValue>(msg, 'reason');
}

/** Message-UID (OMA CPM Appendix C), undefined when absent. */
export function getMessageUid(msg: HasHeaders): string | undefined {
  return optional<string>(msg, 'message-uid');
}

/** Option tags or methods of a token-list header (Require, Proxy-Require, Supported, Unsupported, Allow). */
export function getTokens(
  msg: HasHeaders,
  name: 'require' | 'proxy-require' | 'supported' | 'unsupported' | 'allow',
): string[] {
  return list<string>(msg, name);
}
