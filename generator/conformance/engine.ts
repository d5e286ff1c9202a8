/**
 * The conformance engine, shared by generated tests, live runs and
 * captures: observed messages stream in (in wire order); instances of the
 * flow are found, their dialogs joined (B2BUA legs with different Call-IDs
 * through the flow's structure and the participants' addresses, with the
 * evidence), and each instance gets a verdict per step. Memory stays
 * bounded: an instance is finished once it has been idle for a while of
 * capture time, and only compact dialog summaries are kept per Call-ID.
 */
import {
  addressMatches,
  formatAddress,
  type AddressSpec,
  type WireEndpoint,
} from './address-map.js';
import { AddressIndex } from './address-index.js';
import { AwaitingEnds, type WaitingMode } from './awaiting-ends.js';
import { RecentKeys } from './recent-keys.js';
import {
  endsDialoglessTransaction,
  newSummary,
  updateSummary,
  type DialogSummary,
} from './dialog-summary.js';
import type { ExpectedFlow, ExpectedMessage } from './expected.js';
import { withFacts } from './expected.js';
import {
  Instance,
  JOINED_AFTER,
  JOINED_ALREADY,
  JOINED_AT,
  JOINED_START,
  slot,
  type JoinEnds,
  UNKNOWN_ENDS,
} from './instance.js';
import { LoggedMessage } from './logged-message.js';
import { seconds, summarize, type ObservedMessage } from './observed.js';
import { ParticipantBindings } from './participants.js';
import {
  MAX_NOT_STARTED_LISTED,
  type ConformanceReport,
  type InsideHopReport,
  type InstanceReport,
  type NotStartedReport,
} from './report.js';
import type { FieldDiff } from './values.js';
import { AltStructure, instancePasses, instanceVerdict } from './verdict.js';
import { ABSENT } from './values.js';
import { StepPlacement } from './placement.js';

/** Options of a conformance check. */
export interface ConformanceOptions {
  /** Participant addresses; participants left out are inferred from the traffic. */
  readonly map?: ReadonlyMap<string, readonly AddressSpec[]>;
  /**
   * Capture seconds without traffic after which an unfinished instance is given up (default 300:
   * a call may stay quiet long between its INVITE and its BYE).
   */
  readonly idleSeconds?: number;
  /** Name of the capture, for the report. */
  readonly capture?: string | null;
  /** Dialog summaries kept for Call-IDs not (yet) in an instance (default 100000, oldest dropped first). */
  readonly maxPendingDialogs?: number;
  /**
   * Capture seconds an instance that has every mandatory step is kept open for late
   * retransmissions and optional steps (default 4, never more than idleSeconds).
   */
  readonly completeGraceSeconds?: number;
  /** Passing instances listed in full (default unlimited); failing ones always are. */
  readonly maxPassingListed?: number;
  /**
   * Open instances kept at most while some are complete (default 1000): beyond it the oldest
   * complete ones are finished before their grace time is over, so memory does not grow with
   * the capture's rate. At 1000, complete instances are kept their whole grace time up to 250
   * new sessions a second.
   */
  readonly maxOpenInstances?: number;
  /**
   * Instances that still lack a mandatory step kept open at most (default 10,000): the sessions
   * in flight at one time. Beyond it the oldest is finished early (its missing steps reported,
   * its later messages late) and counted in `stats.finishedEarly`.
   */
  readonly maxInFlight?: number;
  /**
   * Receives each listed instance's report as soon as its instance is finished, instead of the
   * report's `instances` (which then stays empty): a caller that stores them elsewhere (on disk)
   * keeps memory bounded whatever the capture's size. Reports come in finishing order.
   */
  readonly onInstance?: (report: InstanceReport) => void;
  /**
   * The case's facts by the name the flow's guards use (`policy.allowOfflineStorage`,
   * `participant.mode`, `session.iwfCount`): a value's `when:` they make true is required, one
   * they make false is not checked; one they leave open does not require the value.
   */
  readonly facts?: ReadonlyMap<string, string | number | boolean>;
}

/**
 * How a message of a new dialog may join an instance: `required`, a step outside opt and loop
 * fragments whose predecessor in the drawn order is matched; `anchored`, a step of an opt or
 * loop whose ends the instance knows; `causal`, like `required` with a causal predecessor matched
 * (a B2BUA's BYE on its other leg before its 200 on the first, RFC 3261 16); `optional`, any
 * step of an opt or loop; `early`, before its predecessors (reported out of order).
 */
type JoinMode = 'required' | 'anchored' | 'causal' | 'optional' | 'early';

/** Iterations to try for a step of a group the instance has not bound: a new one (-1), or none. */
const NEW_ITERATION: readonly number[] = [-1];
const NONE: readonly number[] = [];
/** The groups of a dialog the instance does not hold. */
const NO_GROUPS: readonly number[] = [];

/** Dialogs whose hops inside participants wait for an instance, at most (oldest dropped first). */
const MAX_INSIDE_WAITING = 10_000;

/** Dialogs whose first messages that started no instance are held for one (oldest dropped first). */
const MAX_HELD_DIALOGS = 1000;

/** Such messages held per dialog at most (retransmissions of one first message, say). */
const MAX_HELD_PER_DIALOG = 16;

/** A message that resembled a start step but differed in a normative value (see {@link seed}). */
interface NearStart {
  readonly o: ObservedMessage;
  /** Its dialog's state as it stood before the message (what its values are checked against). */
  readonly before?: DialogSummary;
  readonly step: string;
  readonly diffs: readonly FieldDiff[];
}

/** The passes of {@link ConformanceChecker.feedPlace}: ready steps, any step, a loose fit. */
const PASS_READY = 0;
const PASS_LOOSE = 2;

/** A step a message fits in an instance (in iteration `it`), and whether its dialog took it there. */
interface Fit {
  readonly m: ExpectedMessage;
  readonly it: number;
  readonly viaCallId: boolean;
}

/** Replays tried per message that no operand the instance took can place. */
const MAX_REPLAYS = 12;

/** A replay: the rebuilt instance, or where it failed. */
interface ReplayResult {
  readonly instance?: Instance;
  readonly failedIn?: Instance;
  readonly failedOn?: ObservedMessage;
}

/**
 * Per step an opened loop iteration is without, its sender's and receiver's bound addresses, in
 * pairs: one flat list, no pair made.
 */
type WaitingEnds = readonly (string | undefined)[];

/** Ends of no step (shared: most memos have none). */
const NO_ENDS: readonly (string | undefined)[] = [];

/** True when some pair of `ends` (sender, receiver; undefined for free) admits `src` to `dst`. */
function endsAdmit(ends: readonly (string | undefined)[], src: string, dst: string): boolean {
  for (let i = 0; i < ends.length; i += 2) {
    const from = ends[i];
    const to = ends[i + 1];
    if ((from === undefined || from === src) && (to === undefined || to === dst)) return true;
  }
  return false;
}

/** A step of an instance a message from a new dialog would take. */
interface JoinPlan {
  readonly inst: Instance;
  readonly m: ExpectedMessage;
  readonly it: number;
}

/** Streams observed messages into instances and verdicts. */
export class ConformanceChecker {
  private readonly people: ParticipantBindings;
  private readonly open = new Set<Instance>();
  /** Open instances that have every mandatory step, oldest first. */
  private readonly complete = new Set<Instance>();
  private readonly byCallId = new Map<string, Instance>();
  private readonly summaries = new Map<string, DialogSummary>();
  private readonly pending = new Map<string, number>();
  /** Call-IDs of finished instances (the latest 100,000), to count their late messages. */
  private readonly closed = new RecentKeys(100_000);
  private readonly finished: InstanceReport[] = [];
  private readonly wireByEvent: readonly ExpectedMessage[];
  private readonly starts: readonly ExpectedMessage[];
  private readonly steps: StepPlacement;
  /** Open instances that still wait for a dialog of a group outside opt and loop fragments. */
  private readonly awaiting = new Set<Instance>();
  /** Groups outside opt and loop fragments (a list: iterated after every message). */
  private readonly requiredGroupList: readonly number[];
  /** Alts the trace must settle: those with no empty operand, outside opt and loop fragments. */
  private readonly unsettledAlts: readonly string[];
  private readonly alts: AltStructure;
  private readonly byAddress = new AddressIndex();
  /** Whether any waiting instance could take a message of a new dialog (see awaiting-ends.ts). */
  private readonly awaitingEnds = new AwaitingEnds(this.awaiting, (inst, steps, mode) =>
    this.joinEndsOf(inst, steps, mode),
  );
  private readonly noteChange = (inst: Instance): void => {
    if (this.awaiting.has(inst)) this.awaitingEnds.note(inst);
  };
  /**
   * Open instances with a loop iteration a dialog of which has not come yet, in the order they
   * came to wait: an instance keeps its place while an iteration of it waits (see
   * {@link joinWaiting}).
   */
  private readonly waitingIterations = new Set<Instance>();
  /** Per loop, the groups every iteration of it has (outside opts nested in the loop), each with a step. */
  private readonly loopGroups = new Map<string, ExpectedMessage[]>();
  /** Per instance and signature's list of steps, {@link fillEnds} as of a revision. */
  private readonly fillMemos = new WeakMap<
    Instance,
    Map<readonly ExpectedMessage[], { revision: number; ends: WaitingEnds }>
  >();
  /** Per instance, the loop iterations each of its dialogs (Call-ID) is bound in. */
  private readonly dialogIterations = new WeakMap<Instance, Map<string, number[]>>();
  private nextId = 0;
  /** True while an instance is rebuilt by {@link replay}: the engine's maps are left alone. */
  private replaying = false;
  private unrelated = 0;
  private late = 0;
  /** Instances finished before their run was over, more than `maxInFlight` being in flight. */
  private finishedEarly = 0;
  private messages = 0;
  private passingListed = 0;
  /** Instances listed (kept in `finished` or handed to `onInstance`). */
  private listed = 0;
  private passingNotListed = 0;
  private failing = 0;
  /**
   * Time of the last sweep, in seconds. Minus zero (equal to zero in every comparison) rather than
   * zero: V8 stores a field first given a small integer as one, and the first capture time with a
   * fraction then changes the checker's hidden class, which throws away every optimised method of
   * the checker in the middle of a run (seen on captures whose first packet is at a whole second).
   * A number that is no small integer makes the field a double from the start.
   */
  private lastSweep = -0;
  /** Messages between two addresses of one participant (see {@link insideOf}). */
  private inside = 0;
  /**
   * Messages that resembled a start step but differed in a normative value, by Call-ID: an
   * instance that joins the dialog later takes them (the other operand of a par started it).
   */
  private readonly held = new Map<string, NearStart[]>();
  /** Call-IDs an instance joined while placing the current message: their held messages follow. */
  private readonly joined: string[] = [];
  /** The start step the last message {@link seed} turned away resembled, with the differences. */
  private nearStart: { step: string; diffs: readonly FieldDiff[] } | undefined;
  private notStarted = 0;
  private readonly notStartedListed: NotStartedReport[] = [];
  /** Hops inside participants of dialogs no instance holds (yet), by Call-ID, oldest first. */
  private readonly insideWaiting = new Map<string, InsideHopReport[]>();
  /** Per IP address, the mapped participants with an address on it. */
  private readonly mappedByIp = new Map<string, string[]>();
  /** Participants the flow draws a message from and to (such a message is a step, not a hop inside). */
  private readonly selfSenders: ReadonlySet<string>;

  constructor(
    private readonly expected: ExpectedFlow,
    private readonly opts: ConformanceOptions = {},
  ) {
    if (opts.facts) this.expected = withFacts(expected, opts.facts);
    this.people = new ParticipantBindings(expected, opts.map ?? new Map());
    this.alts = new AltStructure(expected);
    this.wireByEvent = [...expected.wire].sort((a, b) => a.event - b.event);
    this.starts = this.wireByEvent.filter((m) => (expected.before[m.index] ?? []).length === 0);
    this.steps = new StepPlacement(expected, this.wireByEvent);
    this.requiredGroupList = [
      ...new Set(
        expected.wire
          .filter((m) => m.context.opts.length === 0 && m.context.loop === undefined)
          .map((m) => m.group),
      ),
    ];
    this.unsettledAlts = [...expected.altSizes.keys()].filter(
      (alt) => !this.alts.hasEmptyOperand(alt) && !this.alts.optional(alt),
    );
    for (const [p, specs] of opts.map ?? new Map<string, readonly AddressSpec[]>())
      for (const { ip } of specs) {
        const on = this.mappedByIp.get(ip) ?? [];
        if (!on.includes(p)) on.push(p);
        this.mappedByIp.set(ip, on);
      }
    this.selfSenders = new Set(
      expected.wire.filter((m) => m.from !== undefined && m.from === m.to).map((m) => m.to),
    );
    const depth = new Map<string, number>();
    for (const m of expected.wire) {
      const loop = m.context.loop;
      if (loop !== undefined)
        depth.set(loop, Math.min(depth.get(loop) ?? Infinity, m.context.opts.length));
    }
    for (const m of expected.wire) {
      const loop = m.context.loop;
      if (loop === undefined || m.context.opts.length > (depth.get(loop) ?? 0)) continue;
      const groups = this.loopGroups.get(loop) ?? [];
      if (!groups.some((g) => g.group === m.group)) groups.push(m);
      this.loopGroups.set(loop, groups);
    }
  }

  /**
   * The participant both ends of `o` are addresses of, when the map says so: a hop inside that
   * participant. The procedure flows leave the SIP/IP Cores out (they relay without changing
   * what the procedure sets, RFC 3261 16.6), and a map lists a Core's address with the
   * participant it serves (`pfA: [<PF A>, <Core A>]`); the hop from Core A to PF A is then a
   * message from pfA to pfA, which no step draws. An end that another mapped participant's
   * address also matches is not taken for either.
   */
  private insideOf(o: ObservedMessage): string | undefined {
    if (this.mappedByIp.size === 0) return undefined;
    const from = this.owner(o.src);
    if (from === undefined || this.selfSenders.has(from)) return undefined;
    return this.owner(o.dst) === from ? from : undefined;
  }

  /** The one mapped participant an endpoint is an address of; undefined for none or several. */
  private owner(e: WireEndpoint): string | undefined {
    const on = this.mappedByIp.get(e.ip);
    if (on === undefined) return undefined;
    let found: string | undefined;
    for (const p of on) {
      if (!addressMatches(this.opts.map?.get(p) ?? [], e)) continue;
      if (found !== undefined) return undefined;
      found = p;
    }
    return found;
  }

  /**
   * Counts a hop inside a participant, and lists it in the instance its dialog belongs to; a hop
   * of a dialog no instance holds yet waits for one to join it (B2BUA's other leg: PF A's BYE to
   * Core A comes before Core A relays it as the step).
   */
  private noteInside(o: ObservedMessage, participant: string): void {
    this.inside++;
    const callId = o.sip?.headers.get('call-id')?.trim();
    if (callId === undefined) return;
    const hop: InsideHopReport = {
      frame: o.frame,
      participant,
      summary: `${summarize(o)} ${formatAddress(o.src)} -> ${formatAddress(o.dst)}`,
    };
    const inst = this.byCallId.get(callId);
    if (inst !== undefined) {
      inst.touch(o);
      (inst.inside ??= []).push(hop);
      return;
    }
    if (this.closed.has(callId)) return;
    const waiting = this.insideWaiting.get(callId);
    if (waiting) waiting.push(hop);
    else {
      this.insideWaiting.set(detached(callId), [hop]);
      if (this.insideWaiting.size > MAX_INSIDE_WAITING)
        this.insideWaiting.delete(this.insideWaiting.keys().next().value as string);
    }
  }

  /** Lists in `inst` the hops inside participants of a dialog it has just joined. */
  private adoptInside(inst: Instance, callId: string): void {
    const waiting = this.insideWaiting.get(callId);
    if (waiting === undefined) return;
    this.insideWaiting.delete(callId);
    inst.inside = [...(inst.inside ?? []), ...waiting].sort((a, b) => a.frame - b.frame);
  }

  /** Re-evaluates whether an instance still waits for dialogs, and whether it is complete. */
  private update(inst: Instance, now: number): void {
    let waiting = false;
    for (const g of this.requiredGroupList) {
      if (inst.iterationsOf(g).length === 0) {
        waiting = true;
        break;
      }
    }
    if (this.replaying) {
      // A replayed instance joins the sets only when it replaces the original.
    } else if (waiting) {
      if (!this.awaiting.has(inst)) {
        this.awaiting.add(inst);
        this.awaitingEnds.note(inst);
      }
    } else if (this.awaiting.delete(inst)) this.awaitingEnds.leave(inst);
    if (inst.completeAt === undefined && this.hasMandatory(inst) && this.altsSettled(inst)) {
      inst.completeAt = now;
      this.complete.add(inst);
    }
  }

  /** True when every mandatory step is matched (asked after every message until it is). */
  private hasMandatory(inst: Instance): boolean {
    for (const i of this.expected.mandatory) if (!inst.matches.has(slot(i, 0))) return false;
    return true;
  }

  /**
   * An alt is settled when the trace chose an operand, when it may leave no trace (an empty
   * operand, inside an opt or loop: {@link settledAlts}), or when an enclosing alt took another
   * operand.
   */
  private altsSettled(inst: Instance): boolean {
    for (const alt of this.unsettledAlts) {
      if (this.steps.altHasMatch(inst, alt)) continue;
      if (this.alts.enclosing(alt).some((a) => this.steps.operandExcluded(inst, a))) continue;
      return false;
    }
    return true;
  }

  /** Feeds one observed message (in wire order). */
  push(o: ObservedMessage): void {
    this.messages++;
    const now = seconds(o.time);
    if (now - this.lastSweep > 1) {
      this.sweep(now);
      this.lastSweep = now;
    }
    const inside = this.insideOf(o);
    if (inside !== undefined) {
      this.noteInside(o, inside);
      return;
    }
    let callId = o.sip?.headers.get('call-id')?.trim();
    let summary: DialogSummary | undefined;
    if (o.sip && callId) {
      summary = this.summaries.get(callId);
      if (!summary) {
        summary = newSummary(detached(callId));
        this.summaries.set(summary.callId, summary);
      }
      // From here on the dialog's own copy: a Call-ID read from a message is a slice of that
      // message's text, which every map keyed by it would otherwise keep alive.
      callId = summary.callId;
    }
    this.place(o, callId);
    if (this.joined.length > 0) this.takeHeld();
    // A message is checked against the state stored before it ("the CSeq value that was stored
    // ... incremented by one", TS 24.229 5.4.5.1.2; RFC 3261 12.2.1.1), then updates it.
    if (summary && o.sip) {
      updateSummary(summary, o.sip);
      if (endsDialoglessTransaction(summary, o.sip)) this.forget(summary.callId);
    }
  }

  /**
   * Counts the messages of a Call-ID that no instance took as unrelated and forgets its summary,
   * once its transaction is over and made no dialog (an OPTIONS keepalive, a REGISTER refresh):
   * the summaries kept stay those of dialogs, not one per keepalive of a busy capture.
   */
  private forget(callId: string): void {
    const n = this.pending.get(callId);
    if (n === undefined || this.held.has(callId)) return;
    this.unrelated += n;
    this.pending.delete(callId);
    this.summaries.delete(callId);
  }

  private place(o: ObservedMessage, callId: string | undefined): void {
    if (callId !== undefined) {
      const bound = this.byCallId.get(callId);
      if (bound) {
        bound.touch(o);
        this.feed(bound, o, callId);
        return;
      }
      if (this.closed.has(callId)) {
        this.late++;
        return;
      }
    }
    if (this.joinBest(this.awaiting, o, callId, 'required')) return;
    // A dialog of an opt or loop whose ends the instance already knows belongs to it rather than
    // starting an instance of its own (a PoC Server X releasing each participant, Figure 16 step 12).
    // Only instances that already exchanged messages with the sender's address can be anchored
    // or reinterpreted for it: the index keeps both linear in those, not in all open instances.
    const near = this.byAddress.near(o.src.ip);
    if (this.joinBest(near, o, callId, 'anchored')) return;
    for (const inst of near)
      if (inst.altMatches > 0 && this.reinterpretFor(inst, o, callId)) return;
    if (this.joinBest(this.awaiting, o, callId, 'causal')) return;
    this.nearStart = undefined;
    if (this.start(o, callId)) return;
    if (this.nearStart !== undefined) {
      this.hold(o, callId, this.nearStart);
      return;
    }
    if (this.joinBest(this.open, o, callId, 'optional')) return;
    // Last resort: a message that fits an instance but comes before its predecessors (reported out of order).
    if (this.joinBest(this.open, o, callId, 'early')) return;
    if (callId) {
      this.pending.set(callId, (this.pending.get(callId) ?? 0) + 1);
      this.limitPending();
    } else this.unrelated++;
  }

  /**
   * Keeps a message that resembled a start step but differed from it in a normative value: it
   * counts as unrelated unless an instance joins its dialog later and takes it.
   */
  private hold(o: ObservedMessage, callId: string | undefined, near: Omit<NearStart, 'o'>): void {
    if (callId === undefined) {
      this.unrelated++;
      this.noteNotStarted({ o, ...near });
      return;
    }
    this.pending.set(callId, (this.pending.get(callId) ?? 0) + 1);
    this.limitPending();
    const summary = this.summaries.get(callId);
    const before = summary && { ...summary, recordRoute: [...summary.recordRoute] };
    const list = this.held.get(callId);
    if (list && list.length >= MAX_HELD_PER_DIALOG) this.noteNotStarted({ o, ...near });
    else if (list) list.push({ o, before, ...near });
    else this.held.set(callId, [{ o, before, ...near }]);
    if (this.held.size > MAX_HELD_DIALOGS) {
      const oldest = this.held.keys().next().value as string;
      for (const x of this.held.get(oldest) ?? []) this.noteNotStarted(x);
      this.held.delete(oldest);
    }
  }

  /** Counts (and lists the first) messages that started no instance for a normative difference. */
  private noteNotStarted(x: NearStart): void {
    this.notStarted++;
    const listed = this.notStartedListed;
    const entry = { frame: x.o.frame, step: x.step, summary: summarize(x.o), diffs: x.diffs };
    if (listed.length < MAX_NOT_STARTED_LISTED) {
      listed.push(entry);
      return;
    }
    // The earliest frames are listed: a later one replaces the latest listed only if earlier.
    let latest = 0;
    for (let i = 1; i < listed.length; i++)
      if ((listed[i]?.frame ?? 0) > (listed[latest]?.frame ?? 0)) latest = i;
    if ((listed[latest]?.frame ?? 0) > entry.frame) listed[latest] = entry;
  }

  /** Feeds held messages of the dialogs instances joined to those instances, in wire order. */
  private takeHeld(): void {
    for (const callId of this.joined.splice(0)) {
      const list = this.held.get(callId);
      const inst = this.byCallId.get(callId);
      if (!list || !inst) continue;
      this.held.delete(callId);
      const now = this.summaries.get(callId);
      for (const x of list) {
        // Checked against the dialog as it stood before the message, as every message is.
        if (x.before) this.summaries.set(callId, x.before);
        // Taken only by a step (a par operand's start, with its differences); otherwise it
        // stays what it was: unrelated, and not an unexpected message of the instance.
        if (this.feedPlace(inst, x.o, callId)) {
          inst.remember(x.o, callId);
          this.index(inst, x.o);
          inst.touch(x.o);
        } else {
          this.unrelated++;
          this.noteNotStarted(x);
        }
      }
      if (now) this.summaries.set(callId, now);
    }
  }

  /** Notes that `inst` exchanged `o` (unless replaying: a replay is indexed when it is taken). */
  private index(inst: Instance, o: ObservedMessage): void {
    if (!this.replaying) this.byAddress.add(inst, o.src.ip, o.dst.ip);
  }

  /** Finishes every instance and returns the report. */
  finish(): ConformanceReport {
    for (const inst of [...this.open]) this.close(inst);
    for (const list of this.held.values()) for (const x of list) this.noteNotStarted(x);
    this.held.clear();
    for (const n of this.pending.values()) this.unrelated += n;
    this.pending.clear();
    const instances = [...this.finished].sort((a, b) => a.firstFrame - b.firstFrame);
    return {
      flow: this.expected.flow.id,
      capture: this.opts.capture ?? null,
      verdict: this.failing === 0 && this.listed + this.passingNotListed > 0 ? 'pass' : 'fail',
      instances,
      unrelated: this.unrelated + this.late,
      notStarted: this.notStartedListed.sort((a, b) => a.frame - b.frame),
      mapping: this.people.report(),
      stats: {
        messages: this.messages,
        instances: this.listed + this.passingNotListed,
        passing: this.passingListed + this.passingNotListed,
        failing: this.failing,
        passingNotListed: this.passingNotListed,
        lateMessages: this.late,
        finishedEarly: this.finishedEarly,
        insideParticipants: this.inside,
        notStarted: this.notStarted,
      },
    };
  }

  private limitPending(): void {
    const max = this.opts.maxPendingDialogs ?? 100_000;
    while (this.pending.size > max) {
      const oldest = this.pending.keys().next().value as string;
      this.unrelated += this.pending.get(oldest) ?? 0;
      this.pending.delete(oldest);
      this.summaries.delete(oldest);
    }
  }

  private sweep(now: number): void {
    const idle = this.opts.idleSeconds ?? 300;
    const grace = Math.min(idle, this.opts.completeGraceSeconds ?? 4);
    for (const inst of [...this.open]) {
      const quiet = now - inst.lastActivity;
      if (quiet > idle || (inst.completeAt !== undefined && quiet > grace)) this.close(inst);
      // Open a second and more: its kept bytes move into a buffer of its own (MessageLog.compact).
      else if (now - inst.startedAt > 1) inst.log?.compact();
    }
  }

  /**
   * Finishes the oldest complete instances once more than `maxOpenInstances` are open, and the
   * oldest incomplete ones once more than `maxInFlight` are: an incomplete instance is finished
   * only when that many sessions are in flight at once, never for the capture's rate.
   */
  private limitOpen(): void {
    const max = this.opts.maxOpenInstances ?? 1000;
    if (this.open.size > max)
      for (const inst of this.complete) {
        if (this.open.size <= max) break;
        this.close(inst);
      }
    const inFlight = this.opts.maxInFlight ?? 10_000;
    if (this.open.size - this.complete.size <= inFlight) return;
    for (const inst of this.open) {
      if (this.open.size - this.complete.size <= inFlight) return;
      if (inst.completeAt !== undefined) continue;
      this.finishedEarly++;
      this.close(inst);
    }
  }

  private feed(inst: Instance, o: ObservedMessage, callId: string): void {
    if (inst.retransmission(o) || this.feedPlace(inst, o, callId)) {
      inst.remember(o, callId);
      this.index(inst, o);
      return;
    }
    if (!this.replaying && this.reinterpretFor(inst, o, callId)) return;
    if (!this.replaying && this.endsInstance(inst, o)) {
      // The instance is finished first; the request is then placed like any message outside it
      // (it may start or join another instance, or be unrelated), its dialog's state kept.
      const summary = this.summaries.get(callId);
      this.close(inst);
      this.closed.delete(callId);
      if (summary) this.summaries.set(callId, summary);
      this.place(o, callId);
      return;
    }
    inst.remember(o, callId);
    inst.noteUnexpected(o);
  }

  /**
   * True for a new request that no step took in an instance that has every mandatory step: a
   * later transaction of one of its dialogs (PoC Figure 19's BYE after the establishment's
   * ACK), not part of this run. Retransmissions were counted before this is asked; responses,
   * and ACK (part of its INVITE's exchange, RFC 3261 13.2.2.4 and 17.1.1.3), never end one.
   */
  private endsInstance(inst: Instance, o: ObservedMessage): boolean {
    return inst.completeAt !== undefined && o.sip?.kind === 'request' && o.sip.method !== 'ACK';
  }

  /** Places a message of a dialog the instance holds; false when no step takes it. */
  private feedPlace(inst: Instance, o: ObservedMessage, callId: string): boolean {
    const groups = inst.callIds.get(callId) ?? NO_GROUPS;
    // Passes: a step whose predecessors are matched; then any step of the signature (it will be
    // reported out of order); then a step the message only resembles (reported as a mismatch).
    for (let pass = PASS_READY; pass <= PASS_LOOSE; pass++) {
      const loose = pass === PASS_LOOSE;
      // Steps the message fits; among several (par operands, both ends already known), the one
      // whose values it carries (the S-CSCF's BYE to the calling user is item 2, not item 1).
      // The first fit in locals: a second one (rare) makes the list.
      let firstM: ExpectedMessage | undefined;
      let firstIt = 0;
      let firstViaCallId = false;
      let more: Fit[] | undefined;
      for (const m of loose ? this.wireByEvent : this.steps.candidates(o)) {
        if (this.steps.excluded(inst, m)) continue;
        const its = inst.iterationsOf(m.group);
        const viaCallId = groups.includes(m.group);
        // A dialog of a loop stays in the iterations it is bound in (not the group's first free
        // one: another dialog of the group may be bound in an earlier iteration of the instance).
        // In-dialog groups (e.g. NOTIFYs of a REFER's implicit subscription) share the Call-ID of the instance.
        const candidates = viaCallId
          ? m.context.loop === undefined
            ? its
            : (this.dialogIterations.get(inst)?.get(callId) ?? its)
          : its.length === 0 && !loose
            ? NEW_ITERATION
            : NONE;
        for (const cand of candidates) {
          const it = cand === -1 ? this.steps.peekIteration(inst, m) : cand;
          if (inst.matches.has(slot(m.index, it))) continue;
          if (pass === PASS_READY && !this.steps.ready(inst, m, it)) continue;
          if (!inst.fits(m, o, it, this.people, loose)) continue;
          if (firstM === undefined) {
            firstM = m;
            firstIt = it;
            firstViaCallId = viaCallId;
          } else
            (more ??= [{ m: firstM, it: firstIt, viaCallId: firstViaCallId }]).push({
              m,
              it,
              viaCallId,
            });
          break;
        }
        if (loose && firstM !== undefined) break;
      }
      if (firstM === undefined) continue;
      const chosen =
        more?.find((f) => inst.valueDiffs(f.m, f.it, o, this.summaries).length === 0) ?? more?.[0];
      const m = chosen?.m ?? firstM;
      const it = chosen?.it ?? firstIt;
      const viaCallId = chosen?.viaCallId ?? firstViaCallId;
      inst.record(m, it, o, this.summaries, loose);
      inst.bindEnds(m, o, it, this.people);
      if (!viaCallId) inst.evidence.join(callId, JOINED_ALREADY, m, o.frame);
      this.bindDialog(inst, m, it, callId);
      this.update(inst, seconds(o.time));
      return true;
    }
    return false;
  }

  /**
   * Alt operands are chosen by the trace (Z.120 alt): when a message fits a step of another
   * operand than the one an instance took (Figure 19's BYEs look like Figure 18's until the MBCP
   * Disconnect; a PF's BYE from its client starts the proxy and the B2BUA case alike), the
   * instance is replayed with the operand it took banned, and the replay replaces it when it
   * places every message it had and this one too. Returns true when the message was placed so.
   */
  private reinterpretFor(inst: Instance, o: ObservedMessage, callId: string | undefined): boolean {
    if (inst.log === undefined) return false;
    // Breadth first over the operands to rule out: a replay that fails on a message may call for
    // ruling out one more (Figure 10's PF: not the proxy case, then not the client's BYE either).
    const queue = [...this.steps.conflicts(inst, o, this.people)].map(
      (c) => new Set([...inst.banned, c]),
    );
    for (let attempts = 0; attempts < MAX_REPLAYS; attempts++) {
      const banned = queue.shift();
      if (!banned) return false;
      const r = this.replay(inst, banned, o, callId);
      if (r.failedIn && r.failedOn) {
        for (const c of this.steps.conflicts(r.failedIn, r.failedOn, this.people))
          if (!banned.has(c)) queue.push(new Set([...banned, c]));
        continue;
      }
      const replay = r.instance;
      if (!replay) continue;
      this.open.delete(inst);
      this.complete.delete(inst);
      if (this.awaiting.delete(inst)) this.awaitingEnds.leave(inst);
      this.byAddress.remove(inst);
      this.waitingIterations.delete(inst);
      if (this.awaitsLoopDialog(replay)) this.waitingIterations.add(replay);
      this.open.add(replay);
      // Hops inside participants take no step: the replay keeps those of the instance it replaces.
      replay.inside = inst.inside;
      for (const entry of replay.log?.entries ?? []) this.byAddress.add(replay, ...entry.ips);
      for (const id of replay.callIds.keys()) {
        this.byCallId.set(id, replay);
        this.pending.delete(id);
        this.adoptInside(replay, id);
        if (this.held.has(id)) this.joined.push(id);
      }
      this.update(replay, seconds(o.time));
      return true;
    }
    return false;
  }

  /** The instance rebuilt from its messages and `o` with `banned` operands; undefined when one does not fit. */
  private replay(
    inst: Instance,
    banned: ReadonlySet<string>,
    o: ObservedMessage,
    callId: string | undefined,
  ): ReplayResult {
    const log = [...(inst.log?.entries ?? []), new LoggedMessage(o, callId)];
    const first = log[0];
    if (!first) return {};
    const start = first.o;
    const fresh = new Instance(inst.id, this.expected, start.frame, seconds(start.time));
    fresh.onChange = this.noteChange;
    for (const b of banned) fresh.ban(b);
    this.replaying = true;
    try {
      if (!this.seed(fresh, start, first.callId)) return {};
      for (const { o: next, callId: id } of log.slice(1)) {
        if (id !== undefined && fresh.callIds.has(id)) {
          const before = fresh.unexpected.length;
          this.feed(fresh, next, id);
          if (fresh.unexpected.length > before) return { failedIn: fresh, failedOn: next };
          continue;
        }
        const modes: JoinMode[] = ['required', 'anchored', 'causal', 'optional', 'early'];
        const plan = modes.map((mode) => this.plan(fresh, next, id, mode)).find((p) => p);
        if (!plan) return { failedIn: fresh, failedOn: next };
        this.commitJoin(plan, next, id);
      }
      return { instance: fresh };
    } finally {
      this.replaying = false;
    }
  }

  /**
   * Joins the message to an instance a step of which it fits. A step outside opt and loop
   * fragments goes to the first (oldest) such instance. A dialog of an opt or loop goes to the
   * instance whose step it follows most recently: on servers that run the flow again and again
   * (PoC Server X releasing each participant, Figure 16 step 12 and Figure 18), a run's releases
   * follow that run's own steps, while an earlier run is still open for late retransmissions.
   */
  private joinBest(
    instances: ReadonlySet<Instance>,
    o: ObservedMessage,
    callId: string | undefined,
    mode: JoinMode,
  ): boolean {
    // No step the message can be: no instance can take it (plan asks those steps only). Most
    // messages of a busy capture that belong to no flow (keepalives, registrations) end here
    // rather than being asked about every open instance in every mode.
    if (this.steps.candidates(o).length === 0) return false;
    if (mode === 'anchored' || mode === 'optional')
      return this.joinLatest(instances, o, callId, mode);
    // A new dialog is asked about every instance waiting for one: most are ruled out by their
    // ends at once, without the call to plan (which asks again for the few that are not).
    const quick = callId !== undefined && (mode === 'required' || mode === 'causal');
    // Asked of every waiting instance: none is when each rules the message out by its ends.
    if (
      quick &&
      instances === this.awaiting &&
      !this.awaitingEnds.mayTake(mode, this.steps.candidates(o), o.src.ip, o.dst.ip)
    )
      return false;
    for (const inst of instances) {
      if (quick && this.cannotJoin(inst, o, mode)) continue;
      const p = this.plan(inst, o, callId, mode);
      if (!p) continue;
      this.commitJoin(p, o, callId);
      return true;
    }
    return false;
  }

  /**
   * Joins the message to the instance whose matched predecessor of the step it takes is the
   * latest (the first of `instances` among equals). Instances are asked latest match first, and
   * no further once none left can have a later predecessor: on a server that runs a loop for
   * every session (PoC Server X releasing each participant), every open instance may take one
   * more iteration, and asking each of a thousand in turn for every release was the whole cost.
   */
  private joinLatest(
    instances: ReadonlySet<Instance>,
    o: ObservedMessage,
    callId: string | undefined,
    mode: JoinMode,
  ): boolean {
    const waiting = this.joinWaiting(instances, o, callId, mode);
    if (waiting !== undefined) {
      this.commitJoin(waiting, o, callId);
      return true;
    }
    // Each instance with its place among `instances`, which breaks ties.
    const order = [...instances].map((inst, at) => ({ inst, at }));
    if (order.length > 1)
      order.sort((a, b) => b.inst.maxMatchedFrame - a.inst.maxMatchedFrame || a.at - b.at);
    let best: JoinPlan | undefined;
    let bestFrame = -1;
    let bestAt = Infinity;
    for (const { inst, at } of order) {
      // Its predecessors are no later than its latest match; frames are each matched once.
      if (best !== undefined && bestFrame >= 0 && inst.maxMatchedFrame <= bestFrame) break;
      const p = this.plan(inst, o, callId, mode);
      if (!p) continue;
      const frame =
        this.steps.latestPredecessorStep(inst, p.m) === undefined
          ? -1
          : this.steps.predecessorFrame;
      if (best === undefined || frame > bestFrame || (frame === bestFrame && at < bestAt)) {
        best = p;
        bestFrame = frame;
        bestAt = at;
      }
    }
    if (best === undefined) return false;
    this.commitJoin(best, o, callId);
    return true;
  }

  /**
   * Where a new dialog of a loop takes an iteration another dialog of the loop already opened:
   * the instance of `instances` that has waited longest for it (whose oldest iteration still
   * without a dialog opened first). Z.120 loops run their iterations in sequence, and a server serves its
   * sessions in the order their triggers came: on a server that releases every participant of
   * session after session (PoC Server X and PoC Server B, Figure 16 step 12 and Figure 18), the
   * second dialog of an iteration (PoC Server B releasing its client after the BYE it received,
   * Figure 18 step 8 after step 4) answers the oldest iteration still without it. Taking the
   * latest instead, the iterations of one session wait behind those of every later one, and on
   * a busy server those of the first ones are never filled. Undefined when the message opens no
   * such iteration; {@link joinLatest} then chooses among new iterations.
   */
  private joinWaiting(
    instances: ReadonlySet<Instance>,
    o: ObservedMessage,
    callId: string | undefined,
    mode: JoinMode,
  ): JoinPlan | undefined {
    for (const inst of this.waitingIterations) {
      if (!instances.has(inst) || !this.mayFillIteration(inst, o)) continue;
      const p = this.plan(inst, o, callId, mode);
      const loop = p?.m.context.loop;
      if (p && loop !== undefined && p.it < (inst.loopIterations.get(loop) ?? 0)) return p;
    }
    return undefined;
  }

  /**
   * False when `o` certainly takes no step of a loop group that an iteration `inst` opened is
   * without: each such step of its kind has an end bound to another address. The quick part of
   * {@link plan}'s test, kept per instance revision like {@link cannotJoin}'s: every new dialog
   * of a busy capture is asked about every instance with such an iteration.
   */
  private mayFillIteration(inst: Instance, o: ObservedMessage): boolean {
    const steps = this.steps.candidates(o);
    let memos = this.fillMemos.get(inst);
    if (memos === undefined) {
      memos = new Map();
      this.fillMemos.set(inst, memos);
    }
    let memo = memos.get(steps);
    if (memo?.revision !== inst.revision) {
      memo = { revision: inst.revision, ends: this.fillEnds(inst, steps) };
      memos.set(steps, memo);
    }
    return endsAdmit(memo.ends, o.src.ip, o.dst.ip);
  }

  /**
   * The ends (bound addresses, or the one IP the map gives; undefined when free or mapped to
   * several) of the steps of `steps` an opened iteration of `inst` is without.
   */
  private fillEnds(inst: Instance, steps: readonly ExpectedMessage[]): WaitingEnds {
    let ends: (string | undefined)[] | undefined;
    const ip = (p: string | undefined, it: number): string | undefined =>
      p === undefined ? undefined : this.people.knownIp(p, inst.bindings, it);
    for (const m of steps) {
      const loop = m.context.loop;
      if (loop === undefined) continue;
      const count = inst.loopIterations.get(loop) ?? 0;
      const its = inst.iterationsOf(m.group);
      if (its.length >= count) continue;
      for (let it = 0; it < count; it++)
        if (!its.includes(it)) (ends ??= []).push(ip(m.from, it), ip(m.to, it));
    }
    return ends ?? NO_ENDS;
  }

  /**
   * Binds `callId`'s dialog to iteration `it` of m's group, notes the iteration per dialog for a
   * loop's group (its later messages stay in that iteration, see {@link feedPlace}), and keeps
   * {@link waitingIterations} up to date.
   */
  private bindDialog(
    inst: Instance,
    m: ExpectedMessage,
    it: number,
    callId: string | undefined,
  ): void {
    const loop = m.context.loop;
    const opens = loop !== undefined && it >= (inst.loopIterations.get(loop) ?? 0);
    this.steps.commitIteration(inst, m, it);
    inst.bindGroup(m.group, it, callId);
    if (loop === undefined) return;
    if (callId !== undefined) {
      let byDialog = this.dialogIterations.get(inst);
      if (byDialog === undefined) {
        byDialog = new Map();
        this.dialogIterations.set(inst, byDialog);
      }
      const its = byDialog.get(callId);
      if (its === undefined) byDialog.set(callId, [it]);
      else if (!its.includes(it)) its.push(it);
    }
    if (this.replaying) return;
    // An instance keeps its place while an older iteration of it still waits.
    if (opens) this.waitingIterations.add(inst);
    else if (this.waitingIterations.has(inst) && !this.awaitsLoopDialog(inst))
      this.waitingIterations.delete(inst);
  }

  /** True when an iteration of a loop the instance opened still lacks a dialog of one of its groups. */
  private awaitsLoopDialog(inst: Instance): boolean {
    for (const [loop, count] of inst.loopIterations) {
      for (const m of this.loopGroups.get(loop) ?? []) {
        if (this.steps.excluded(inst, m)) continue;
        if (inst.iterationsOf(m.group).length < count) return true;
      }
    }
    return false;
  }

  /** Where the message would go in an instance: the first step of its kind that fits. */
  private plan(
    inst: Instance,
    o: ObservedMessage,
    callId: string | undefined,
    mode: JoinMode,
  ): JoinPlan | undefined {
    const early = mode === 'early';
    if (callId !== undefined && (mode === 'required' || mode === 'causal')) {
      if (this.cannotJoin(inst, o, mode)) return undefined;
    }
    for (const m of this.steps.candidates(o)) {
      const optional = m.context.opts.length > 0 || m.context.loop !== undefined;
      if (optional !== (mode === 'anchored' || mode === 'optional')) continue;
      const its = inst.iterationsOf(m.group);
      if (m.context.loop === undefined && its.length > 0 && callId !== undefined) continue;
      // The same test as `fits` below on the ends alone, first: most open instances of a busy
      // capture have the step's ends bound elsewhere (another session's PoC Client).
      if (inst.endsBound(m, o, this.people)) continue;
      if (this.steps.excluded(inst, m)) continue;
      if (early && this.expected.startGroups.has(m.group)) continue;
      if (callId !== undefined) {
        const it = this.steps.peekIteration(inst, m);
        if (this.takes(inst, m, o, it, mode)) return { inst, m, it };
        continue;
      }
      // A message without a Call-ID (MBCP) takes any iteration still without the step, the first
      // its ends fit: a bound iteration of its group, else one its predecessor reached (Figure 19
      // step B of the second participant when the first participant's is missing).
      const open = its.filter((i) => !inst.matches.has(slot(m.index, i)));
      for (const it of open.length > 0 ? open : this.steps.openIterations(inst, m))
        if (this.takes(inst, m, o, it, mode)) return { inst, m, it };
    }
    return undefined;
  }

  /** Whether `o` can be step `m` in iteration `it` of `inst`, joined in `mode` (see {@link plan}). */
  private takes(
    inst: Instance,
    m: ExpectedMessage,
    o: ObservedMessage,
    it: number,
    mode: JoinMode,
  ): boolean {
    return (
      !inst.matches.has(slot(m.index, it)) &&
      (mode === 'early' || this.steps.ready(inst, m, it, mode === 'causal')) &&
      (mode !== 'anchored' || inst.anchored(m, it, this.people)) &&
      inst.fits(m, o, it, this.people)
    );
  }

  /**
   * True when a message of a new dialog (its Call-ID known) certainly takes no step of `inst` in
   * `mode` (`required` or `causal`): every step of its kind is ruled out by the instance's state,
   * or has an end bound to another address than the message's. The state part is kept per
   * instance revision, so a busy capture's new dialogs are not tried step by step on every open
   * instance (a new session's PoC Client on the ~100 instances waiting for their other leg).
   */
  private cannotJoin(inst: Instance, o: ObservedMessage, mode: WaitingMode): boolean {
    // Keyed by the signature's list of steps: the same list for every message of the kind.
    const ends = this.joinEndsOf(inst, this.steps.candidates(o), mode);
    return ends !== null && !endsAdmit(ends, o.src.ip, o.dst.ip);
  }

  /** {@link joinEnds} as memoised for the instance's current revision. */
  private joinEndsOf(
    inst: Instance,
    steps: readonly ExpectedMessage[],
    mode: WaitingMode,
  ): JoinEnds {
    const memos = inst.joinMemo(mode);
    let ends = memos.get(steps);
    if (ends === UNKNOWN_ENDS) {
      ends = this.joinEnds(inst, steps, mode);
      memos.set(steps, ends);
    }
    return ends;
  }

  /** The ends of the steps of `steps` a message could take in `inst` as it stands (see {@link JoinEnds}). */
  private joinEnds(
    inst: Instance,
    steps: readonly ExpectedMessage[],
    mode: 'required' | 'causal',
  ): JoinEnds {
    let ends: (string | undefined)[] | undefined;
    // The same state tests as `plan`, for a message with a Call-ID.
    for (const m of steps) {
      if (m.context.opts.length > 0 || m.context.loop !== undefined) continue;
      if (inst.iterationsOf(m.group).length > 0) continue;
      if (this.steps.excluded(inst, m)) continue;
      const it = this.steps.peekIteration(inst, m);
      if (inst.matches.has(slot(m.index, it)) || !this.steps.ready(inst, m, it, mode === 'causal'))
        continue;
      const from = m.from === undefined ? undefined : inst.boundIp(m.from, this.people);
      const to = inst.boundIp(m.to, this.people);
      if (from === undefined && to === undefined) return null;
      (ends ??= []).push(from, to);
    }
    return ends ?? NO_ENDS;
  }

  private commitJoin(plan: JoinPlan, o: ObservedMessage, callId: string | undefined): void {
    const { inst, m, it } = plan;
    // The evidence names the latest matched predecessor as it stands before the message is recorded.
    const predecessor =
      callId === undefined ? undefined : this.steps.latestPredecessorStep(inst, m);
    const predecessorFrame = this.steps.predecessorFrame;
    this.commit(inst, m, it, o, callId);
    if (callId !== undefined)
      if (predecessor === undefined) inst.evidence.join(callId, JOINED_AT, m, o.frame);
      else inst.evidence.join(callId, JOINED_AFTER, m, o.frame, predecessor, predecessorFrame);
    inst.touch(o);
  }

  /**
   * Records `o` as step `m` (iteration `it`) of `inst`, joining its Call-ID (the caller adds the
   * evidence of the join).
   */
  private commit(
    inst: Instance,
    m: ExpectedMessage,
    it: number,
    o: ObservedMessage,
    callId: string | undefined,
  ): void {
    inst.remember(o, callId);
    this.index(inst, o);
    inst.record(m, it, o, this.summaries, false);
    inst.bindEnds(m, o, it, this.people);
    this.bindDialog(inst, m, it, callId);
    this.update(inst, seconds(o.time));
    if (callId === undefined || this.replaying) return;
    this.byCallId.set(callId, inst);
    this.pending.delete(callId);
    this.adoptInside(inst, callId);
    if (this.held.has(callId)) this.joined.push(callId);
  }

  private start(o: ObservedMessage, callId: string | undefined): boolean {
    const inst = new Instance(this.nextId, this.expected, o.frame, seconds(o.time));
    inst.onChange = this.noteChange;
    if (!this.seed(inst, o, callId)) return false;
    this.nextId++;
    this.open.add(inst);
    this.limitOpen();
    this.update(inst, seconds(o.time));
    return true;
  }

  /**
   * Records `o` as the first message of `inst` (a step without wire predecessors). A message
   * that carries a value contradicting a normative value of its step (literals, `contains`,
   * patterns, derivations; examples are not compared) starts no instance: Figure 17's leaving
   * REFER has `method=BYE` in its Refer-To, and a REFER whose Refer-To has another method (the
   * joining REFER of poc.establish.pre-established) is not a run of Figure 17. A message that
   * only lacks a normative value starts one, and the step reports what it lacks.
   */
  private seed(inst: Instance, o: ObservedMessage, callId: string | undefined): boolean {
    const fitting = this.steps.candidates(o);
    let chosen: { m: ExpectedMessage; it: number } | undefined;
    let lacking: { m: ExpectedMessage; it: number } | undefined;
    // Starts of par operands may look alike: the first whose values the message carries wins.
    for (const m of this.starts) {
      if (!fitting.includes(m) || this.steps.excluded(inst, m)) continue;
      const it = this.steps.peekIteration(inst, m);
      if (!inst.fits(m, o, it, this.people)) continue;
      const diffs = inst.valueDiffs(m, it, o, this.summaries);
      if (diffs.length > 0) {
        // A value the message carries that contradicts the step makes it another use of the
        // method; a value it lacks (Kamailio's BYE without the Reason of TS 24.229 5.4.5.1.2)
        // makes it a run of the flow that deviates, reported at that step.
        if (diffs.every((d) => d.actual === ABSENT)) lacking ??= { m, it };
        else this.nearStart ??= { step: m.id, diffs };
        continue;
      }
      chosen = { m, it };
      break;
    }
    chosen ??= lacking;
    if (chosen) {
      const { m, it } = chosen;
      this.commit(inst, m, it, o, callId);
      if (callId !== undefined) inst.evidence.join(callId, JOINED_START, m, o.frame);
      return true;
    }
    return false;
  }

  private close(inst: Instance): void {
    this.waitingIterations.delete(inst);
    this.open.delete(inst);
    this.complete.delete(inst);
    if (this.awaiting.delete(inst)) this.awaitingEnds.leave(inst);
    this.byAddress.remove(inst);
    for (const callId of inst.callIds.keys()) {
      this.byCallId.delete(callId);
      this.summaries.delete(callId);
      // The dialog summary's own copy (see push): it keeps no message's text alive.
      this.closed.add(callId);
    }
    // A passing instance past the listed ones is only counted: its report is not built.
    if (
      this.passingListed >= (this.opts.maxPassingListed ?? Infinity) &&
      instancePasses(this.expected, inst, this.alts)
    ) {
      this.passingNotListed++;
      return;
    }
    const report = instanceVerdict(this.expected, inst, this.alts);
    if (report.verdict === 'fail') {
      this.failing++;
      this.list(report);
    } else if (this.passingListed < (this.opts.maxPassingListed ?? Infinity)) {
      this.passingListed++;
      this.list(report);
    } else this.passingNotListed++;
  }

  private list(report: InstanceReport): void {
    this.listed++;
    if (this.opts.onInstance) this.opts.onInstance(report);
    else this.finished.push(report);
  }
}

/**
 * A copy of `s` that holds no reference to the text it was cut from. A header value is a slice
 * of its whole message; a Call-ID kept as a key while its instance is open, and long after it
 * (to count late messages), would otherwise keep that message's text alive.
 */
function detached(s: string): string {
  // Slicing a concatenation flattens it into a new string first; the slice refers to that.
  return `${s} `.slice(0, -1);
}

/** Checks a whole trace; `events` in wire order. */
export async function checkConformance(
  expected: ExpectedFlow,
  events: AsyncIterable<ObservedMessage> | Iterable<ObservedMessage>,
  opts: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const checker = new ConformanceChecker(expected, opts);
  for await (const o of events) checker.push(o);
  return checker.finish();
}
