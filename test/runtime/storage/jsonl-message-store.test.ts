import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  JsonlMessageStore,
  MessageStoreCorruptError,
  getSessionHistoryOrThrow,
} from '../../../runtime/storage/index.js';
import { sampleHistory } from './helpers/sample-history.js';

let directory = '';
let file = '';
const open: JsonlMessageStore[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'flowspec-jsonl-'));
  file = join(directory, 'session-history.jsonl');
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await rm(directory, { recursive: true, force: true });
});

async function openStore(onCorruptLine?: 'fail' | 'report'): Promise<JsonlMessageStore> {
  const store = await JsonlMessageStore.open({
    directory,
    ...(onCorruptLine ? { onCorruptLine } : {}),
  });
  open.push(store);
  return store;
}

async function storeThree(): Promise<string[]> {
  const store = await openStore();
  const uids: string[] = [];
  for (const n of [1, 2, 3]) uids.push((await store.storeSessionHistory(sampleHistory(n))).uid);
  await store.close();
  return uids;
}

async function openError(onCorruptLine?: 'fail' | 'report'): Promise<MessageStoreCorruptError> {
  const error: unknown = await openStore(onCorruptLine).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MessageStoreCorruptError);
  return error as MessageStoreCorruptError;
}

async function replaceLine(line: number, text: string): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  lines[line - 1] = text;
  await writeFile(file, lines.join('\n'));
}

describe('JsonlMessageStore', () => {
  it('creates its directory and writes one JSON line per history, line breaks in bodies included', async () => {
    directory = join(directory, 'nested', 'store');
    file = join(directory, 'session-history.jsonl');
    await storeThree();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines.slice(0, 3).map((l) => (JSON.parse(l) as { uid: string }).uid)).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('has a history on disk by the time its UID is returned', async () => {
    const store = await openStore();
    const { uid } = await store.storeSessionHistory(sampleHistory(5));
    const text = await readFile(file, 'utf8');
    expect((JSON.parse(text.trim()) as { uid: string }).uid).toBe(uid);
    const second = await openStore();
    expect((await second.get(uid))?.history).toEqual(sampleHistory(5));
  });

  it('reloads every history after a restart, with the same UIDs, and continues after them', async () => {
    const uids = await storeThree();
    const store = await openStore();
    expect(await store.count()).toBe(3);
    for (const [i, uid] of uids.entries()) {
      expect((await getSessionHistoryOrThrow(store, uid)).history).toEqual(sampleHistory(i + 1));
    }
    expect((await store.storeSessionHistory(sampleHistory(4))).uid).toBe('4');
    await store.close();
    expect(await (await openStore()).count()).toBe(4);
  });

  it('refuses to open on a corrupt line by default, naming file, line and column, and leaves the file alone', async () => {
    await storeThree();
    await replaceLine(2, '{"uid":"2","storedAt":');
    const before = await readFile(file);
    const error = await openError();
    expect(error.file).toBe(file);
    expect(error.line).toBe(2);
    expect(error.message).toContain(`${file}:2`);
    expect(await readFile(file)).toEqual(before);
  });

  it('names the column where a line ends too early', async () => {
    await storeThree();
    await replaceLine(3, '{"uid":"3",');
    const error = await openError();
    expect({ line: error.line, column: error.column }).toEqual({ line: 3, column: 12 });
    expect(error.message).toContain(`${file}:3:12`);
  });

  it('names the field of a well-formed line whose history is not valid', async () => {
    await storeThree();
    const record = JSON.parse((await readFile(file, 'utf8')).split('\n')[0] ?? '') as {
      history: { endTime: string };
    };
    record.history.endTime = '1999-01-01T00:00:00Z';
    await replaceLine(1, JSON.stringify(record));
    const error = await openError();
    expect({ line: error.line, field: error.field }).toEqual({ line: 1, field: 'history.endTime' });
  });

  it('reports a duplicate UID at the line that repeats it', async () => {
    await storeThree();
    await replaceLine(3, (await readFile(file, 'utf8')).split('\n')[0] ?? '');
    const error = await openError();
    expect({ line: error.line, field: error.field }).toEqual({ line: 3, field: 'uid' });
  });

  it('with onCorruptLine "report", keeps every other record, reports the line and never reuses its UID', async () => {
    await storeThree();
    await replaceLine(2, 'garbage');
    const store = await openStore('report');
    expect(store.problems.map((p) => p.line)).toEqual([2]);
    expect(await store.count()).toBe(2);
    expect((await store.get('1'))?.history).toEqual(sampleHistory(1));
    expect((await store.get('3'))?.history).toEqual(sampleHistory(3));
    expect(await store.get('2')).toBeUndefined();
    expect((await store.storeSessionHistory(sampleHistory(4))).uid).toBe('4');
    await store.close();

    const again = await openStore('report');
    expect(again.problems.map((p) => p.line)).toEqual([2]);
    expect(await again.count()).toBe(3);
    expect((await readFile(file, 'utf8')).split('\n')[1]).toBe('garbage');
  });

  it('survives a torn last line (crash mid-append): reports it and appends on a fresh line', async () => {
    await storeThree();
    await appendFile(file, '{"uid":"4","storedAt":"2026-11-');
    expect((await openError()).line).toBe(4);
    const store = await openStore('report');
    expect(store.problems.map((p) => p.line)).toEqual([4]);
    const { uid } = await store.storeSessionHistory(sampleHistory(5));
    expect(uid).toBe('5');
    await store.close();

    const again = await openStore('report');
    expect(again.problems.map((p) => p.line)).toEqual([4]);
    expect((await again.get('5'))?.history).toEqual(sampleHistory(5));
    expect(await again.count()).toBe(4);
  });
});
