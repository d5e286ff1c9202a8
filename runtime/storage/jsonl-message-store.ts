import { constants } from 'node:fs';
import { access, mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HistoryIndex } from './history-index.js';
import { isMessageStoreUid, type StoredSessionHistory } from './message-store.js';
import { validateCpmSessionHistory, type CpmSessionHistory } from './session-history.js';
import { MessageStoreCorruptError, SessionHistoryInvalidError } from './storage-errors.js';

/** What opening a store does with a line that is not a stored record. */
export const CORRUPT_LINE_POLICIES = ['fail', 'report'] as const;
/**
 * `fail`: opening rejects with the located {@link MessageStoreCorruptError}
 * and leaves the file untouched. `report`: opening loads every other record,
 * keeps the bad line in the file and lists it in `problems`.
 */
export type CorruptLinePolicy = (typeof CORRUPT_LINE_POLICIES)[number];

/** Options of {@link JsonlMessageStore.open}. */
export interface JsonlMessageStoreOptions {
  /** Directory of the store; created if missing. */
  readonly directory: string;
  /** File name in the directory. Default `session-history.jsonl`. */
  readonly fileName?: string;
  /** Default `fail`. */
  readonly onCorruptLine?: CorruptLinePolicy;
}

interface Loaded {
  readonly records: Map<string, StoredSessionHistory>;
  readonly problems: MessageStoreCorruptError[];
  readonly lines: number;
  readonly endsWithNewline: boolean;
}

/**
 * The embedded, persistent default {@link MessageStore}: one JSON object per
 * line, appended and fsync'd before the UID is returned, read back in full
 * when the store opens. One process writes a store at a time.
 */
export class JsonlMessageStore extends HistoryIndex {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    /** Path of the JSON-lines file. */
    readonly file: string,
    private readonly handle: FileHandle,
    records: Map<string, StoredSessionHistory>,
    lastUid: number,
    /** Corrupt lines found on opening with the `report` policy, in file order. */
    readonly problems: readonly MessageStoreCorruptError[],
  ) {
    super(file, records, lastUid);
  }

  /** Opens (or creates) the store and loads every record in it. */
  static async open(options: JsonlMessageStoreOptions): Promise<JsonlMessageStore> {
    await mkdir(options.directory, { recursive: true });
    const file = join(options.directory, options.fileName ?? 'session-history.jsonl');
    const existed = await access(file, constants.F_OK).then(
      () => true,
      () => false,
    );
    const handle = await open(file, 'a+');
    try {
      if (!existed) await syncDirectory(options.directory);
      const loaded = load(file, await readFile(file, 'utf8'));
      const first = loaded.problems[0];
      if (first !== undefined && (options.onCorruptLine ?? 'fail') === 'fail') throw first;
      if (!loaded.endsWithNewline) {
        // A torn last line (a crash mid-append): end it, so the next record starts a line of its own.
        await handle.write('\n');
        await handle.sync();
      }
      let maxUid = 0;
      for (const uid of loaded.records.keys()) maxUid = Math.max(maxUid, Number(uid));
      // UID n is written on line n or later, so starting past the line count
      // never reuses the UID of a record on a corrupt line.
      return new JsonlMessageStore(
        file,
        handle,
        loaded.records,
        Math.max(maxUid, loaded.lines),
        loaded.problems,
      );
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  storeSessionHistory(history: CpmSessionHistory): Promise<{ uid: string }> {
    const run = async (): Promise<{ uid: string }> => {
      const record = this.newRecord(history);
      // JSON.stringify escapes line breaks inside strings: one record is one line.
      await this.handle.write(`${JSON.stringify(record)}\n`);
      await this.handle.sync();
      this.add(record);
      return { uid: record.uid };
    };
    // Appends one at a time, so UIDs ascend in file order.
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    await this.handle.close();
  }
}

/** Fsyncs a directory so a newly created file's entry survives a crash. */
async function syncDirectory(directory: string): Promise<void> {
  const dir = await open(directory, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function load(file: string, content: string): Loaded {
  const records = new Map<string, StoredSessionHistory>();
  const problems: MessageStoreCorruptError[] = [];
  const lines = content.split('\n');
  const endsWithNewline = content.length === 0 || content.endsWith('\n');
  if (endsWithNewline) lines.pop();
  lines.forEach((text, i) => {
    try {
      const record = parseRecord(file, i + 1, text);
      if (records.has(record.uid)) {
        throw new MessageStoreCorruptError(
          file,
          i + 1,
          `UID ${record.uid} appears twice`,
          undefined,
          'uid',
        );
      }
      records.set(record.uid, record);
    } catch (e) {
      if (!(e instanceof MessageStoreCorruptError)) throw e;
      problems.push(e);
    }
  });
  return { records, problems, lines: lines.length, endsWithNewline };
}

function parseRecord(file: string, line: number, text: string): StoredSessionHistory {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : 'not JSON';
    // Newer V8 names the position; any version says when the line ends too early.
    const position = /position (\d+)/.exec(reason)?.[1];
    const column =
      position !== undefined
        ? Number(position) + 1
        : /end of JSON input/.test(reason)
          ? text.length + 1
          : undefined;
    throw new MessageStoreCorruptError(
      file,
      line,
      text.length === 0 ? 'empty line' : reason,
      column,
    );
  }
  const corrupt = (field: string, reason: string): MessageStoreCorruptError =>
    new MessageStoreCorruptError(file, line, reason, undefined, field);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corrupt('record', 'expected an object');
  }
  const o = value as Record<string, unknown>;
  const uid = o['uid'];
  if (typeof uid !== 'string' || !isMessageStoreUid(uid)) throw corrupt('uid', 'not a UID');
  const storedAt = o['storedAt'];
  if (typeof storedAt !== 'string' || Number.isNaN(Date.parse(storedAt))) {
    throw corrupt('storedAt', 'not an ISO 8601 date-time');
  }
  try {
    return { uid, storedAt, history: validateCpmSessionHistory(o['history']) };
  } catch (e) {
    if (e instanceof SessionHistoryInvalidError) throw corrupt(e.field, e.reason);
    throw e;
  }
}
