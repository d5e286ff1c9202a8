/**
 * Whether any instance waiting for a new dialog could take a message at all. A message of a new
 * dialog is asked about every waiting instance, in the order they came to wait, and most are
 * ruled out by the ends of the steps it could take (ConformanceChecker.cannotJoin: an end bound
 * to another address). A message that starts a session is ruled out by every one of them, and
 * with thousands of sessions in flight that was thousands of tests per session (the benchmark's
 * capture with 10,000 in flight: 224 million).
 *
 * Here the ends of every waiting instance are counted per kind of message (a join mode and a
 * list of candidate steps): per sender address, the pairs that name one; per receiver address,
 * those that name no sender; and the instances whose ends rule out nothing. A message from `src`
 * to `dst` may be taken only if one of these counts is above zero; otherwise no waiting instance
 * is asked. An instance's ends change with its revision (Instance.changed): each change of a
 * waiting instance is noted, and its ends are counted again before the next message is asked
 * about, so the counts are those of the instances as they stand.
 */
import type { ExpectedMessage } from './expected.js';
import type { Instance, JoinEnds } from './instance.js';

/** The join modes that ask every waiting instance. */
export type WaitingMode = 'required' | 'causal';

/** The ends of one kind of message over the waiting instances. */
interface Kind {
  readonly mode: WaitingMode;
  readonly steps: readonly ExpectedMessage[];
  /** Pairs naming a sender, by the sender's address. */
  readonly bySender: Map<string, number>;
  /** Pairs naming no sender, by the receiver's address. */
  readonly byReceiver: Map<string, number>;
  /** Instances whose ends rule out nothing (a step with both ends free). */
  anything: number;
  /** The ends each instance is counted with. */
  readonly counted: Map<Instance, JoinEnds>;
}

function add(at: Map<string, number>, ip: string, n: number): void {
  const now = (at.get(ip) ?? 0) + n;
  if (now === 0) at.delete(ip);
  else at.set(ip, now);
}

function count(kind: Kind, ends: JoinEnds, n: 1 | -1): void {
  if (ends === null) {
    kind.anything += n;
    return;
  }
  for (let i = 0; i < ends.length; i += 2) {
    const from = ends[i];
    if (from !== undefined) add(kind.bySender, from, n);
    else add(kind.byReceiver, ends[i + 1] as string, n);
  }
}

function sameEnds(a: JoinEnds, b: JoinEnds): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class AwaitingEnds {
  private readonly kinds: Kind[] = [];
  /** Waiting instances changed since their ends were last counted (a repeat is harmless). */
  private readonly changed: Instance[] = [];

  /**
   * @param awaiting the waiting instances (the engine's set)
   * @param endsOf an instance's ends for a kind as it stands (its memo, made when unknown)
   */
  constructor(
    private readonly awaiting: ReadonlySet<Instance>,
    private readonly endsOf: (
      inst: Instance,
      steps: readonly ExpectedMessage[],
      mode: WaitingMode,
    ) => JoinEnds,
  ) {}

  /** Notes a change of `inst` while it waits, or that it has come to wait. */
  note(inst: Instance): void {
    if (this.kinds.length === 0) return;
    const changed = this.changed;
    if (changed[changed.length - 1] !== inst) changed.push(inst);
  }

  /** Takes a closed, replaced or no longer waiting instance out of the counts. */
  leave(inst: Instance): void {
    for (const kind of this.kinds) {
      const ends = kind.counted.get(inst);
      if (ends === undefined) continue;
      count(kind, ends, -1);
      kind.counted.delete(inst);
    }
  }

  /**
   * False when no waiting instance can take a message from `src` to `dst` of candidate steps
   * `steps` in `mode`: each rules it out by its ends. True when one may (it is then asked).
   */
  mayTake(mode: WaitingMode, steps: readonly ExpectedMessage[], src: string, dst: string): boolean {
    const kind = this.kindOf(mode, steps);
    this.recount();
    return kind.anything > 0 || kind.bySender.has(src) || kind.byReceiver.has(dst);
  }

  private kindOf(mode: WaitingMode, steps: readonly ExpectedMessage[]): Kind {
    for (const k of this.kinds) if (k.steps === steps && k.mode === mode) return k;
    // A kind asked about for the first time counts every waiting instance.
    this.recount();
    const kind: Kind = {
      mode,
      steps,
      bySender: new Map(),
      byReceiver: new Map(),
      anything: 0,
      counted: new Map(),
    };
    this.kinds.push(kind);
    for (const inst of this.awaiting) this.countAgain(kind, inst);
    return kind;
  }

  /** Counts the instances changed since the last message again, in every kind. */
  private recount(): void {
    const changed = this.changed;
    if (changed.length === 0) return;
    for (const kind of this.kinds) for (const inst of changed) this.countAgain(kind, inst);
    changed.length = 0;
  }

  private countAgain(kind: Kind, inst: Instance): void {
    const before = kind.counted.get(inst);
    if (!this.awaiting.has(inst)) {
      if (before !== undefined) count(kind, before, -1);
      kind.counted.delete(inst);
      return;
    }
    const ends = this.endsOf(inst, kind.steps, kind.mode);
    // Most changes (a response matched in a dialog the instance holds) leave its ends as they were.
    if (before !== undefined && sameEnds(before, ends)) return;
    if (before !== undefined) count(kind, before, -1);
    count(kind, ends, 1);
    kind.counted.set(inst, ends);
  }
}
