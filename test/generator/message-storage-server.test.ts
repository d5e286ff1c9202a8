/**
 * The generated Message Storage Server (OMA CPM Appendix C, 8.5.2 "Record CPM Session"): it
 * answers the Participating Function's indication with the UID its Message Storage gives the
 * stored CPM Session History, in memory by default or in a JSON-lines file that outlives it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageStorageServer } from '../../generated/roles/index.js';
import {
  UnknownIndicationError,
  type LocalIndication,
} from '../../generated/roles/role-support.js';
import { SessionHistoryInvalidError } from '../../runtime/storage/index.js';

const dirs: string[] = [];
const servers: MessageStorageServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function start(file?: string): Promise<MessageStorageServer> {
  const server = await MessageStorageServer.start(file === undefined ? {} : { file });
  servers.push(server);
  return server;
}

const store = (callId: string): LocalIndication => ({
  name: 'store CPM Session History',
  flow: 'cpm.pf-bye.originating',
  step: '4.c.ii.1.store',
  from: 'pfA',
  session: {
    callId,
    local: 'sip:pfB@127.0.0.4:5060',
    remote: 'sip:clientA@networkA.test',
    others: [],
    startTime: '2026-11-21T14:00:00.000Z',
    endTime: '2026-11-21T14:05:00.000Z',
  },
});

describe('MessageStorageServer', () => {
  it('answers each store with a fresh UID and holds the history under it (in memory by default)', async () => {
    const server = await start();
    const first = await server.indicate(store('call-1'));
    const second = await server.indicate(store('call-2'));
    expect([first.values['uid'], second.values['uid']]).toEqual(['1', '2']);
    expect((await server.store.get('2'))?.history.session.callId).toBe('call-2');
    expect(await server.store.count()).toBe(2);
    expect(server.actions.map((a) => [a.action, a.step, a.value])).toEqual([
      ['store-session-history', '4.c.ii.1.store', '1'],
      ['store-session-history', '4.c.ii.1.store', '2'],
    ]);
  });

  it('keeps what it stores in its JSON-lines file, and goes on from the last UID when reopened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowspec-mss-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'history.jsonl');
    const server = await start(file);
    const { values } = await server.indicate(store('call-1'));
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { uid: string }).uid)).toEqual([values['uid']]);
    const again = await start(file);
    expect((await again.indicate(store('call-2'))).values['uid']).toBe('2');
  });

  it('rejects an indication no flow gives it, and a session that ends before it starts', async () => {
    const server = await start();
    await expect(server.indicate({ ...store('c'), name: 'delete' })).rejects.toThrow(
      UnknownIndicationError,
    );
    const bad = store('c');
    await expect(
      server.indicate({ ...bad, session: { ...bad.session, endTime: '2026-11-21T13:00:00.000Z' } }),
    ).rejects.toThrow(SessionHistoryInvalidError);
    expect(await server.store.count()).toBe(0);
  });
});
