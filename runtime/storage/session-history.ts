import { SessionHistoryInvalidError } from './storage-errors.js';

/**
 * Identity of a CPM Session (OMA CPM: Conversation-ID and Contribution-ID,
 * with the SIP Call-ID of the Participating Function's leg when known).
 */
export interface CpmSessionIdentity {
  readonly conversationId: string;
  readonly contributionId: string;
  readonly callId?: string;
}

/** A participant of the CPM Session. */
export interface CpmSessionParticipant {
  /** SIP or tel URI of the participant. */
  readonly uri: string;
  readonly displayName?: string;
}

/** One message exchanged in the CPM Session. */
export interface CpmSessionMessage {
  /** ISO 8601 time the message was exchanged. */
  readonly time: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly contentType: string;
  readonly body: string;
  /** IMDN Message-ID, when the message carried one. */
  readonly messageId?: string;
}

/**
 * The CPM Session History that the CPM Participating Function stores to the
 * Message Storage Server before it releases a session with
 * <allow-offline-storage> set (OMA CPM "Record CPM Session"; the returned UID
 * goes into the Message-UID header of the BYE or its 200 OK).
 */
export interface CpmSessionHistory {
  readonly session: CpmSessionIdentity;
  readonly participants: readonly CpmSessionParticipant[];
  /** ISO 8601 start of the session. */
  readonly startTime: string;
  /** ISO 8601 end of the session, not before `startTime`. */
  readonly endTime: string;
  readonly messages: readonly CpmSessionMessage[];
}

type Obj = Readonly<Record<string, unknown>>;

function object(value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SessionHistoryInvalidError(field, 'expected an object');
  }
  return value as Obj;
}

function text(o: Obj, key: string, field: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) {
    throw new SessionHistoryInvalidError(`${field}.${key}`, 'expected a non-empty string');
  }
  return v;
}

function optionalText(o: Obj, key: string, field: string): string | undefined {
  return o[key] === undefined ? undefined : text(o, key, field);
}

function time(o: Obj, key: string, field: string): string {
  const v = text(o, key, field);
  // ISO 8601 with a date and time, as Date.prototype.toISOString writes it or with an offset.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new SessionHistoryInvalidError(`${field}.${key}`, `"${v}" is not an ISO 8601 date-time`);
  }
  return v;
}

function array(o: Obj, key: string, field: string): readonly unknown[] {
  const v = o[key];
  if (!Array.isArray(v))
    throw new SessionHistoryInvalidError(`${field}.${key}`, 'expected an array');
  return v;
}

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * Checks that `value` is a complete CPM Session History and returns a clean
 * copy (unknown keys dropped). Throws {@link SessionHistoryInvalidError}
 * naming the path of the first bad value, below `field`.
 */
export function validateCpmSessionHistory(value: unknown, field = 'history'): CpmSessionHistory {
  const h = object(value, field);
  const s = object(h['session'], `${field}.session`);
  const session = defined({
    conversationId: text(s, 'conversationId', `${field}.session`),
    contributionId: text(s, 'contributionId', `${field}.session`),
    callId: optionalText(s, 'callId', `${field}.session`),
  });
  const participants = array(h, 'participants', field).map((p, i) => {
    const where = `${field}.participants[${i}]`;
    const o = object(p, where);
    return defined({
      uri: text(o, 'uri', where),
      displayName: optionalText(o, 'displayName', where),
    });
  });
  if (participants.length === 0) {
    throw new SessionHistoryInvalidError(`${field}.participants`, 'a session has participants');
  }
  const startTime = time(h, 'startTime', field);
  const endTime = time(h, 'endTime', field);
  if (Date.parse(endTime) < Date.parse(startTime)) {
    throw new SessionHistoryInvalidError(`${field}.endTime`, 'ends before startTime');
  }
  const messages = array(h, 'messages', field).map((m, i) => {
    const where = `${field}.messages[${i}]`;
    const o = object(m, where);
    const to = array(o, 'to', where).map((t, j) => {
      if (typeof t !== 'string' || t.length === 0) {
        throw new SessionHistoryInvalidError(`${where}.to[${j}]`, 'expected a non-empty string');
      }
      return t;
    });
    const body = o['body'];
    if (typeof body !== 'string')
      throw new SessionHistoryInvalidError(`${where}.body`, 'expected a string');
    return defined({
      time: time(o, 'time', where),
      from: text(o, 'from', where),
      to,
      contentType: text(o, 'contentType', where),
      body,
      messageId: optionalText(o, 'messageId', where),
    });
  });
  return { session, participants, startTime, endTime, messages };
}
