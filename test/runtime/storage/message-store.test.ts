import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  JsonlMessageStore,
  MemoryMessageStore,
  MessageStoreClosedError,
  MessageStoreUidNotFoundError,
  SessionHistoryInvalidError,
  getSessionHistoryOrThrow,
  type CpmSessionHistory,
  type MessageStore,
} from '../../../runtime/storage/index.js';
import { sampleHistory } from './helpers/sample-history.js';

const dirs: string[] = [];
const stores: MessageStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const implementations: [string, () => Promise<MessageStore>][] = [
  ['MemoryMessageStore', async () => new MemoryMessageStore()],
  [
    'JsonlMessageStore',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'flowspec-store-'));
      dirs.push(directory);
      return JsonlMessageStore.open({ directory });
    },
  ],
];

describe.each(implementations)('%s (MessageStore contract)', (_name, create) => {
  async function open(): Promise<MessageStore> {
    const store = await create();
    stores.push(store);
    return store;
  }

  it('stores a CPM Session History and returns ascending UIDs', async () => {
    const store = await open();
    const first = await store.storeSessionHistory(sampleHistory(1));
    const second = await store.storeSessionHistory(sampleHistory(2));
    expect(first.uid).toBe('1');
    expect(second.uid).toBe('2');
    expect(await store.count()).toBe(2);
  });

  it('gives back the stored history by UID, and undefined for an unknown UID', async () => {
    const store = await open();
    const history = sampleHistory(7);
    const { uid } = await store.storeSessionHistory(history);
    const stored = await store.get(uid);
    expect(stored?.uid).toBe(uid);
    expect(stored?.history).toEqual(history);
    expect(Date.parse(stored?.storedAt ?? '')).not.toBeNaN();
    expect(await store.get('999')).toBeUndefined();
    await expect(getSessionHistoryOrThrow(store, '999')).rejects.toBeInstanceOf(
      MessageStoreUidNotFoundError,
    );
  });

  it('returns copies: changing one does not change the store', async () => {
    const store = await open();
    const { uid } = await store.storeSessionHistory(sampleHistory(1));
    const copy = await getSessionHistoryOrThrow(store, uid);
    (copy.history.participants as { uri: string }[]).push({ uri: 'sip:mallory@example.com' });
    expect((await getSessionHistoryOrThrow(store, uid)).history.participants).toHaveLength(2);
  });

  it.each([
    [
      'missing conversationId',
      (h: CpmSessionHistory) => ({ ...h, session: { contributionId: 'c' } }),
      'history.session.conversationId',
    ],
    [
      'no participants',
      (h: CpmSessionHistory) => ({ ...h, participants: [] }),
      'history.participants',
    ],
    [
      'end before start',
      (h: CpmSessionHistory) => ({ ...h, endTime: '2020-01-01T00:00:00Z' }),
      'history.endTime',
    ],
    [
      'bad message time',
      (h: CpmSessionHistory) => ({ ...h, messages: [{ ...h.messages[0], time: 'yesterday' }] }),
      'history.messages[0].time',
    ],
  ])(
    'rejects a history with %s, naming the field, and stores nothing',
    async (_what, spoil, field) => {
      const store = await open();
      const bad = spoil(sampleHistory(1)) as unknown as CpmSessionHistory;
      const error: unknown = await store.storeSessionHistory(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionHistoryInvalidError);
      expect((error as SessionHistoryInvalidError).field).toBe(field);
      expect(await store.count()).toBe(0);
      expect((await store.storeSessionHistory(sampleHistory(1))).uid).toBe('1');
    },
  );

  it('gives unique UIDs to concurrent stores', async () => {
    const store = await open();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_v, i) => store.storeSessionHistory(sampleHistory(i))),
    );
    const uids = results.map((r) => Number(r.uid));
    expect(new Set(uids).size).toBe(40);
    expect([...uids].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_v, i) => i + 1));
    for (const [i, r] of results.entries()) {
      expect((await store.get(r.uid))?.history.session.contributionId).toBe(`contribution-${i}`);
    }
  });

  it('refuses work once closed', async () => {
    const store = await open();
    await store.close();
    await expect(store.storeSessionHistory(sampleHistory(1))).rejects.toBeInstanceOf(
      MessageStoreClosedError,
    );
    await expect(store.count()).rejects.toBeInstanceOf(MessageStoreClosedError);
  });
});
