/**
 * The CPM Session History a Message Storage Server stores for a released session (OMA CPM
 * 8.5.2 "Record CPM Session"), made from what the CPM Participating Function knows of it.
 */
import { describe, expect, it } from 'vitest';
import {
  MemoryMessageStore,
  SessionHistoryInvalidError,
  sessionHistoryOf,
  type SipSessionRecord,
} from '../../../runtime/storage/index.js';

const record: SipSessionRecord = {
  callId: 'a84b4c76e66710@pc33.networkA.test',
  local: 'sip:pfB@127.0.0.4:5060',
  remote: 'sip:clientA@networkA.test',
  others: ['sip:iwf0@127.0.0.9:5060', 'sip:clientA@networkA.test'],
  startTime: '2026-11-21T14:00:00.000Z',
  endTime: '2026-11-21T14:05:00.000Z',
};

describe('sessionHistoryOf', () => {
  it('records the ends of every leg once, the times, and the Call-ID in place of missing CPM ids', () => {
    expect(sessionHistoryOf(record)).toEqual({
      session: {
        conversationId: record.callId,
        contributionId: record.callId,
        callId: record.callId,
      },
      participants: [
        { uri: 'sip:pfB@127.0.0.4:5060' },
        { uri: 'sip:clientA@networkA.test' },
        { uri: 'sip:iwf0@127.0.0.9:5060' },
      ],
      startTime: record.startTime,
      endTime: record.endTime,
      messages: [],
    });
  });

  it('keeps the Conversation-ID and Contribution-ID the requests carried', () => {
    const h = sessionHistoryOf({ ...record, conversationId: 'c-1', contributionId: 'k-2' });
    expect(h.session).toEqual({
      conversationId: 'c-1',
      contributionId: 'k-2',
      callId: record.callId,
    });
  });

  it('rejects an end before the start, naming the field', () => {
    expect(() => sessionHistoryOf({ ...record, endTime: '2026-11-21T13:00:00.000Z' })).toThrow(
      SessionHistoryInvalidError,
    );
    expect(() => sessionHistoryOf({ ...record, endTime: '2026-11-21T13:00:00.000Z' })).toThrow(
      /record\.endTime/,
    );
  });

  it('is what a Message Storage stores under a fresh UID', async () => {
    const store = new MemoryMessageStore();
    const { uid } = await store.storeSessionHistory(sessionHistoryOf(record));
    expect((await store.get(uid))?.history.session.callId).toBe(record.callId);
    await store.close();
  });
});
