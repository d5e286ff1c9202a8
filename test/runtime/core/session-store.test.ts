import { describe, expect, it } from 'vitest';
import { isIdle, SessionStore, SessionStoreError } from '../../../runtime/session/index.js';

describe('SessionStore', () => {
  it('adds its sources to the session count and names the role in its errors', () => {
    const store = new SessionStore<{ id: string }>('b2bua');
    let dialogs = 2;
    const remove = store.addSource({ dialogs: () => dialogs, transactions: () => 1 });
    store.add('s1', { id: 's1' });
    expect(store.snapshot()).toEqual({ dialogs: 2, transactions: 1, sessions: 1 });
    expect(() => store.add('s1', { id: 's1' })).toThrow(SessionStoreError);
    expect(() => store.getOrThrow('s2')).toThrow(/b2bua: no session s2/);
    dialogs = 0;
    remove();
    expect(store.delete('s1')).toBe(true);
    expect(isIdle(store.snapshot())).toBe(true);
  });
});
