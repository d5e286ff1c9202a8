/**
 * Copies of event payloads. The reader's window is reused chunk after
 * chunk, so each event keeps a copy of its bytes; copying each into a buffer
 * of its own costs an allocation outside the heap per message. Copies are
 * instead cut from shared slabs: a consumer that keeps one message's bytes
 * keeps at most one slab alive with them.
 */

/** Bytes per slab: small enough that a message kept long pins little, large enough for dozens of messages. */
const SLAB = 16 * 1024;

/** Hands out copies of byte ranges, each a view of a shared slab. */
export class PayloadCopies {
  private slab = new Uint8Array(0);
  private used = 0;

  /** A copy of `bytes` that stays valid whatever happens to the buffer they are a view of. */
  copy(bytes: Uint8Array): Uint8Array {
    const n = bytes.length;
    // Larger than a quarter slab (a TCP stream's big message): a buffer of its own.
    if (n > SLAB / 4) return bytes.slice();
    if (this.used + n > this.slab.length) {
      this.slab = new Uint8Array(SLAB);
      this.used = 0;
    }
    const out = this.slab.subarray(this.used, this.used + n);
    out.set(bytes);
    this.used += n;
    return out;
  }
}
