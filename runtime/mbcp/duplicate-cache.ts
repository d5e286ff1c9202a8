import type { MbcpAddress } from './mbcp-endpoint-types.js';

/**
 * Remembers received messages that asked for an Acknowledgement, with the
 * Acknowledgement sent for each. MBCP carries no sequence number, so the same
 * bytes from the same peer within the window are the sender's retransmission
 * of one message, not a new one.
 */
export class DuplicateCache {
  private readonly entries = new Map<string, { readonly expires: number; readonly ack: Buffer }>();

  constructor(private readonly windowMs: number) {}

  /** The Acknowledgement already sent for these bytes from `remote`, if they are a duplicate. */
  lookup(remote: MbcpAddress, bytes: Buffer, now: number): Buffer | undefined {
    this.expire(now);
    return this.entries.get(DuplicateCache.id(remote, bytes))?.ack;
  }

  /** Records a first reception and the Acknowledgement sent for it. */
  remember(remote: MbcpAddress, bytes: Buffer, ack: Buffer, now: number): void {
    this.entries.set(DuplicateCache.id(remote, bytes), { expires: now + this.windowMs, ack });
  }

  /** How many receptions are remembered (for leak checks). */
  get size(): number {
    return this.entries.size;
  }

  private expire(now: number): void {
    for (const [id, entry] of this.entries) if (entry.expires <= now) this.entries.delete(id);
  }

  private static id(remote: MbcpAddress, bytes: Buffer): string {
    return `${remote.address}|${remote.port}|${bytes.toString('hex')}`;
  }
}
