/**
 * The conformance engine, shared by generated tests, live runs and
 * captures: observed messages stream in (in wire order); instances of the
 * flow are found, their dialogs joined (B2BUA legs with different Call-IDs
 * through the flow's structure and the participants' addresses, with the
 * evidence), and each instance gets a verdict per step. Memory stays
 * bounded: an instance is finished once it has been idle for a while of
 * capture time, and only compact dialog summaries are kept per Call-ID.
 */
import type { AddressSpec } from './address-map.js';
import { newSummary, updateSummary, type DialogSummary } from './dialog-summary.js';
import type { ExpectedFlow, ExpectedMessage } from './expected.js';
import { describeType } from './expected.js';
import { Instance, slot, slotMessage } from './instance.js';
import { seconds, type ObservedMessage } from './observed.js';
import { ParticipantBindings } from './participants.js';
import type { ConformanceReport, InstanceReport, StepReport } from './report.js';

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
}

/** Streams observed messages into instances and verdicts. */
export class ConformanceChecker {
  private readonly people: ParticipantBindings;
  private readonly open = new Set<Instance>();
  private readonly byCallId = new Map<string, Instance>();
  private readonly summaries = new Map<string, DialogSummary>();
  private readonly pending = new Map<string, number>();
  private readonly closed = new Set<string>();
  private readonly finished: InstanceReport[] = [];
  private readonly wireByEvent: readonly ExpectedMessage[];
  private readonly starts: readonly ExpectedMessage[];
  /** Wire messages by signature ("R:BYE", "S:200", "M:Disconnect"), in the flow's order. */
  private readonly bySignature = new Map<string, ExpectedMessage[]>();
  /** Open instances that still wait for a dialog of a group outside opt and loop fragments. */
  private readonly awaiting = new Set<Instance>();
  /** Groups outside opt and loop fragments. */
  private readonly requiredGroups: ReadonlySet<number>;
  private nextId = 0;
  private unrelated = 0;
  private late = 0;
  private messages = 0;
  private passingListed = 0;
  private passingNotListed = 0;
  private failing = 0;
  private lastSweep = 0;

  constructor(
    private readonly expected: ExpectedFlow,
    private readonly opts: ConformanceOptions = {},
  ) {
    this.people = new ParticipantBindings(expected, opts.map ?? new Map());
    this.wireByEvent = [...expected.wire].sort((a, b) => a.event - b.event);
    this.starts = this.wireByEvent.filter((m) => (expected.before[m.index] ?? []).length === 0);
    for (const m of this.wireByEvent) {
      const key = expectedSignature(m);
      this.bySignature.set(key, [...(this.bySignature.get(key) ?? []), m]);
    }
    this.requiredGroups = new Set(
      expected.wire
        .filter((m) => m.context.opts.length === 0 && m.context.loop === undefined)
        .map((m) => m.group),
    );
  }

  /** Re-evaluates whether an instance still waits for dialogs, and whether it is complete. */
  private update(inst: Instance, now: number): void {
    let waiting = false;
    for (const g of this.requiredGroups) {
      if (inst.iterationsOf(g).length === 0) {
        waiting = true;
        break;
      }
    }
    if (waiting) this.awaiting.add(inst);
    else this.awaiting.delete(inst);
    if (
      inst.completeAt === undefined &&
      this.expected.mandatory.every((i) => inst.matches.has(slot(i, 0)))
    ) {
      const altsSettled = [...this.expected.altSizes.keys()].every(
        (alt) => this.hasEmptyOperand(alt) || this.altHasMatch(inst, alt),
      );
      if (altsSettled) inst.completeAt = now;
    }
  }

  private altHasMatch(inst: Instance, alt: string): boolean {
    for (const key of inst.matches.keys()) {
      const m = this.expected.messages[slotMessage(key)];
      if (m?.context.alts.some((a) => a.startsWith(`${alt}:`))) return true;
    }
    return false;
  }

  /** Feeds one observed message (in wire order). */
  push(o: ObservedMessage): void {
    this.messages++;
    const now = seconds(o.time);
    if (now - this.lastSweep > 1) {
      this.sweep(now);
      this.lastSweep = now;
    }
    const callId = o.sip?.headers.get('call-id')?.trim();
    if (o.sip && callId) {
      let s = this.summaries.get(callId);
      if (!s) {
        s = newSummary(callId);
        this.summaries.set(callId, s);
      }
      updateSummary(s, o.sip);
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
    for (const inst of this.awaiting) if (this.join(inst, o, callId, false)) return;
    if (this.start(o, callId)) return;
    for (const inst of this.open) if (this.join(inst, o, callId, true)) return;
    // Last resort: a message that fits an instance but comes before its predecessors (reported out of order).
    for (const inst of this.open) if (this.join(inst, o, callId, false, true)) return;
    if (callId) {
      this.pending.set(callId, (this.pending.get(callId) ?? 0) + 1);
      this.limitPending();
    } else this.unrelated++;
  }

  /** Finishes every instance and returns the report. */
  finish(): ConformanceReport {
    for (const inst of [...this.open]) this.close(inst);
    for (const n of this.pending.values()) this.unrelated += n;
    this.pending.clear();
    const instances = [...this.finished].sort((a, b) => a.firstFrame - b.firstFrame);
    return {
      flow: this.expected.flow.id,
      capture: this.opts.capture ?? null,
      verdict:
        this.failing === 0 && this.finished.length + this.passingNotListed > 0 ? 'pass' : 'fail',
      instances,
      unrelated: this.unrelated + this.late,
      mapping: this.people.report(),
      stats: {
        messages: this.messages,
        instances: this.finished.length + this.passingNotListed,
        passing: this.passingListed + this.passingNotListed,
        failing: this.failing,
        passingNotListed: this.passingNotListed,
        lateMessages: this.late,
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
    }
  }

  /**
   * True when an immediate predecessor of m is matched (or m has none): in
   * the same iteration when both are in the same loop, in any otherwise.
   */
  private ready(inst: Instance, m: ExpectedMessage, it: number): boolean {
    const preds = this.expected.immediate[m.index] ?? [];
    if (preds.length === 0) return true;
    for (const p of preds) {
      const pm = this.expected.messages[p];
      if (!pm) continue;
      if (pm.context.loop === undefined) {
        if (inst.matches.has(slot(p, 0))) return true;
      } else if (pm.context.loop === m.context.loop) {
        if (inst.matches.has(slot(p, it))) return true;
      } else {
        for (const key of inst.matches.keys()) if (slotMessage(key) === p) return true;
      }
    }
    return false;
  }

  /** True when another operand of one of m's alts already has a match. */
  private excluded(inst: Instance, m: ExpectedMessage): boolean {
    if (m.context.alts.length === 0) return false;
    for (const key of inst.matches.keys()) {
      const other = this.expected.messages[slotMessage(key)];
      if (!other) continue;
      for (const a of m.context.alts) {
        const [alt, op] = a.split(':');
        for (const b of other.context.alts) {
          const [alt2, op2] = b.split(':');
          if (alt === alt2 && op !== op2) return true;
        }
      }
    }
    return false;
  }

  /** The iteration a new binding of m's group would take in the instance (not yet created). */
  private peekIteration(inst: Instance, m: ExpectedMessage): number {
    const loop = m.context.loop;
    if (loop === undefined) return 0;
    const count = inst.loopIterations.get(loop) ?? 0;
    const bound = inst.iterationsOf(m.group);
    for (let it = 0; it < count; it++) {
      if (bound.includes(it)) continue;
      const preds = this.expected.immediate[m.index] ?? [];
      if (preds.some((p) => inst.matches.has(slot(p, it)))) return it;
    }
    return count;
  }

  /** Creates the iteration `it` of m's loop when it is new. */
  private commitIteration(inst: Instance, m: ExpectedMessage, it: number): void {
    const loop = m.context.loop;
    if (loop !== undefined && it >= (inst.loopIterations.get(loop) ?? 0))
      inst.loopIterations.set(loop, it + 1);
  }

  private feed(inst: Instance, o: ObservedMessage, callId: string): void {
    if (inst.retransmission(o)) return;
    const groups = inst.callIds.get(callId) ?? new Set<number>();
    // Passes: a step whose predecessors are matched; then any step of the signature (it will be
    // reported out of order); then a step the message only resembles (reported as a mismatch).
    for (const pass of ['ready', 'any', 'loose'] as const) {
      const loose = pass === 'loose';
      for (const m of loose ? this.wireByEvent : this.candidates(o)) {
        if (this.excluded(inst, m)) continue;
        const its = inst.iterationsOf(m.group);
        const viaCallId = groups.has(m.group);
        // In-dialog groups (e.g. NOTIFYs of a REFER's implicit subscription) share the Call-ID of the instance.
        const candidates = viaCallId ? its : its.length === 0 && !loose ? [-1] : [];
        for (const cand of candidates) {
          const it = cand === -1 ? this.peekIteration(inst, m) : cand;
          if (inst.matches.has(slot(m.index, it))) continue;
          if (pass === 'ready' && !this.ready(inst, m, it)) continue;
          if (!inst.fits(m, o, it, this.people, loose)) continue;
          this.commitIteration(inst, m, it);
          inst.record(m, it, o, this.summaries, loose);
          inst.bindEnds(m, o, it, this.people);
          if (!viaCallId)
            inst.evidence.push({
              callId,
              steps: [m.id],
              evidence: `in the dialog already joined at frame ${o.frame}`,
            });
          inst.bindGroup(m.group, it, callId);
          this.update(inst, seconds(o.time));
          return;
        }
      }
    }
    inst.noteUnexpected(o);
  }

  /**
   * Tries to join a message to an open instance. `speculative` selects the
   * groups inside opt fragments and loops: they are tried only after the
   * message could not start an instance of its own.
   */
  private candidates(o: ObservedMessage): readonly ExpectedMessage[] {
    return this.bySignature.get(observedSignature(o)) ?? [];
  }

  private join(
    inst: Instance,
    o: ObservedMessage,
    callId: string | undefined,
    speculative: boolean,
    early = false,
  ): boolean {
    for (const m of this.candidates(o)) {
      const optional = m.context.opts.length > 0 || m.context.loop !== undefined;
      if (optional !== speculative) continue;
      const its = inst.iterationsOf(m.group);
      if (m.context.loop === undefined && its.length > 0 && callId !== undefined) continue;
      if (this.excluded(inst, m)) continue;
      const it =
        callId === undefined
          ? (its.find((i) => !inst.matches.has(slot(m.index, i))) ?? this.peekIteration(inst, m))
          : this.peekIteration(inst, m);
      if (
        inst.matches.has(slot(m.index, it)) ||
        (!early && !this.ready(inst, m, it)) ||
        !inst.fits(m, o, it, this.people)
      )
        continue;
      if (early && this.expected.startGroups.has(m.group)) continue;
      this.commitIteration(inst, m, it);
      const cause = callId === undefined ? undefined : this.cause(inst, m);
      inst.record(m, it, o, this.summaries, false);
      inst.bindEnds(m, o, it, this.people);
      inst.bindGroup(m.group, it, callId);
      this.update(inst, seconds(o.time));
      if (callId !== undefined) {
        inst.evidence.push({
          callId,
          steps: [m.id],
          evidence: cause
            ? `${describeType(m.type)} of step ${m.id} (frame ${o.frame}) ${cause}`
            : `frame ${o.frame}`,
        });
        this.byCallId.set(callId, inst);
        this.pending.delete(callId);
      }
      inst.touch(o);
      return true;
    }
    return false;
  }

  /** Why a new dialog belongs to this instance: the latest matched predecessor. */
  private cause(inst: Instance, m: ExpectedMessage): string | undefined {
    let best: { id: string; frame: number; sender: string | undefined } | undefined;
    for (const p of this.expected.before[m.index] ?? []) {
      for (const [key, hit] of inst.matches) {
        if (slotMessage(key) !== p) continue;
        const pm = this.expected.messages[p];
        if (pm && (!best || hit.frame > best.frame))
          best = { id: pm.id, frame: hit.frame, sender: pm.from };
      }
    }
    if (!best) return undefined;
    const by =
      best.sender === m.from && m.from !== undefined
        ? `, sent by ${m.from} after its step ${best.id}`
        : '';
    return `follows step ${best.id} (frame ${best.frame})${by}`;
  }

  private start(o: ObservedMessage, callId: string | undefined): boolean {
    const fitting = this.candidates(o);
    for (const m of this.starts) {
      if (!fitting.includes(m)) continue;
      const inst = new Instance(this.nextId, this.expected, o.frame, seconds(o.time));
      const it = this.peekIteration(inst, m);
      if (!inst.fits(m, o, it, this.people)) continue;
      this.commitIteration(inst, m, it);
      this.nextId++;
      inst.record(m, it, o, this.summaries, false);
      inst.bindEnds(m, o, it, this.people);
      inst.bindGroup(m.group, it, callId);
      this.update(inst, seconds(o.time));
      if (callId !== undefined) {
        inst.evidence.push({
          callId,
          steps: [m.id],
          evidence: `starts the instance: ${describeType(m.type)} of step ${m.id} at frame ${o.frame}`,
        });
        this.byCallId.set(callId, inst);
        this.pending.delete(callId);
      }
      this.open.add(inst);
      this.update(inst, seconds(o.time));
      return true;
    }
    return false;
  }

  private close(inst: Instance): void {
    this.open.delete(inst);
    this.awaiting.delete(inst);
    for (const callId of inst.callIds.keys()) {
      this.byCallId.delete(callId);
      this.summaries.delete(callId);
      this.closed.add(callId);
      if (this.closed.size > 100_000)
        this.closed.delete(this.closed.values().next().value as string);
    }
    const report = this.verdict(inst);
    if (report.verdict === 'fail') {
      this.failing++;
      this.finished.push(report);
    } else if (this.passingListed < (this.opts.maxPassingListed ?? Infinity)) {
      this.passingListed++;
      this.finished.push(report);
    } else this.passingNotListed++;
  }

  /** Builds the per-step verdicts of a finished instance. */
  private verdict(inst: Instance): InstanceReport {
    const exp = this.expected;
    // alt operands: the one the trace shows (most matches); with no evidence, an empty operand if any.
    const chosen = new Map<string, string>();
    const altOperands = new Map<string, Map<string, number>>();
    for (const m of exp.wire) {
      for (const a of m.context.alts) {
        const [alt = '', op = ''] = a.split(':');
        const ops = altOperands.get(alt) ?? new Map<string, number>();
        const hits = [...inst.matches.keys()].filter((k) => slotMessage(k) === m.index).length;
        ops.set(op, (ops.get(op) ?? 0) + hits);
        altOperands.set(alt, ops);
      }
    }
    for (const [alt, ops] of altOperands) {
      const best = [...ops.entries()].sort((x, y) => y[1] - x[1] || Number(x[0]) - Number(y[0]))[0];
      if (best && best[1] > 0) chosen.set(alt, best[0]);
      else chosen.set(alt, '');
    }
    const taken = (m: ExpectedMessage): boolean =>
      m.context.alts.every((a) => {
        const [alt = '', op = ''] = a.split(':');
        const c = chosen.get(alt);
        // No operand seen: the first operand is the expected one unless the alt has an operand without wire messages.
        return c === '' ? op === '0' && !this.hasEmptyOperand(alt) : c === op;
      }) &&
      m.context.opts.every((opt) =>
        exp.wire.some(
          (w) =>
            w.context.opts.includes(opt) &&
            [...inst.matches.keys()].some((k) => slotMessage(k) === w.index),
        ),
      );
    const steps: StepReport[] = [];
    const loopCount = (m: ExpectedMessage): number =>
      m.context.loop === undefined ? 1 : (inst.loopIterations.get(m.context.loop) ?? 0);
    const slots: { m: ExpectedMessage; it: number }[] = [];
    for (const m of [...exp.wire].sort((a, b) => a.event - b.event)) {
      if (!taken(m)) continue;
      for (let it = 0; it < loopCount(m); it++) slots.push({ m, it });
    }
    let previous: number | undefined;
    const ordered = [...slots].sort((a, b) => {
      const fa = inst.matches.get(slot(a.m.index, a.it))?.frame ?? Infinity;
      const fb = inst.matches.get(slot(b.m.index, b.it))?.frame ?? Infinity;
      return fa - fb;
    });
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
      const summary = `${describeType(m.type)} ${m.from ?? '(outside)'} -> ${m.to}`;
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
      // The violated predecessor reported is the latest one in the flow's order (the immediate one when it is violated).
      let violates: string | null = null;
      let latest = -1;
      for (const p of exp.before[m.index] ?? []) {
        const ph = inst.matches.get(slot(p, it)) ?? inst.matches.get(slot(p, 0));
        const pm = exp.messages[p];
        if (ph && pm && ph.frame > hit.frame && pm.event > latest) {
          violates = pm.id;
          latest = pm.event;
        }
      }
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
      dialogs: inst.evidence,
      firstFrame: inst.firstFrame,
    };
  }

  private readonly emptyOperandMemo = new Map<string, boolean>();

  private hasEmptyOperand(alt: string): boolean {
    let v = this.emptyOperandMemo.get(alt);
    if (v === undefined) {
      v = this.computeEmptyOperand(alt);
      this.emptyOperandMemo.set(alt, v);
    }
    return v;
  }

  private computeEmptyOperand(alt: string): boolean {
    const operandsWithWire = new Set<string>();
    let max = -1;
    for (const m of this.expected.wire) {
      for (const a of m.context.alts) {
        const [name, op] = a.split(':');
        if (name !== alt) continue;
        operandsWithWire.add(op ?? '');
        max = Math.max(max, Number(op));
      }
    }
    // Operands are numbered densely; a gap or fewer operands with wire messages than declared means an empty one.
    return operandsWithWire.size < max + 1 || this.declaredOperands(alt) > operandsWithWire.size;
  }

  private declaredOperands(alt: string): number {
    return this.expected.altSizes.get(alt) ?? 0;
  }
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

/** Signature of an expected message: what it must be on the wire. */
function expectedSignature(m: ExpectedMessage): string {
  const t = m.type;
  if (t.protocol === 'sip') return t.type === 'request' ? `R:${t.method}` : `S:${t.status}`;
  if (t.protocol === 'mbcp') return `M:${t.name.replace(/^Media Burst /, '')}`;
  return `I:${t.name}`;
}

/** Signature of an observed message. */
function observedSignature(o: ObservedMessage): string {
  if (o.sip) return o.sip.kind === 'request' ? `R:${o.sip.method}` : `S:${o.sip.status}`;
  if (o.mbcp) return `M:${o.mbcp.kind}`;
  return '?';
}
