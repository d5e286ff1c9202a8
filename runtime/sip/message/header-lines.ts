import type { HeaderSpelling } from './header-registry.js';
import { latin1 } from './message-bytes.js';
import { SipHeaderField } from './sip-headers.js';

/**
 * The header lines of a laid-out message (message-layout.ts): their names
 * and where their values lie in the message's bytes. A value is cut from the
 * bytes, and a line made into a {@link SipHeaderField}, when first read, then
 * kept: an engine reads a few headers of each message, some of them twice.
 *
 * Each value is a string of its own rather than a slice of the whole header
 * section's text: the few values an engine reads are about half that text,
 * no text is made for the lines nobody reads, and a value kept (a dialog's
 * From) keeps no other part of its message alive.
 * @internal
 */
export class HeaderLines {
  /** What was made of each line so far: its value, or its field once one was asked for. */
  #made: (string | SipHeaderField | undefined)[] | undefined = undefined;

  constructor(
    /** The message's bytes (its header section is ASCII: one character per byte). */
    private readonly bytes: Uint8Array,
    /** Per line from `at`: the spelling id, the start and the end of the value. */
    private readonly numbers: Int32Array,
    private readonly at: number,
    readonly count: number,
    private readonly spellings: readonly HeaderSpelling[],
  ) {}

  private spelling(i: number): HeaderSpelling {
    return this.spellings[this.numbers[this.at + 3 * i] ?? 0] as HeaderSpelling;
  }

  /** The lookup key of line `i`. */
  key(i: number): string {
    return this.spelling(i).info.key;
  }

  /** The value of line `i`. */
  value(i: number): string {
    const made = this.#made?.[i];
    if (made !== undefined) return typeof made === 'string' ? made : made.value;
    const at = this.at + 3 * i;
    // An ASCII value on one line: its bytes are the value (what parseMessage slices).
    const value = latin1(this.bytes, this.numbers[at + 1] ?? 0, this.numbers[at + 2] ?? 0);
    (this.#made ??= new Array<string | SipHeaderField | undefined>(this.count))[i] = value;
    return value;
  }

  /** The parsed form cached on line `i`'s field, undefined when it has no field yet. */
  parsed(i: number): unknown {
    const made = this.#made?.[i];
    return made instanceof SipHeaderField ? made.parsed : undefined;
  }

  /** Line `i` as a field (the same field each time: it caches its parsed form). */
  field(i: number): SipHeaderField {
    const made = this.#made?.[i];
    if (made instanceof SipHeaderField) return made;
    const spelling = this.spelling(i);
    const field = new SipHeaderField(spelling.spelling, spelling.info.key, this.value(i));
    (this.#made as (string | SipHeaderField | undefined)[])[i] = field;
    return field;
  }

  /** Every line as a field, in order. */
  fields(): SipHeaderField[] {
    const out: SipHeaderField[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.field(i));
    return out;
  }
}
