/** A CPM Session History that cannot be stored: `field` is the path of the offending value. */
export class SessionHistoryInvalidError extends Error {
  override readonly name = 'SessionHistoryInvalidError';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid CPM Session History at ${field}: ${reason}`);
  }
}

/**
 * A line of the Message Storage file that is not a stored session history.
 * `line` is 1-based; `column` (1-based) when the JSON parser names a position;
 * `field` when the JSON is fine but a value in it is not.
 */
export class MessageStoreCorruptError extends Error {
  override readonly name = 'MessageStoreCorruptError';

  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    readonly column?: number,
    readonly field?: string,
  ) {
    super(
      `${file}:${line}${column === undefined ? '' : `:${column}`}: ` +
        `corrupt Message Storage record${field === undefined ? '' : ` (${field})`}: ${reason}`,
    );
  }
}

/** A UID that the Message Storage does not hold. */
export class MessageStoreUidNotFoundError extends Error {
  override readonly name = 'MessageStoreUidNotFoundError';

  constructor(
    readonly uid: string,
    readonly store: string,
  ) {
    super(`no CPM Session History with UID ${uid} in ${store}`);
  }
}

/** An operation on a Message Storage that was closed. */
export class MessageStoreClosedError extends Error {
  override readonly name = 'MessageStoreClosedError';

  constructor(
    readonly store: string,
    readonly operation: string,
  ) {
    super(`Message Storage ${store} is closed (${operation})`);
  }
}
