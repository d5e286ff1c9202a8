import { allIn, WORD } from './char-classes.js';
import { scanParams } from './header-params.js';
import type { HeaderParams } from './header-params.js';
import { parseCallId, parseDeltaSeconds } from './simple-headers.js';
import { SipParseError } from './sip-parse-error.js';
import { ValueScanner } from './value-scanner.js';

/** Target-Dialog (RFC 4538 7). */
export interface TargetDialog {
  readonly callId: string;
  readonly localTag: string | undefined;
  readonly remoteTag: string | undefined;
  readonly params: HeaderParams;
}

/** RFC 4538 7: Target-Dialog = "Target-Dialog" HCOLON callid *(SEMI td-param). */
export function parseTargetDialog(value: string, header = 'Target-Dialog'): TargetDialog {
  const scanner: ValueScanner = new ValueScanner(value, header);
  scanner.skipWs();
  const start = scanner.pos;
  while (!scanner.done) {
    const c = scanner.peek();
    if (c === 59 || c === 32 || c === 9) break;
    scanner.pos++;
  }
  const callId = parseCallId(value.slice(start, scanner.pos), header);
  const params = scanParams(scanner);
  scanner.expectEnd('bad-header-value', 'the Target-Dialog parameters');
  const localTag = params.get('local-tag');
  const remoteTag = params.get('remote-tag');
  if (localTag === null || remoteTag === null)
    scanner.fail('bad-param', 'local-tag and remote-tag need a value');
  return { callId, localTag, remoteTag, params };
}

/** Subscription-State (RFC 6665 8.2.3 and 8.4). */
export interface SubscriptionState {
  /** active, pending, terminated or an extension, lower-cased. */
  readonly state: string;
  readonly reason: string | undefined;
  readonly expires: number | undefined;
  readonly retryAfter: number | undefined;
  readonly params: HeaderParams;
}

/** RFC 6665 8.4: Subscription-State = substate-value *( SEMI subexp-params ). */
export function parseSubscriptionState(
  value: string,
  header = 'Subscription-State',
): SubscriptionState {
  const scanner: ValueScanner = new ValueScanner(value, header);
  scanner.skipWs();
  const state = scanner.token('bad-header-value', 'the subscription state').toLowerCase();
  const params = scanParams(scanner);
  scanner.expectEnd('bad-header-value', 'the Subscription-State parameters');
  const reason = params.get('reason');
  const expires = params.get('expires');
  const retryAfter = params.get('retry-after');
  if (reason === null || expires === null || retryAfter === null) {
    scanner.fail('bad-param', 'reason, expires and retry-after need a value');
  }
  return {
    state,
    reason: reason?.toLowerCase(),
    expires: expires === undefined ? undefined : parseDeltaSeconds(expires, header),
    retryAfter: retryAfter === undefined ? undefined : parseDeltaSeconds(retryAfter, header),
    params,
  };
}

/** Event (RFC 6665 8.4). */
export interface EventHeader {
  /** The event package, e.g. "refer" (RFC 3515 3) or "presence". */
  readonly package: string;
  /** Event templates after the package ("winfo" in "presence.winfo"). */
  readonly templates: readonly string[];
  readonly id: string | undefined;
  readonly params: HeaderParams;
}

/** RFC 6665 8.4: Event = ( "Event" / "o" ) HCOLON event-type *( SEMI event-param ). */
export function parseEvent(value: string, header = 'Event'): EventHeader {
  const scanner: ValueScanner = new ValueScanner(value, header);
  scanner.skipWs();
  const type = scanner.token('bad-header-value', 'the event type');
  const params = scanParams(scanner);
  scanner.expectEnd('bad-header-value', 'the Event parameters');
  const parts = type.split('.');
  if (parts.some((p) => p.length === 0))
    scanner.fail('bad-header-value', `bad event type ${JSON.stringify(type)}`, 0);
  const id = params.get('id');
  if (id === null) scanner.fail('bad-param', 'the id parameter needs a value');
  return { package: (parts[0] ?? '').toLowerCase(), templates: parts.slice(1), id, params };
}

/** RFC 3323 4.2: Privacy-hdr = "Privacy" HCOLON priv-value *(";" priv-value). */
export function parsePrivacy(value: string, header = 'Privacy'): string[] {
  const scanner: ValueScanner = new ValueScanner(value, header);
  const out: string[] = [];
  scanner.skipWs();
  for (;;) {
    out.push(scanner.token('bad-header-value', 'a privacy value').toLowerCase());
    scanner.skipWs();
    if (scanner.done) return out;
    scanner.expectSeparator(59, 'bad-header-value', 'expected ";" between privacy values');
  }
}

/** One Reason value (RFC 3326 2). */
export interface ReasonValue {
  /** "SIP", "Q.850" or an extension, as written. */
  readonly protocol: string;
  readonly cause: number | undefined;
  readonly text: string | undefined;
  readonly params: HeaderParams;
}

/** RFC 3326 2: Reason = "Reason" HCOLON reason-value *(COMMA reason-value). */
export function parseReasons(value: string, header = 'Reason'): ReasonValue[] {
  const scanner: ValueScanner = new ValueScanner(value, header);
  const out: ReasonValue[] = [];
  for (;;) {
    scanner.skipWs();
    const protocol = scanner.token('bad-header-value', 'the reason protocol');
    const params = scanParams(scanner);
    const cause = params.get('cause');
    const text = params.get('text');
    if (cause === null || text === null) scanner.fail('bad-param', 'cause and text need a value');
    out.push({
      protocol,
      cause: cause === undefined ? undefined : parseDeltaSeconds(cause, header),
      text,
      params,
    });
    scanner.skipWs();
    if (scanner.done) return out;
    scanner.expectSeparator(44, 'bad-header-value', 'expected "," between reasons');
  }
}

/**
 * Message-UID (OMA CPM Conversation Functions, Appendix C "CPM-defined SIP
 * headers"): the UID the Message Storage Server gave the stored session
 * history. Read as one word of RFC 3261 25.1 characters.
 */
export function parseMessageUid(value: string, header = 'Message-UID'): string {
  if (!allIn(value, WORD))
    throw SipParseError.at(
      'bad-header-value',
      `bad Message-UID ${JSON.stringify(value)}`,
      0,
      header,
    );
  return value;
}
