/** A session store operation that its contents forbid (duplicate or missing session id). */
export class SessionStoreError extends Error {
  override readonly name = 'SessionStoreError';
  constructor(
    message: string,
    /** The role whose store it is (e.g. "b2bua", "proxy"). */
    readonly role: string,
    /** The session id concerned. */
    readonly sessionId: string,
  ) {
    super(message);
  }
}
