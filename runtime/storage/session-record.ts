import { validateCpmSessionHistory, type CpmSessionHistory } from './session-history.js';

/**
 * What a CPM Participating Function knows of a SIP session when it releases it: the dialog's
 * Call-ID and ends, the other legs' ends, when the session began and ended, and the
 * Conversation-ID and Contribution-ID its requests carried (OMA CPM Appendix C), where they did.
 */
export interface SipSessionRecord {
  readonly callId: string;
  /** URI of the Participating Function's end of the dialog. */
  readonly local: string;
  /** URI of the other end of the dialog. */
  readonly remote: string;
  /** URIs of the other legs' remote ends (a B2BUA's). */
  readonly others: readonly string[];
  /** ISO 8601. */
  readonly startTime: string;
  /** ISO 8601. */
  readonly endTime: string;
  readonly conversationId?: string;
  readonly contributionId?: string;
}

/**
 * The CPM Session History of a released session, as the Message Storage Server stores it (OMA
 * CPM 8.5.2 "Record CPM Session"): its identity, every end it reached as a participant (each
 * URI once), its start and end, and no messages (the runtime relays no Media Plane). Without a
 * Conversation-ID or Contribution-ID in the requests, the Call-ID identifies the session in
 * their place. Throws a `SessionHistoryInvalidError` naming the first bad value (`record.*`).
 */
export function sessionHistoryOf(record: SipSessionRecord): CpmSessionHistory {
  const uris = [record.local, record.remote, ...record.others];
  return validateCpmSessionHistory(
    {
      session: {
        conversationId: record.conversationId ?? record.callId,
        contributionId: record.contributionId ?? record.callId,
        callId: record.callId,
      },
      participants: uris.filter((u, i) => uris.indexOf(u) === i).map((uri) => ({ uri })),
      startTime: record.startTime,
      endTime: record.endTime,
      messages: [],
    },
    'record',
  );
}
