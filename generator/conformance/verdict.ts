/**
 * The verdict of a finished instance: the alt operands the trace chose, the
 * slots (step x loop iteration) expected on that path, and per step matched,
 * missing, mismatch or out of order (the violated happens-before named).
 */
import type { ExpectedFlow, ExpectedMessage } from './expected.js';
import { describeType } from './expected.js';
import { operandsOf, slot, slotMessage, type Instance } from './instance.js';
import type { InsideHopReport, InstanceReport, StepReport } from './report.js';

/** The hops inside participants of an instance that has none (shared). */
const NO_INSIDE: readonly InsideHopReport[] = Object.freeze([]);

/** No numbers (shared). */
const NO_NUMBERS: readonly number[] = [];

/** Whether one of `members` (message indexes) has a match. */
function anyHit(members: readonly number[], hitCount: Int32Array): boolean {
  for (const w of members) if ((hitCount[w] ?? 0) > 0) return true;
  return false;
}

/** Which alts of a flow have an operand without wire messages (it may leave no trace). */
export class AltStructure {
  private readonly memo = new Map<string, boolean>();

  /** Per alt: the operands enclosing it ("alt0:1"), and whether it lies inside an opt or loop. */
  private readonly outer = new Map<string, { enclosing: readonly string[]; optional: boolean }>();

  /** Wire messages in the flow's order (of their send events). */
  readonly wireByEvent: readonly ExpectedMessage[];
  /** Per opt fragment: the wire messages inside it. */
  readonly optMembers: ReadonlyMap<string, readonly number[]>;
  /** Wire messages inside some alt operand. */
  readonly inAlts: readonly ExpectedMessage[];
  /** The alts wire messages lie in, numbered in the order their operands first name them. */
  private readonly altNames: string[] = [];
  /** Per numbered alt: the offset of its operands in the per-operand arrays. */
  private readonly opBase: number[] = [];
  /** Per operand (numbered alts' operands in a row): its name ("1"), its number, and its alt. */
  private readonly opNames: string[] = [];
  private readonly opNumbers: number[] = [];
  private readonly opAlt: number[] = [];
  /** Per numbered alt: whether some operand of it sends nothing on the wire. */
  private readonly altEmpty: boolean[] = [];
  /** Per message index: the numbers of the operands it lies in (see {@link opNames}). */
  private readonly messageOps: (readonly number[])[] = [];
  /** Per message index: the opts it lies in, each as its wire messages. */
  private readonly messageOpts: (readonly (readonly number[])[])[] = [];
  /** Scratch of {@link pathMessages}: hits per operand, the operand chosen per alt, the path. */
  private opHits = new Float64Array(0);
  private chosen = new Int32Array(0);
  private readonly path: ExpectedMessage[] = [];

  constructor(private readonly expected: ExpectedFlow) {
    this.wireByEvent = [...expected.wire].sort((a, b) => a.event - b.event);
    const optMembers = new Map<string, number[]>();
    for (const m of expected.wire)
      for (const opt of m.context.opts)
        optMembers.set(opt, [...(optMembers.get(opt) ?? []), m.index]);
    this.optMembers = optMembers;
    this.inAlts = expected.wire.filter((m) => m.context.alts.length > 0);
    this.numberOperands();
    for (const m of expected.wire)
      operandsOf(m).forEach(({ alt }, i) => {
        const optional = m.context.opts.length > 0 || m.context.loop !== undefined;
        const known = this.outer.get(alt);
        this.outer.set(alt, {
          enclosing: m.context.alts.slice(0, i),
          optional: optional && (known?.optional ?? true),
        });
      });
  }

  /** Numbers the alts and operands wire messages lie in, for {@link pathMessages}. */
  private numberOperands(): void {
    const altIndex = new Map<string, number>();
    const ops: string[][] = [];
    for (const m of this.inAlts)
      for (const { alt, op } of operandsOf(m)) {
        let a = altIndex.get(alt);
        if (a === undefined) {
          a = this.altNames.length;
          altIndex.set(alt, a);
          this.altNames.push(alt);
          ops.push([]);
        }
        const known = ops[a] ?? [];
        if (!known.includes(op)) known.push(op);
      }
    ops.forEach((names, a) => {
      this.opBase.push(this.opNames.length);
      for (const op of names) {
        this.opNames.push(op);
        this.opNumbers.push(Number(op));
        this.opAlt.push(a);
      }
      this.altEmpty.push(this.hasEmptyOperand(this.altNames[a] ?? ''));
    });
    for (let i = 0; i < this.expected.messages.length; i++) {
      this.messageOps.push(NO_NUMBERS);
      this.messageOpts.push([]);
    }
    for (const m of this.expected.wire) {
      this.messageOps[m.index] = operandsOf(m).map(({ alt, op }) => {
        const a = altIndex.get(alt) ?? 0;
        const base = this.opBase[a] ?? 0;
        return base + (ops[a] ?? []).indexOf(op);
      });
      this.messageOpts[m.index] = m.context.opts.map((opt) => this.optMembers.get(opt) ?? []);
    }
    this.opHits = new Float64Array(this.opNames.length);
    this.chosen = new Int32Array(this.altNames.length);
  }

  /**
   * The wire messages expected on the path an instance took (see {@link pathMessages}), given
   * its matches per message index: a list reused by the next call.
   */
  onPath(hitCount: Int32Array): readonly ExpectedMessage[] {
    const hits = this.opHits;
    hits.fill(0);
    for (const m of this.inAlts)
      for (const op of this.messageOps[m.index] ?? NO_NUMBERS)
        hits[op] = (hits[op] ?? 0) + (hitCount[m.index] ?? 0);
    // Per alt, the operand with most matches (the lowest numbered among equals); -1 for none.
    for (let a = 0; a < this.altNames.length; a++) {
      const from = this.opBase[a] ?? 0;
      const to = this.opBase[a + 1] ?? this.opNames.length;
      let best = from;
      for (let op = from + 1; op < to; op++) {
        const h = hits[op] ?? 0;
        const b = hits[best] ?? 0;
        if (h > b || (h === b && (this.opNumbers[op] ?? 0) < (this.opNumbers[best] ?? 0)))
          best = op;
      }
      this.chosen[a] = (hits[best] ?? 0) > 0 ? best : -1;
    }
    // Written in place and cut to length: the list keeps its store from one call to the next.
    const out = this.path;
    let n = 0;
    for (const m of this.wireByEvent) {
      let taken = true;
      for (const op of this.messageOps[m.index] ?? NO_NUMBERS) {
        const a = this.opAlt[op] ?? 0;
        const c = this.chosen[a] ?? -1;
        // No operand seen: the first operand is the expected one unless the alt has an operand without wire messages.
        if (c === -1 ? this.opNames[op] !== '0' || (this.altEmpty[a] ?? false) : c !== op)
          taken = false;
      }
      for (const members of this.messageOpts[m.index] ?? [])
        if (!anyHit(members, hitCount)) taken = false;
      if (taken) out[n++] = m;
    }
    out.length = n;
    return out;
  }

  /** Paths by the steps matched (see {@link knownPath}), a few dozen at most. */
  private readonly paths = new Map<number, readonly ExpectedMessage[]>();

  /**
   * The path {@link onPath} gives an instance that matched no step inside an alt and matched the
   * first-iteration steps whose bits `bits` sets (and no other slot), when it was remembered:
   * nothing else counts then (no alt operand has a match; an opt is taken when one of its steps
   * is matched).
   */
  knownPath(bits: number): readonly ExpectedMessage[] | undefined {
    return this.paths.get(bits);
  }

  /** Remembers {@link onPath}'s answer for {@link knownPath} (a copy: onPath reuses its list). */
  rememberPath(bits: number, path: readonly ExpectedMessage[]): void {
    if (this.paths.size < 64) this.paths.set(bits, [...path]);
  }

  /** Operands enclosing `alt`, outermost first. */
  enclosing(alt: string): readonly string[] {
    return this.outer.get(alt)?.enclosing ?? [];
  }

  private hits = new Int32Array(0);

  /**
   * Zeroed counters, one per expected message, for one verdict at a time: whoever takes them
   * zeroes what it counted before the next verdict.
   */
  hitScratch(length: number): Int32Array {
    if (this.hits.length < length) this.hits = new Int32Array(length);
    return this.hits;
  }

  /** True when the alt lies inside an opt or loop: an instance may show none of it. */
  optional(alt: string): boolean {
    return this.outer.get(alt)?.optional ?? true;
  }

  /** True when some operand of `alt` sends nothing on the wire. */
  hasEmptyOperand(alt: string): boolean {
    let v = this.memo.get(alt);
    if (v === undefined) {
      const withWire = new Set<string>();
      for (const m of this.expected.wire)
        for (const a of m.context.alts) {
          const [name, op = ''] = a.split(':');
          if (name === alt) withWire.add(op);
        }
      v = (this.expected.altSizes.get(alt) ?? 0) > withWire.size;
      this.memo.set(alt, v);
    }
    return v;
  }
}

/** What each step is ("BYE clientA -> coreA"), made once per step rather than once per instance. */
const summaries = new WeakMap<ExpectedMessage, string>();

function stepSummary(m: ExpectedMessage): string {
  let s = summaries.get(m);
  if (s === undefined) {
    s = `${describeType(m.type)} ${m.from ?? '(outside)'} -> ${m.to}`;
    summaries.set(m, s);
  }
  return s;
}

/** A slot (step x loop iteration) the path the trace took expects. */
interface ExpectedSlot {
  readonly m: ExpectedMessage;
  readonly it: number;
}

/**
 * The wire messages expected on the path the instance took, in the flow's order: of each alt the
 * operand the trace shows (most matches; with no evidence, the first operand unless the alt has
 * one without wire messages), opt fragments only when one of their messages was seen. A loop's
 * messages are expected once per iteration the instance created ({@link iterations}).
 */
function pathMessages(
  exp: ExpectedFlow,
  inst: Instance,
  alts: AltStructure,
): readonly ExpectedMessage[] {
  // Matches per expected message, counted once (an instance has a handful).
  // Most instances match no step inside an alt, and the same steps as many others: the path is
  // then the one for which steps were matched, found once per set of steps.
  const bits = inst.altMatches === 0 ? inst.matches.firstIterationBits() : -1;
  if (bits >= 0) {
    const known = alts.knownPath(bits);
    if (known !== undefined) return known;
  }
  const hitCount = alts.hitScratch(exp.messages.length);
  const matches = inst.matches;
  for (let k = 0; k < matches.size; k++) {
    const i = slotMessage(matches.slotAt(k));
    hitCount[i] = (hitCount[i] ?? 0) + 1;
  }
  const out = alts.onPath(hitCount);
  for (let k = 0; k < matches.size; k++) hitCount[slotMessage(matches.slotAt(k))] = 0;
  if (bits >= 0) alts.rememberPath(bits, out);
  return out;
}

/** Iterations of `m` expected in the instance: one, or as many as its loop has. */
function iterations(inst: Instance, m: ExpectedMessage): number {
  return m.context.loop === undefined ? 1 : (inst.loopIterations.get(m.context.loop) ?? 0);
}

/** The slots expected on the path the instance took (see {@link pathMessages}). */
function expectedSlots(exp: ExpectedFlow, inst: Instance, alts: AltStructure): ExpectedSlot[] {
  const slots: ExpectedSlot[] = [];
  for (const m of pathMessages(exp, inst, alts))
    for (let it = 0; it < iterations(inst, m); it++) slots.push({ m, it });
  return slots;
}

/**
 * The step a matched slot should have come after and did not: the latest causal predecessor in
 * the flow's order matched at a later frame (the immediate one when it is violated). Only causal
 * predecessors count: across dialogs a participant's position in the drawing alone orders nothing
 * (expected.ts, causalBefore).
 */
function violatedBy(
  exp: ExpectedFlow,
  inst: Instance,
  m: ExpectedMessage,
  it: number,
  frame: number,
): string | null {
  let violates: string | null = null;
  let latest = -1;
  for (const p of exp.causal[m.index] ?? []) {
    // Frames only: the matches' own objects are not visited (one list holds every frame).
    const own = inst.matches.frameOf(slot(p, it));
    const pf = own >= 0 ? own : inst.matches.frameOf(slot(p, 0));
    const pm = exp.messages[p];
    if (pf >= 0 && pm && pf > frame && pm.event > latest) {
      violates = pm.id;
      latest = pm.event;
    }
  }
  return violates;
}

/**
 * Whether a finished instance passes: the verdict {@link instanceVerdict} gives, without building
 * its report (most passing instances of a large capture are counted, not listed).
 */
export function instancePasses(exp: ExpectedFlow, inst: Instance, alts: AltStructure): boolean {
  if (inst.unexpected.length > 0) return false;
  for (const m of pathMessages(exp, inst, alts))
    for (let it = 0, n = iterations(inst, m); it < n; it++) {
      const key = slot(m.index, it);
      if (!inst.matches.clean(key)) return false;
      if (violatedBy(exp, inst, m, it, inst.matches.frameOf(key)) !== null) return false;
    }
  return true;
}

/** Builds the per-step verdicts of a finished instance. */
export function instanceVerdict(
  exp: ExpectedFlow,
  inst: Instance,
  alts: AltStructure,
): InstanceReport {
  const slots = expectedSlots(exp, inst, alts);
  const steps: StepReport[] = [];
  let previous: number | undefined;
  // Frames only: a match's object is made when its step is reported.
  const frameOrLast = (s: ExpectedSlot): number => {
    const frame = inst.matches.frameOf(slot(s.m.index, s.it));
    return frame < 0 ? Infinity : frame;
  };
  const ordered = [...slots].sort((a, b) => frameOrLast(a) - frameOrLast(b));
  const deltas = new Map<number, number>();
  for (const s of ordered) {
    const hit = inst.matches.get(slot(s.m.index, s.it));
    if (!hit) continue;
    const t = hit.time;
    if (previous !== undefined) deltas.set(slot(s.m.index, s.it), t - previous);
    previous = t;
  }
  for (const { m, it } of slots) {
    const key = slot(m.index, it);
    const hit = inst.matches.get(key);
    const id = it > 0 ? `${m.id}[${it + 1}]` : m.id;
    const summary = stepSummary(m);
    if (!hit) {
      steps.push({
        id,
        status: 'missing',
        summary,
        frame: null,
        time: null,
        diffs: [],
        violates: null,
        retransmissions: 0,
        delta: null,
      });
      continue;
    }
    const violates = violatedBy(exp, inst, m, it, hit.frame);
    const status = violates ? 'out-of-order' : hit.diffs.length > 0 ? 'mismatch' : 'matched';
    steps.push({
      id,
      status,
      summary,
      frame: hit.frame,
      time: hit.time,
      diffs: hit.diffs,
      violates,
      retransmissions: hit.retransmissions,
      delta: deltas.get(key) ?? null,
    });
  }
  const ok = steps.every((s) => s.status === 'matched') && inst.unexpected.length === 0;
  return {
    verdict: ok ? 'pass' : 'fail',
    steps,
    unexpected: inst.unexpected,
    dialogs: inst.evidence.list(),
    inside: inst.inside ?? NO_INSIDE,
    firstFrame: inst.firstFrame,
  };
}
