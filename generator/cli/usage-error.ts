/** A command failed for a reason the user must fix (bad path, unreadable input): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
