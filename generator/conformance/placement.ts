/**
 * Where an observed message may go in an instance: which steps have its
 * signature, whether a step's predecessors are matched (per loop iteration,
 * Z.120 weak sequencing between iterations), which alt operands the
 * instance's matches exclude, and which loop iteration a new dialog takes.
 */
import type { ExpectedFlow, ExpectedMessage } from './expected.js';
import { cseqMethodOf } from './header-scan.js';
import {
  operandsOf,
  requestMethod,
  slot,
  slotMessage,
  type Instance,
  type OperandOf,
} from './instance.js';
import { mbcpKindOf } from './mbcp-values.js';
import type { ObservedMessage } from './observed.js';
import type { ParticipantBindings } from './participants.js';

/** Step placement rules of one expected flow. */
export class StepPlacement {
  /** Wire messages by signature ("R:BYE", "S:200", "M:Disconnect"), in the flow's order. */
  private readonly bySignature = new Map<string, ExpectedMessage[]>();
  /**
   * The same lists by request method, by response status and by MBCP kind: a message's list is
   * found without making its signature's text.
   */
  private readonly byMethod = new Map<string, ExpectedMessage[]>();
  private readonly byStatus = new Map<number, ExpectedMessage[]>();
  private readonly byKind = new Map<string, ExpectedMessage[]>();
  /**
   * Per response status, per CSeq method the flow's steps of that status answer: the steps a
   * response of that method can be (see {@link responseSteps}). A method no step answers takes
   * the status's steps that answer no known request, shared per status.
   */
  private readonly byStatusMethod = new Map<number, Map<string, ExpectedMessage[]>>();
  private readonly byStatusOther = new Map<number, ExpectedMessage[]>();
  /** The last message given to {@link candidates}, and its candidates. */
  private lastObserved: ObservedMessage | undefined;
  private lastCandidates: readonly ExpectedMessage[] = [];
  /**
   * {@link operandsOf} of each message, by its index: {@link excluded} asks about a dozen steps
   * for each message placed, and an array is read faster than the weak map behind operandsOf.
   */
  private readonly operands: readonly (readonly OperandOf[])[];

  constructor(
    private readonly expected: ExpectedFlow,
    wireByEvent: readonly ExpectedMessage[],
  ) {
    this.operands = expected.messages.map((m) => operandsOf(m));
    for (const m of wireByEvent) {
      const key = expectedSignature(m);
      this.bySignature.set(key, [...(this.bySignature.get(key) ?? []), m]);
    }
    for (const [key, steps] of this.bySignature) {
      const rest = key.slice(2);
      if (key.startsWith('R:')) this.byMethod.set(rest, steps);
      else if (key.startsWith('S:') && String(Number(rest)) === rest) {
        const status = Number(rest);
        this.byStatus.set(status, steps);
        // The steps a response of CSeq method `method` (undefined: one no step answers) can be.
        const answering = (method: string | undefined): ExpectedMessage[] =>
          steps.filter((x) => {
            const asked = requestMethod(expected, x);
            return asked === undefined || asked === method;
          });
        const perMethod = new Map<string, ExpectedMessage[]>();
        for (const m of steps) {
          const method = requestMethod(expected, m);
          if (method !== undefined && !perMethod.has(method))
            perMethod.set(method, answering(method));
        }
        this.byStatusMethod.set(status, perMethod);
        this.byStatusOther.set(status, answering(undefined));
      } else if (key.startsWith('M:')) this.byKind.set(rest, steps);
    }
  }

  /** True when another operand of the alt of `operand` ("alt0:1") has a match. */
  operandExcluded(inst: Instance, operand: string): boolean {
    const alt = operand.slice(0, operand.indexOf(':'));
    const matches = inst.matches;
    for (let i = 0; i < matches.size; i++) {
      const m = this.expected.messages[slotMessage(matches.slotAt(i))];
      if (m && operandsOf(m).some((o) => o.alt === alt && o.operand !== operand)) return true;
    }
    return false;
  }

  altHasMatch(inst: Instance, alt: string): boolean {
    const matches = inst.matches;
    for (let i = 0; i < matches.size; i++) {
      const m = this.expected.messages[slotMessage(matches.slotAt(i))];
      if (m && operandsOf(m).some((o) => o.alt === alt)) return true;
    }
    return false;
  }

  /**
   * True when an immediate predecessor of m is matched (or m has none): in the same iteration
   * when both are in the same loop, in any otherwise. With `causal`, an immediate causal
   * predecessor will do too: a proxy or B2BUA may send in one dialog before another as the
   * network delivers their triggers (expected.ts, causalBefore).
   */
  ready(inst: Instance, m: ExpectedMessage, it: number, causal = false): boolean {
    if (!this.previousIterationDone(inst, m, it)) return false;
    const preds = this.expected.immediate[m.index] ?? [];
    if (preds.length === 0 || this.anyMatched(inst, m, it, preds)) return true;
    return causal && this.anyMatched(inst, m, it, this.expected.causalImmediate[m.index] ?? []);
  }

  private anyMatched(
    inst: Instance,
    m: ExpectedMessage,
    it: number,
    preds: readonly number[],
  ): boolean {
    for (const p of preds) {
      const pm = this.expected.messages[p];
      if (!pm) continue;
      if (pm.context.loop === undefined) {
        if (inst.matches.has(slot(p, 0))) return true;
      } else if (pm.context.loop === m.context.loop) {
        if (inst.matches.has(slot(p, it))) return true;
      } else {
        const matches = inst.matches;
        for (let i = 0; i < matches.size; i++)
          if (slotMessage(matches.slotAt(i)) === p) return true;
      }
    }
    return false;
  }

  /**
   * Z.120 loops compose iterations by weak sequencing: on each lifeline, the events of one
   * iteration come before those of the next. A new iteration is opened by m's sender only once
   * every message it sent or received in the previous iteration was seen; before that, the
   * message belongs to another instance (PoC Server X releasing another session, Figure 18).
   */
  previousIterationDone(inst: Instance, m: ExpectedMessage, it: number): boolean {
    const loop = m.context.loop;
    if (loop === undefined || it === 0 || it < (inst.loopIterations.get(loop) ?? 0)) return true;
    return this.expected.wire.every(
      (w) =>
        w.context.loop !== loop ||
        (w.from !== m.from && w.to !== m.from) ||
        w.context.opts.length > m.context.opts.length ||
        this.excluded(inst, w) ||
        inst.matches.has(slot(w.index, it - 1)),
    );
  }

  /** True when another operand of one of m's alts already has a match. */
  excluded(inst: Instance, m: ExpectedMessage): boolean {
    if (m.context.alts.length === 0) return false;
    for (const { operand, alt, op } of this.operands[m.index] ?? operandsOf(m)) {
      if (inst.banned.has(operand)) return true;
      const taken = inst.altTaken.get(alt);
      if (!taken) continue;
      for (const t of taken) if (t !== op) return true;
    }
    return false;
  }

  /** The iteration a new binding of m's group would take in the instance (not yet created). */
  peekIteration(inst: Instance, m: ExpectedMessage): number {
    return this.nextOpen(inst, m, 0);
  }

  /**
   * Every iteration {@link peekIteration} could give `m`, in order: those of m's loop not bound
   * in its group whose immediate predecessor is matched; the next new one when there is none.
   */
  openIterations(inst: Instance, m: ExpectedMessage): number[] {
    const loop = m.context.loop;
    if (loop === undefined) return [0];
    const count = inst.loopIterations.get(loop) ?? 0;
    const out: number[] = [];
    for (let it = this.nextOpen(inst, m, 0); it < count; it = this.nextOpen(inst, m, it + 1))
      out.push(it);
    return out.length > 0 ? out : [count];
  }

  /**
   * The first iteration from `from` on of m's loop not bound in m's group whose immediate
   * predecessor is matched; the loop's iteration count (a new one) when there is none; 0 outside
   * loops.
   */
  private nextOpen(inst: Instance, m: ExpectedMessage, from: number): number {
    const loop = m.context.loop;
    if (loop === undefined) return 0;
    const count = inst.loopIterations.get(loop) ?? 0;
    const bound = inst.iterationsOf(m.group);
    const preds = this.expected.immediate[m.index] ?? [];
    for (let it = from; it < count; it++)
      if (!bound.includes(it) && preds.some((p) => inst.matches.has(slot(p, it)))) return it;
    return count;
  }

  /** Creates the iteration `it` of m's loop when it is new. */
  commitIteration(inst: Instance, m: ExpectedMessage, it: number): void {
    const loop = m.context.loop;
    if (loop !== undefined && it >= (inst.loopIterations.get(loop) ?? 0))
      inst.setLoopIterations(loop, it + 1);
  }

  /**
   * Tries to join a message to an open instance. `speculative` selects the
   * groups inside opt fragments and loops: they are tried only after the
   * message could not start an instance of its own.
   */
  candidates(o: ObservedMessage): readonly ExpectedMessage[] {
    // Asked for every instance a message is tried on: read once per message.
    if (this.lastObserved !== o) {
      this.lastObserved = o;
      this.lastCandidates = this.signatureSteps(o) ?? [];
    }
    return this.lastCandidates;
  }

  /**
   * The steps `o` can be: those of its signature ({@link observedSignature}, found without making
   * its text), and for a response only those answering a request of its CSeq method
   * ({@link responseSteps}).
   */
  private signatureSteps(o: ObservedMessage): ExpectedMessage[] | undefined {
    const sip = o.sip;
    if (sip) {
      if (sip.kind === 'request') return this.byMethod.get(sip.method);
      const method = cseqMethodOf(sip.headers.get('cseq'));
      return this.responseSteps(sip.status, method);
    }
    if (o.mbcp) return this.byKind.get(o.mbcp.kind);
    return this.bySignature.get('?');
  }

  /**
   * The steps of `status` a response with CSeq method `method` (undefined: none readable) can be:
   * a step whose request the flow knows fits only a response of that request's method (RFC 3261
   * 8.1.1.5, 17.1.3; `Instance.fits`), a step whose request it does not know fits any. On a busy
   * capture the 200 OKs of keepalives (OPTIONS) and registrations would otherwise each be planned
   * against every open instance: the benchmark's capture with as many keepalives as messages of
   * the flow took 150 s instead of 2.5.
   */
  private responseSteps(status: number, method: string | undefined): ExpectedMessage[] | undefined {
    if (!this.byStatus.has(status)) return undefined;
    const known = method === undefined ? undefined : this.byStatusMethod.get(status)?.get(method);
    return known ?? this.byStatusOther.get(status);
  }

  /** Every step of `o`'s signature, its CSeq method aside (see {@link conflicts}). */
  private allSignatureSteps(o: ObservedMessage): readonly ExpectedMessage[] {
    const sip = o.sip;
    if (sip?.kind === 'response') return this.byStatus.get(sip.status) ?? [];
    return this.candidates(o);
  }

  /** The frame of the step {@link latestPredecessorStep} last found. */
  predecessorFrame = 0;

  /**
   * The latest matched predecessor of `m` in the instance (any iteration), if any; its frame in
   * {@link predecessorFrame} (read at once: no object is made for the answer).
   */
  latestPredecessorStep(inst: Instance, m: ExpectedMessage): ExpectedMessage | undefined {
    let best: ExpectedMessage | undefined;
    let bestFrame = 0;
    for (const p of this.expected.before[m.index] ?? []) {
      const pm = this.expected.messages[p];
      if (!pm) continue;
      const matches = inst.matches;
      for (let i = 0; i < matches.size; i++) {
        if (slotMessage(matches.slotAt(i)) !== p) continue;
        const frame = matches.frameAt(i);
        if (!best || frame > bestFrame) {
          best = pm;
          bestFrame = frame;
        }
      }
    }
    this.predecessorFrame = bestFrame;
    return best;
  }

  /** Alt operands the instance took that keep `o` from a step of its kind in another operand. */
  conflicts(inst: Instance, o: ObservedMessage, people: ParticipantBindings): Set<string> {
    // Participants inferred only from steps inside alts may be wrong too (the IWF whose BYE was
    // taken for the client's): then any message of the kind may call for a replay.
    const loose = inst.plainMatches === 0;
    const out = new Set<string>();
    // Loose, a step is asked about without `fits`: every step of the message's signature.
    for (const m of loose ? this.allSignatureSteps(o) : this.candidates(o)) {
      if (m.context.alts.length === 0 || !this.excluded(inst, m)) continue;
      if (!loose && !inst.fits(m, o, this.peekIteration(inst, m), people)) continue;
      for (const a of m.context.alts) {
        const [alt = ''] = a.split(':');
        for (const taken of inst.takenOperands(alt)) if (taken !== a) out.add(taken);
      }
    }
    return out;
  }
}

/** Signature of an expected message: what it must be on the wire. */
export function expectedSignature(m: ExpectedMessage): string {
  const t = m.type;
  if (t.protocol === 'sip') return t.type === 'request' ? `R:${t.method}` : `S:${t.status}`;
  if (t.protocol === 'mbcp') return `M:${mbcpKindOf(m) ?? ''}`;
  return `I:${t.name}`;
}

/** Signature of an observed message. */
export function observedSignature(o: ObservedMessage): string {
  if (o.sip) return o.sip.kind === 'request' ? `R:${o.sip.method}` : `S:${o.sip.status}`;
  if (o.mbcp) return `M:${o.mbcp.kind}`;
  return '?';
}
