/**
 * One instance of a flow in the traffic: the dialogs (Call-IDs) joined to
 * it, the observed message matched to each expected message (per loop
 * iteration), retransmissions, unexpected messages and bound variables.
 */
import type { SipMessage } from '../../runtime/sip/message/index.js';
import type { DialogSummary } from './dialog-summary.js';
import { cseqMethodEnd, cseqMethodStart, spanIs, tagEnd, tagStart } from './header-scan.js';
import { MessageLog } from './logged-message.js';
import { mbcpDiffs, mbcpKindOf } from './mbcp-values.js';
import { participantEnds } from './stream-ends.js';
import {
  endpoints,
  identityHigh,
  identityLow,
  packetParts,
  sipParts,
  viaBranch,
  type BranchSpan,
} from './transmission-identity.js';
import type { ExpectedFlow, ExpectedMessage } from './expected.js';
import { describeType } from './expected.js';
import type { ObservedMessage } from './observed.js';
import { seconds, summarize } from './observed.js';
import { bindingIteration, InstanceBindings, type ParticipantBindings } from './participants.js';
import type { DialogEvidence, InsideHopReport, UnexpectedReport } from './report.js';
import type { Value } from '../model/flow-model.js';
import type { ValueRequirement } from './value-requirements.js';
import {
  checkValues,
  mayBind,
  observedField,
  type FieldDiff,
  type ValueContext,
} from './values.js';

/** An observed message matched to an expected one (only what the verdict needs is kept). */
export interface Match {
  readonly frame: number;
  /** Seconds since the epoch. */
  readonly time: number;
  /** The message itself, kept only when a later step derives a value from it. */
  readonly observed: ObservedMessage | undefined;
  readonly diffs: readonly FieldDiff[];
  retransmissions: number;
  /** Set when the message resembles the step but differs in kind (status, direction). */
  readonly loose: boolean;
}

/** The diffs of a match that differs in nothing (frozen: shared by every such match). */
const NO_DIFFS: readonly FieldDiff[] = Object.freeze([]);

/** Messages an instance keeps for a replay (alt operands chosen again); bigger ones are not replayed. */
const MAX_LOG = 256;

/** A message matched to a step, as the evidence of a participant's first sighting names it. */
interface Sighting {
  m: ExpectedMessage | undefined;
  frame: number;
}

/** The sighting {@link Instance.bindEnds} hands to the bindings. */
const lastSighting: Sighting = { m: undefined, frame: 0 };

function stepOf(x: Sighting): string {
  return x.m ? `${describeType(x.m.type)} of step ${x.m.id}` : '(no step)';
}

function senderOf(x: Sighting): string {
  return `sender of ${stepOf(x)}, frame ${x.frame}`;
}

function receiverOf(x: Sighting): string {
  return `receiver of ${stepOf(x)}, frame ${x.frame}`;
}

/** An alt operand a step lies in ("alt0:1"), with its alt ("alt0") and operand ("1") apart. */
export interface OperandOf {
  readonly operand: string;
  readonly alt: string;
  readonly op: string;
}

/** {@link operandsOf} per expected message: the flow does not change during a check. */
const operandParts = new WeakMap<ExpectedMessage, readonly OperandOf[]>();

/** The alt operands `m` lies in, split once per step rather than for every message tried. */
export function operandsOf(m: ExpectedMessage): readonly OperandOf[] {
  let parts = operandParts.get(m);
  if (parts === undefined) {
    parts = m.context.alts.map((operand) => {
      const colon = operand.indexOf(':');
      return { operand, alt: operand.slice(0, colon), op: operand.slice(colon + 1) };
    });
    operandParts.set(m, parts);
  }
  return parts;
}

/** The key of an expected message in one loop iteration. */
export function slot(message: number, iteration: number): number {
  return iteration * 65536 + message;
}

/** The expected message of a slot. */
export function slotMessage(key: number): number {
  return key % 65536;
}

/** Whether a request's sender is the dialog's calling party; undefined when the trace cannot tell. */
function senderIsCaller(
  sip: SipMessage | undefined,
  dialog: DialogSummary | undefined,
): boolean | undefined {
  // No initial INVITE seen (a capture that starts with the BYE): nothing to compare, no scan.
  if (sip?.kind !== 'request' || dialog?.callingTag === undefined) return undefined;
  const from = sip.headers.get('from');
  // Compared where it lies in the From value: no copy of the tag.
  const start = from ? tagStart(from) : -1;
  if (from === undefined || start < 0) return undefined;
  return spanIs(from, start, tagEnd(from, start), dialog.callingTag);
}

/** The id prefix of an expected message's flow (refs expand to "flow:step"), per message. */
const prefixes = new WeakMap<ExpectedMessage, string>();

function stepPrefix(m: ExpectedMessage): string {
  let p = prefixes.get(m);
  if (p === undefined) {
    p = m.id.slice(0, m.id.length - m.step.id.length);
    prefixes.set(m, p);
  }
  return p;
}

/** requestMethod per expected message: the flow does not change during a check. */
const requestMethods = new WeakMap<ExpectedMessage, string | undefined>();

/** The method of the request a response answers (its CSeq method). */
export function requestMethod(exp: ExpectedFlow, m: ExpectedMessage): string | undefined {
  if (requestMethods.has(m)) return requestMethods.get(m);
  const method = findRequestMethod(exp, m, new Set());
  requestMethods.set(m, method);
  return method;
}

function findRequestMethod(
  exp: ExpectedFlow,
  m: ExpectedMessage,
  seen: Set<number>,
): string | undefined {
  if (m.type.protocol !== 'sip') return undefined;
  if (m.type.type === 'request') return m.type.method;
  if (seen.has(m.index)) return undefined;
  seen.add(m.index);
  if (m.answers !== undefined) {
    const a = exp.messages[m.answers];
    return a ? findRequestMethod(exp, a, seen) : undefined;
  }
  const relayed = m.step.relays;
  if (relayed === undefined) return undefined;
  const prefix = m.id.slice(0, m.id.length - m.step.id.length);
  const r = exp.messages.find((x) => x.id === `${prefix}${relayed}`);
  return r ? findRequestMethod(exp, r, seen) : undefined;
}

/** The last message given to {@link cseqMethodIs}, its CSeq value and where the method lies in it. */
let lastCseqOf: ObservedMessage | undefined;
let lastCseq = '';
let lastMethodStart = -1;
let lastMethodEnd = -1;

/** Whether the CSeq method of a message is `method` (RFC 3261 8.1.1.5); each step tried asks. */
function cseqMethodIs(o: ObservedMessage, method: string): boolean {
  if (lastCseqOf !== o) {
    lastCseq = o.sip?.headers.get('cseq') ?? '';
    lastMethodStart = cseqMethodStart(lastCseq);
    lastMethodEnd = lastMethodStart < 0 ? -1 : cseqMethodEnd(lastCseq, lastMethodStart);
    lastCseqOf = o;
  }
  return lastMethodStart >= 0 && spanIs(lastCseq, lastMethodStart, lastMethodEnd, method);
}

/** The span {@link topBranch} fills: one per module, read at once by its caller. */
const branchSpan: BranchSpan = { text: '', start: 0, end: 0 };

/**
 * The branch of the top Via (RFC 3261 8.1.1.7), '' when there is none, as a span of the text that
 * holds it: no copy is made for a comparison.
 */
function topBranch(sip: SipMessage): BranchSpan {
  // Parsed already (a message built or parsed in full): read, not scanned for.
  const parsed = sip.headers.firstParsed('via') as readonly { branch?: string }[] | undefined;
  if (parsed !== undefined) {
    const span = branchSpan;
    span.text = parsed[0]?.branch ?? '';
    span.start = 0;
    span.end = span.text.length;
    return span;
  }
  // Otherwise the text of the first entry tells it: the message was parsed strictly before (a
  // capture's message read again), or its Via is one the parser would reject (built by hand).
  return viaBranch(sip.headers.get('via'), branchSpan);
}

/** Identity of a transmission, to recognise retransmissions (RFC 3261 17: same branch, CSeq, method or status). */
export function transmissionKey(o: ObservedMessage): string {
  if (o.mbcp) return `mbcp|${o.mbcp.kind}|${o.src.ip}:${o.src.port}>${o.dst.ip}:${o.dst.port}`;
  const sip = o.sip;
  if (!sip) return `raw|${o.frame}`;
  const b = topBranch(sip);
  const branch = b.text.slice(b.start, b.end);
  const cseq = sip.headers.get('cseq') ?? '';
  const head = sip.kind === 'request' ? sip.method : String(sip.status);
  // Joined rather than concatenated: one flat string, where a concatenation would keep every
  // piece (and the header values they were cut from) for as long as the key is kept.
  return [head, branch, cseq, o.src.ip, o.src.port, o.dst.ip, o.dst.port].join('|');
}

/**
 * The message {@link readIdentity} last read, and its identity: each message is compared with
 * every transmission of its instance, and is recorded after.
 */
let idOf: ObservedMessage | undefined;
let idHigh = 0;
let idLow = 0;

/**
 * The identity of a transmission (transmission-identity.ts) as two small integers, the upper 32
 * bits of its hash and the lower 21: the one the reading thread worked out and the message
 * carries, else worked out here from {@link transmissionKey}'s parts. The parts, in order: the
 * kind (SIP request or response, MBCP, anything else), the method, status, MBCP kind or
 * (anything else) frame, the branch, the CSeq value and both endpoints.
 */
function readIdentity(o: ObservedMessage): void {
  if (idOf === o) return;
  idOf = o;
  const low = o.transmissionLow;
  if (low !== undefined && low >= 0) {
    idHigh = o.transmissionHigh ?? 0;
    idLow = low;
    return;
  }
  const sip = o.sip;
  if (o.mbcp !== undefined || sip === undefined) packetParts(o.mbcp?.kind, o.frame);
  else {
    const request = sip.kind === 'request';
    sipParts(
      request ? sip.method : undefined,
      request ? 0 : sip.status,
      topBranch(sip),
      sip.headers.get('cseq') ?? '',
    );
  }
  const h = endpoints(o.src.ip, o.src.port, o.dst.ip, o.dst.port);
  idHigh = identityHigh(h);
  idLow = identityLow(h);
}

/**
 * The identity {@link readIdentity} gives `o`, as one number: what the reading thread worked
 * out, or else the engine (a test compares the two).
 */
export function transmissionIdentity(o: ObservedMessage): number {
  readIdentity(o);
  return (idHigh >>> 0) * 2 ** 21 + idLow;
}

/**
 * Where a message of one signature could join an instance in one mode: per step it could take,
 * the addresses its sender and receiver are bound to (undefined when free), in pairs in one flat
 * list (no pair made); null when some step has both ends free (anything may join).
 */
export type JoinEnds = readonly (string | undefined)[] | null;

/** What {@link JoinMemos.get} gives for a signature not asked about since the last change. */
export const UNKNOWN_ENDS: readonly (string | undefined)[] = Object.freeze([]);

/**
 * An instance's {@link JoinEnds} of one mode, by the signature's list of steps, as of the
 * instance's current revision (cleared at each change): a message kind or two per instance, the
 * first in fields of its own, any other in a list found by a scan. Kept and cleared rather than
 * made again: an instance changes with nearly every message it takes.
 */
export class JoinMemos {
  private steps0: readonly ExpectedMessage[] | undefined = undefined;
  private ends0: JoinEnds = null;
  /** Other signatures, as steps and ends in turn. */
  private more: unknown[] | undefined = undefined;

  /** The ends memoised for `steps`, {@link UNKNOWN_ENDS} when none are. */
  get(steps: readonly ExpectedMessage[]): JoinEnds {
    if (this.steps0 === steps) return this.ends0;
    const more = this.more;
    if (more !== undefined)
      for (let i = 0; i < more.length; i += 2)
        if (more[i] === steps) return more[i + 1] as JoinEnds;
    return UNKNOWN_ENDS;
  }

  set(steps: readonly ExpectedMessage[], ends: JoinEnds): void {
    if (this.steps0 === undefined || this.steps0 === steps) {
      this.steps0 = steps;
      this.ends0 = ends;
      return;
    }
    const more = (this.more ??= []);
    for (let i = 0; i < more.length; i += 2)
      if (more[i] === steps) {
        more[i + 1] = ends;
        return;
      }
    more.push(steps, ends);
  }

  /** Forgets every signature (the lists of ends are let go). */
  clear(): void {
    this.steps0 = undefined;
    this.ends0 = null;
    this.more = undefined;
  }
}

/**
 * What most instances never fill, shared until they do: loop iterations (no loop step placed),
 * banned operands (no replay), operands taken (no alt step placed). An instance open for
 * thousands of messages then carries no empty containers.
 */
const NO_LOOPS: ReadonlyMap<string, number> = new Map();
const NO_OPERANDS: ReadonlySet<string> = new Set();
const NO_ALTS: ReadonlyMap<string, ReadonlySet<string>> = new Map();
const NO_VARS: ReadonlyMap<string, string> = new Map();

/** The iterations of a group no iteration is bound in (shared: asked for on every message). */
const NO_ITERATIONS: readonly number[] = [];

/**
 * The iterations of a group bound in its first iteration only, as most are (shared until another
 * is). Not frozen: iterating a frozen list takes a generic path that makes an object per step.
 */
const FIRST_ITERATION: readonly number[] = [0];

/** The addresses of an instance that has exchanged no message yet (not frozen, as above). */
const NO_ADDRESSES: readonly string[] = [];

/** The variables of a closed scope: none. */
const NO_SCOPE_VARS = new Map<string, string>();

/**
 * What the value checks of one step read ({@link ValueContext}), for one message at a time: one
 * object reused for every check rather than a context and a closure per step tried. The dialog
 * and whether the sender is its calling party are looked up only when a derived value asks.
 */
class ValueScope implements ValueContext {
  vars: Map<string, string> = NO_SCOPE_VARS;
  requirements: ReadonlyMap<Value, ValueRequirement> | undefined;
  private inst: Instance | undefined;
  private m: ExpectedMessage | undefined;
  private iteration = 0;
  private o: ObservedMessage | undefined;
  private summaries: ReadonlyMap<string, DialogSummary> | undefined;
  private read = false;
  private dialogOf: DialogSummary | undefined;
  private callerSends: boolean | undefined;

  open(
    inst: Instance,
    m: ExpectedMessage,
    iteration: number,
    o: ObservedMessage,
    summaries: ReadonlyMap<string, DialogSummary>,
  ): void {
    this.inst = inst;
    this.m = m;
    this.iteration = iteration;
    this.o = o;
    this.summaries = summaries;
    this.requirements = inst.expected.requirements;
    this.read = false;
  }

  /** Lets go of the instance and message checked (the scope outlives them). */
  close(): void {
    this.inst = undefined;
    this.m = undefined;
    this.o = undefined;
    this.summaries = undefined;
    this.dialogOf = undefined;
    this.vars = NO_SCOPE_VARS;
    this.requirements = undefined;
  }

  private readDialog(): void {
    if (this.read) return;
    this.read = true;
    const sip = this.o?.sip;
    const callId = sip?.headers.get('call-id')?.trim();
    this.dialogOf = callId ? this.summaries?.get(callId) : undefined;
    this.callerSends = senderIsCaller(sip, this.dialogOf);
  }

  get dialog(): DialogSummary | undefined {
    this.readDialog();
    return this.dialogOf;
  }

  get senderIsCaller(): boolean | undefined {
    this.readDialog();
    return this.callerSends;
  }

  stepField(step: string, field: string): string | null | undefined {
    if (this.inst === undefined || this.m === undefined) return undefined;
    return this.inst.stepField(this.m, this.iteration, step, field);
  }
}

/** The one scope value checks read: checks run one at a time, never nested. */
const valueScope = new ValueScope();

/** A list of numbers with no room: shared by every instance until it keeps a number. */
const NO_NUMBERS: number[] = [];

/**
 * A list of numbers with room for `need`: `list` itself when it has room, else a copy half as
 * long again. The lists an instance keeps are made with the room its flow calls for (see
 * {@link Instance}): an empty list's first push reserves room for 17, and each growth leaves the
 * list before it for the garbage collector, promoted with the instance on a busy capture.
 */
function withRoom(list: number[], need: number): number[] {
  if (need <= list.length) return list;
  const out = new Array<number>(Math.max(need, list.length + (list.length >> 1))).fill(0);
  for (let i = 0; i < list.length; i++) out[i] = list[i] ?? 0;
  return out;
}

/**
 * What few matches have besides their frame and time: the message kept, differences, a loose
 * fit, retransmissions.
 */
interface MatchRest {
  readonly observed: ObservedMessage | undefined;
  readonly diffs: readonly FieldDiff[];
  readonly loose: boolean;
  readonly retransmissions: number;
}

/** Numbers kept per match in {@link SlotMatches}: slot, mark, time. */
const STRIDE = 3;

/**
 * The matches of an instance by slot, in the order their slots were first matched. An open
 * instance lives through thousands of other sessions' messages, so what it keeps is copied by
 * every young-generation collection and then promoted: a match is three numbers in one list (no
 * object, no boxed time) and only the rare match that keeps its message, differs, fits loosely
 * or was retransmitted has an object besides. A scan of a dozen slots finds one as fast as a hash.
 */
export class SlotMatches {
  /**
   * Per match, {@link STRIDE} numbers: its slot; its frame times two, plus one when the match
   * differs from its step (what a verdict asks of every slot); its time in seconds.
   */
  private cols: number[] = NO_NUMBERS;
  /** Matches kept: the rows of {@link cols} in use (the list has room for more). */
  private count = 0;
  /** Per match its {@link MatchRest}, undefined for a plain one; no list while every match is plain. */
  private rest: (MatchRest | undefined)[] | undefined;
  /**
   * Bit k set when slot k (step k of the first iteration, k < 31) is matched: most questions are
   * about those slots, and this answers them without a scan.
   */
  private low = 0;
  /** Whether every matched slot is one of those {@link low} tells (a first-iteration step below 31). */
  private onlyLow = true;

  /** Room for `expected` matches, made at the first (an instance's mandatory steps, say). */
  constructor(private readonly expected = 8) {}

  get size(): number {
    return this.count;
  }

  /** The slot of the `i`th match (in the order slots were first matched). */
  slotAt(i: number): number {
    // As a small integer: the list holds doubles, and the remainder of a double (slotMessage)
    // is a call where that of an integer is one instruction.
    return (this.cols[i * STRIDE] ?? -1) | 0;
  }

  /** The frame of the `i`th match. */
  frameAt(i: number): number {
    return Math.floor((this.cols[i * STRIDE + 1] ?? 0) / 2);
  }

  has(key: number): boolean {
    if (key >= 0 && key < 31) return (this.low & (1 << key)) !== 0;
    return this.indexOf(key) >= 0;
  }

  /** The match of a slot, as a new object (a verdict reads it once). */
  get(key: number): Match | undefined {
    if (key >= 0 && key < 31 && (this.low & (1 << key)) === 0) return undefined;
    const i = this.indexOf(key);
    if (i < 0) return undefined;
    const at = i * STRIDE;
    const rest = this.rest?.[i];
    return {
      frame: Math.floor((this.cols[at + 1] ?? 0) / 2),
      time: this.cols[at + 2] ?? 0,
      observed: rest?.observed,
      diffs: rest?.diffs ?? NO_DIFFS,
      retransmissions: rest?.retransmissions ?? 0,
      loose: rest?.loose ?? false,
    };
  }

  /** Sets the match of a slot (a slot matched again keeps its place in the order). */
  set(key: number, match: Match): void {
    this.put(key, match.frame, match.time, match.observed, match.diffs, match.loose);
    for (let n = 0; n < match.retransmissions; n++) this.retransmitted(key);
  }

  /** Sets the match of a slot from its parts, with no retransmissions yet (see {@link set}). */
  put(
    key: number,
    frame: number,
    time: number,
    observed: ObservedMessage | undefined,
    diffs: readonly FieldDiff[],
    loose: boolean,
  ): void {
    let i = this.has(key) ? this.indexOf(key) : -1;
    const mark = frame * 2 + (diffs.length > 0 ? 1 : 0);
    if (i >= 0) {
      const cols = this.cols;
      const at = i * STRIDE;
      cols[at + 1] = mark;
      cols[at + 2] = time;
    } else {
      i = this.count++;
      const at = i * STRIDE;
      // Made at the first match: an instance that starts nothing makes none.
      if (this.cols === NO_NUMBERS)
        this.cols = new Array<number>(Math.max(1, this.expected) * STRIDE).fill(0);
      const room = withRoom(this.cols, at + STRIDE);
      this.cols = room;
      room[at] = key;
      room[at + 1] = mark;
      room[at + 2] = time;
      if (key >= 0 && key < 31) this.low |= 1 << key;
      else this.onlyLow = false;
    }
    const plain = observed === undefined && diffs.length === 0 && !loose;
    this.setRest(
      i,
      plain
        ? undefined
        : { observed, diffs: diffs.length === 0 ? NO_DIFFS : diffs, loose, retransmissions: 0 },
    );
  }

  /** Counts a retransmission of the message matched to a slot (rare: its rest is made anew). */
  retransmitted(key: number): void {
    const i = this.has(key) ? this.indexOf(key) : -1;
    if (i < 0) return;
    const rest = this.rest?.[i];
    this.setRest(i, {
      observed: rest?.observed,
      diffs: rest?.diffs ?? NO_DIFFS,
      loose: rest?.loose ?? false,
      retransmissions: (rest?.retransmissions ?? 0) + 1,
    });
  }

  /** Sets the rest of match `i` (a match matched again starts with none but what it brings). */
  private setRest(i: number, rest: MatchRest | undefined): void {
    if (rest === undefined && this.rest === undefined) return;
    const all = (this.rest ??= []);
    while (all.length < i) all.push(undefined);
    all[i] = rest;
  }

  /**
   * The matched slots as bits (bit k for step k of the first iteration) when every matched slot
   * is such a slot (k < 31); -1 otherwise.
   */
  firstIterationBits(): number {
    return this.onlyLow ? this.low : -1;
  }

  /** The frame matched to a slot, -1 when it has no match. */
  frameOf(key: number): number {
    if (key >= 0 && key < 31 && (this.low & (1 << key)) === 0) return -1;
    const i = this.indexOf(key);
    return i < 0 ? -1 : Math.floor((this.cols[i * STRIDE + 1] ?? 0) / 2);
  }

  /** Whether a slot has a match that does not differ from its step. */
  clean(key: number): boolean {
    if (key >= 0 && key < 31 && (this.low & (1 << key)) === 0) return false;
    const i = this.indexOf(key);
    return i >= 0 && (this.cols[i * STRIDE + 1] ?? 1) % 2 === 0;
  }

  private indexOf(key: number): number {
    const cols = this.cols;
    for (let i = 0, at = 0; i < this.count; i++, at += STRIDE) if (cols[at] === key) return i;
    return -1;
  }

  /** The matched slots, in order (a new list: loops over matches use {@link slotAt}). */
  keys(): readonly number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.slotAt(i));
    return out;
  }
}

/** One list of steps per single step id, shared by the evidence of every dialog joined at it. */
const stepLists = new Map<string, readonly string[]>();

/** The list of one step id (shared). */
function stepList(steps: readonly string[]): readonly string[] {
  if (steps.length !== 1) return steps;
  const id = steps[0] as string;
  const shared = stepLists.get(id);
  if (shared !== undefined) return shared;
  stepLists.set(id, steps);
  return steps;
}

/**
 * How a dialog joined an instance, when its evidence is written only for the report
 * ({@link EvidenceList.join}): the message that started the instance; a message that follows a
 * matched predecessor; one joined at a frame; a later step of a dialog already joined.
 */
export const JOINED_START = 0;
export const JOINED_AFTER = 1;
export const JOINED_AT = 2;
export const JOINED_ALREADY = 3;

/** Things per dialog in {@link EvidenceList}: Call-ID, steps, text or kind, frame, step, predecessor, its frame. */
const EVIDENCE = 7;

/**
 * The evidence of how each dialog joined an instance ({@link DialogEvidence}), kept as
 * {@link EVIDENCE} things each in one list of exactly their number (a dialog or two per
 * instance, each added by a copy one longer): no object per dialog, and a step list shared by
 * every dialog joined at the same step. An open instance keeps it through thousands of other
 * sessions' messages, so the text of a join is written when the report lists it, from the step,
 * the frames and the predecessor, rather than kept from the join.
 */
export class EvidenceList {
  private items: readonly unknown[] = NO_ITEMS;

  /** Adds a dialog's evidence as its text (its object is not kept). */
  push(e: DialogEvidence): void {
    this.add(e.callId, stepList(e.steps), e.evidence, 0, undefined, undefined, 0);
  }

  /**
   * Adds the evidence of a dialog joined as step `m` at `frame` (see {@link JOINED_START} and
   * the other kinds), after `predecessor` matched at `predecessorFrame` for {@link JOINED_AFTER}.
   */
  join(
    callId: string,
    kind: number,
    m: ExpectedMessage,
    frame: number,
    predecessor?: ExpectedMessage,
    predecessorFrame = 0,
  ): void {
    this.add(callId, stepList([m.id]), kind, frame, m, predecessor, predecessorFrame);
  }

  private add(
    callId: string,
    steps: readonly string[],
    what: string | number,
    frame: number,
    m: ExpectedMessage | undefined,
    predecessor: ExpectedMessage | undefined,
    predecessorFrame: number,
  ): void {
    const items = this.items;
    // Past a dozen dialogs (a loop joining many), the list (then its own) grows by push, as
    // copies would cost the square.
    if (items.length >= 12 * EVIDENCE) {
      (items as unknown[]).push(callId, steps, what, frame, m, predecessor, predecessorFrame);
      return;
    }
    const n = items.length;
    const grown = new Array<unknown>(n + EVIDENCE);
    for (let i = 0; i < n; i++) grown[i] = items[i];
    grown[n] = callId;
    grown[n + 1] = steps;
    grown[n + 2] = what;
    grown[n + 3] = frame;
    grown[n + 4] = m;
    grown[n + 5] = predecessor;
    grown[n + 6] = predecessorFrame;
    this.items = grown;
  }

  /** The evidence, in the order it was added, as the report lists it. */
  list(): DialogEvidence[] {
    const out: DialogEvidence[] = [];
    const items = this.items;
    for (let i = 0; i < items.length; i += EVIDENCE)
      out.push({
        callId: items[i] as string,
        steps: items[i + 1] as readonly string[],
        evidence: evidenceText(items, i),
      });
    return out;
  }
}

/** The text of the evidence at `items[i]` (see {@link EvidenceList}). */
function evidenceText(items: readonly unknown[], i: number): string {
  const what = items[i + 2] as string | number;
  if (typeof what === 'string') return what;
  const frame = items[i + 3] as number;
  const m = items[i + 4] as ExpectedMessage;
  switch (what) {
    case JOINED_START:
      return `starts the instance: ${describeType(m.type)} of step ${m.id} at frame ${frame}`;
    case JOINED_AFTER: {
      const p = items[i + 5] as ExpectedMessage;
      const by =
        p.from === m.from && m.from !== undefined
          ? `, sent by ${m.from} after its step ${p.id}`
          : '';
      const cause = `follows step ${p.id} (frame ${items[i + 6] as number})${by}`;
      return `${describeType(m.type)} of step ${m.id} (frame ${frame}) ${cause}`;
    }
    case JOINED_ALREADY:
      return `in the dialog already joined at frame ${frame}`;
    default:
      return `frame ${frame}`;
  }
}

/** The evidence of an instance that has joined no dialog yet. */
const NO_ITEMS: readonly unknown[] = [];

/** The groups of a dialog that serves one group, per group: shared, copied when one is added. */
const oneGroup: (readonly number[])[] = [];

/** One instance being assembled. */
export class Instance {
  /** slot key slot(message, iteration) -> match. */
  readonly matches: SlotMatches;
  /** Call-ID -> groups joined through it. */
  readonly callIds = new Map<string, readonly number[]>();
  /**
   * Per group (0..groups-1, ExpectedFlow `groups`), the iterations bound (loop groups can be bound
   * once per iteration); undefined for a group not bound.
   */
  private readonly groupIterations: (readonly number[] | undefined)[];
  /** loop key -> iterations created (shared and empty until a loop step is placed). */
  loopIterations: ReadonlyMap<string, number> = NO_LOOPS;
  /** Template variables bound so far (shared and empty until one is). */
  private vars: ReadonlyMap<string, string> = NO_VARS;
  readonly unexpected: UnexpectedReport[] = [];
  /** Hops inside one participant in the instance's dialogs (undefined until there is one). */
  inside: InsideHopReport[] | undefined;
  readonly evidence = new EvidenceList();
  /** Which endpoint is which participant in this instance. */
  readonly bindings: InstanceBindings;
  /**
   * The transmissions matched (RFC 3261 17), to recognise their retransmissions: per
   * transmission its identity's hash in two small integers ({@link readIdentity}) and the slot
   * its message was matched to (the latest, when matched twice). Numbers in one list: no object
   * nor copied text per message for the instance to keep.
   */
  private sent: number[] = NO_NUMBERS;
  /** Numbers of {@link sent} in use (the list has room for more). */
  private sentLength = 0;
  lastActivity: number;
  /** Capture time at which every mandatory step was matched. */
  completeAt: number | undefined;
  /**
   * Counts the changes of what placing a message depends on (matches, bound groups and through
   * them iterations and bindings): the engine's memo of where a new dialog cannot go is valid
   * while it stays the same.
   */
  revision = 0;
  /** Told of each change of {@link revision} (the engine, for its AwaitingEnds). */
  onChange: ((inst: Instance) => void) | undefined = undefined;
  /**
   * The engine's memo per join mode (`required`, `causal`) and signature, by the signature's
   * list of steps (see ConformanceChecker.cannotJoin).
   */
  private requiredMemos: JoinMemos | undefined;
  private causalMemos: JoinMemos | undefined;
  /** Matched slots inside alt operands, and outside any alt. */
  /** The latest frame matched to a step so far (-1 before any): no matched predecessor is later. */
  maxMatchedFrame = -1;
  altMatches = 0;
  plainMatches = 0;
  /**
   * IP addresses the instance's messages came from or went to (the engine's index): a handful,
   * each once, in the order they were seen.
   */
  addresses: readonly string[] = NO_ADDRESSES;
  /** Alt operands ("alt0:1") a reinterpretation ruled out for this instance. */
  banned: ReadonlySet<string> = NO_OPERANDS;
  /**
   * The messages placed in the instance, so that it can be replayed with another alt operand;
   * dropped (undefined) once the instance grows past {@link MAX_LOG} messages.
   */
  log: MessageLog | undefined;
  /** Alt -> operands its matched messages lie in (kept with `matches`, for exclusion checks). */
  altTaken: ReadonlyMap<string, ReadonlySet<string>> = NO_ALTS;
  /** Provisional responses not in the flow (RFC 3261 8.2.6: 100 Trying is hop by hop). */
  tolerated = 0;

  constructor(
    readonly id: number,
    readonly expected: ExpectedFlow,
    readonly firstFrame: number,
    /** Capture time of the first message (seconds). */
    readonly startedAt: number,
  ) {
    this.lastActivity = startedAt;
    // Room for a message per mandatory step, each sent once: what a run of the flow fills.
    const steps = Math.max(1, expected.mandatory.length);
    this.matches = new SlotMatches(steps);
    this.log = new MessageLog(steps);
    this.groupIterations = new Array<readonly number[] | undefined>(expected.groups).fill(
      undefined,
    );
    this.bindings = new InstanceBindings(expected.multiple, expected.flow.participants.size);
  }

  /**
   * Notes a change of what placing a message depends on. The memos of the revision before are
   * cleared at once: they would be made again before use, and an instance that waits for no
   * dialog any more (most, once their last message came) is not asked again, so it would keep
   * the lists they hold until it closes.
   */
  private changed(): void {
    this.revision++;
    this.onChange?.(this);
    this.requiredMemos?.clear();
    this.causalMemos?.clear();
  }

  /** The engine's memo of where a new dialog cannot join, per mode (see ConformanceChecker.cannotJoin). */
  joinMemo(mode: 'required' | 'causal'): JoinMemos {
    if (mode === 'required') return (this.requiredMemos ??= new JoinMemos());
    return (this.causalMemos ??= new JoinMemos());
  }

  /** The instance's own map of variables, to bind into. */
  private ownVars(): Map<string, string> {
    if (this.vars === NO_VARS) this.vars = new Map();
    return this.vars as Map<string, string>;
  }

  /** Notes that `loop` has `count` iterations. */
  setLoopIterations(loop: string, count: number): void {
    const loops =
      this.loopIterations === NO_LOOPS ? new Map<string, number>() : this.loopIterations;
    (loops as Map<string, number>).set(loop, count);
    this.loopIterations = loops;
  }

  /** Rules out an alt operand ("alt0:1") for this instance. */
  ban(operand: string): void {
    const banned = this.banned === NO_OPERANDS ? new Set<string>() : this.banned;
    (banned as Set<string>).add(operand);
    this.banned = banned;
  }

  /** Keeps a placed message for a replay. */
  remember(o: ObservedMessage, callId: string | undefined): void {
    if (this.log === undefined) return;
    if (this.log.length >= MAX_LOG) this.log = undefined;
    else this.log.add(o, this.knownCallId(callId));
  }

  /**
   * The instance's own copy of a Call-ID it holds: each message's Call-ID is a slice of that
   * message's text, which a log entry would otherwise keep alive.
   */
  private knownCallId(callId: string | undefined): string | undefined {
    if (callId === undefined) return undefined;
    for (const known of this.callIds.keys()) if (known === callId) return known;
    return callId;
  }

  /** Operands of `alt` that matched messages of the instance lie in. */
  takenOperands(alt: string): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i < this.matches.size; i++) {
      const m = this.expected.messages[slotMessage(this.matches.slotAt(i))];
      for (const a of m?.context.alts ?? []) if (a.startsWith(`${alt}:`)) out.add(a);
    }
    return out;
  }

  /** Does the observed message have the kind and ends of expected message `m` (in `iteration`)? */
  fits(
    m: ExpectedMessage,
    o: ObservedMessage,
    iteration: number,
    people: ParticipantBindings,
    loose = false,
  ): boolean {
    const t = m.type;
    if (t.protocol === 'indication') return false;
    if (t.protocol === 'mbcp') {
      if (!o.mbcp || o.mbcp.kind !== mbcpKindOf(m)) return false;
    } else {
      const sip = o.sip;
      if (!sip) return false;
      if (t.type === 'request') {
        if (sip.kind !== 'request' || sip.method !== t.method) return false;
      } else {
        if (sip.kind !== 'response') return false;
        const method = requestMethod(this.expected, m);
        if (method !== undefined && !cseqMethodIs(o, method)) return false;
        // A loose fit keeps the CSeq method but lets the status differ (reported as a mismatch).
        if (!loose && sip.status !== t.status) return false;
        if (loose && sip.status === t.status) return false;
        // A provisional response is no wrong final response: 1xx the flow does not draw are
        // tolerated (RFC 3261 8.2.6: 100 Trying is hop by hop), never a mismatch of a final step.
        if (loose && sip.status < 200 && t.status >= 200) return false;
      }
    }
    const it = bindingIteration(m, iteration);
    // MBCP rides in RTCP, on other ports than the participant's SIP (OMA PoC UP): like a stream,
    // it is compared by address.
    const transport = o.mbcp ? 'rtcp' : o.transport;
    let src = o.src;
    let dst = o.dst;
    // Over a stream, the listening ports the Vias name (stream-ends.ts).
    if (transport !== 'udp' && o.sip) [src, dst] = participantEnds(o);
    return (
      (m.from === undefined || people.fits(m.from, src, transport, this.bindings, it)) &&
      people.fits(m.to, dst, transport, this.bindings, it)
    );
  }

  /** True when an end of `m` is already known in the instance (bound here or fixed by the map). */
  anchored(m: ExpectedMessage, iteration: number, people: ParticipantBindings): boolean {
    return [m.from, m.to].some(
      (p) =>
        p !== undefined &&
        (people.isMapped(p) || this.bindings.get(p, bindingIteration(m, iteration)) !== undefined),
    );
  }

  /** Binds the participants of a matched message. */
  bindEnds(
    m: ExpectedMessage,
    o: ObservedMessage,
    iteration: number,
    people: ParticipantBindings,
  ): void {
    // The evidence is written only at a participant's first sighting: no text per message.
    const it = bindingIteration(m, iteration);
    // Read at once by `bind` (at a first sighting), never kept: one object serves every call.
    const sighting = lastSighting;
    sighting.m = m;
    sighting.frame = o.frame;
    // Over a stream, the listening ports the Vias name (stream-ends.ts); else the packet's ends.
    const ends = o.sip !== undefined && o.transport !== 'udp' ? participantEnds(o) : undefined;
    const src = ends ? ends[0] : o.src;
    const dst = ends ? ends[1] : o.dst;
    // MBCP binds the media endpoints, apart from the SIP ones (ParticipantBindings.mediaFits).
    const media = o.mbcp !== undefined;
    if (m.from !== undefined)
      people.bind(m.from, src, senderOf, sighting, this.bindings, it, media);
    people.bind(m.to, dst, receiverOf, sighting, this.bindings, it, media);
  }

  /**
   * The fields of `o` that differ from step `m` (iteration `iteration`); variables bind only when
   * `bind` is set, so a candidate step can be tried without changing the instance.
   */
  valueDiffs(
    m: ExpectedMessage,
    iteration: number,
    o: ObservedMessage,
    summaries: ReadonlyMap<string, DialogSummary>,
    bind = false,
  ): readonly FieldDiff[] {
    if (o.mbcp) return mbcpDiffs(this.expected, m, o);
    const step = m.step;
    // Most steps of a flow check no value (the responses): nothing to read then.
    if (step.requestUri === undefined && step.headers.length === 0 && step.body === undefined)
      return NO_DIFFS;
    const scope = valueScope;
    scope.open(this, m, iteration, o, summaries);
    // A step that binds nothing leaves the variables alone, and may read the shared empty map.
    scope.vars = !mayBind(step)
      ? (this.vars as Map<string, string>)
      : bind
        ? this.ownVars()
        : new Map(this.vars);
    try {
      return checkValues(step, o, scope);
    } finally {
      scope.close();
    }
  }

  /**
   * A field of the message matched to step `step` (of m's flow) in `iteration` (or the first):
   * null when that message lacks the field, undefined when no message was matched.
   */
  stepField(
    m: ExpectedMessage,
    iteration: number,
    step: string,
    field: string,
  ): string | null | undefined {
    const id = `${stepPrefix(m)}${step}`;
    const target = this.expected.messages.find((x) => x.id === id);
    const hit = target
      ? (this.matches.get(slot(target.index, iteration)) ?? this.matches.get(slot(target.index, 0)))
      : undefined;
    return hit?.observed ? (observedField(hit.observed, field) ?? null) : undefined;
  }

  /** Records a match and checks its values. */
  record(
    m: ExpectedMessage,
    iteration: number,
    o: ObservedMessage,
    summaries: ReadonlyMap<string, DialogSummary>,
    loose: boolean,
  ): void {
    let diffs = this.valueDiffs(m, iteration, o, summaries, true);
    if (
      loose &&
      o.sip?.kind === 'response' &&
      m.type.protocol === 'sip' &&
      m.type.type === 'response'
    ) {
      const status = {
        field: 'status',
        expected: String(m.type.status),
        actual: `${o.sip.status} ${o.sip.reason}`,
      };
      diffs = [status, ...diffs];
    }
    this.changed();
    if (!this.matches.has(slot(m.index, iteration))) {
      if (m.context.alts.length > 0) this.altMatches++;
      else this.plainMatches++;
    }
    if (m.context.alts.length > 0 && this.altTaken === NO_ALTS) this.altTaken = new Map();
    const taken = this.altTaken as Map<string, Set<string>>;
    for (const { alt, op } of operandsOf(m)) {
      let ops = taken.get(alt);
      if (!ops) {
        ops = new Set();
        taken.set(alt, ops);
      }
      ops.add(op);
    }
    if (o.frame > this.maxMatchedFrame) this.maxMatchedFrame = o.frame;
    const key = slot(m.index, iteration);
    this.matches.put(
      key,
      o.frame,
      seconds(o.time),
      this.expected.referenced.has(m.index) ? o : undefined,
      diffs,
      loose,
    );
    const known = this.transmission(o);
    if (known >= 0) this.sent[known + 2] = key;
    else {
      const at = this.sentLength;
      // Made at the first transmission, with room for one per mandatory step.
      if (this.sent === NO_NUMBERS)
        this.sent = new Array<number>(Math.max(1, this.expected.mandatory.length) * 3).fill(0);
      const sent = withRoom(this.sent, at + 3);
      this.sent = sent;
      sent[at] = idHigh;
      sent[at + 1] = idLow;
      sent[at + 2] = key;
      this.sentLength = at + 3;
    }
  }

  /** Where in {@link sent} the matched transmission `o` repeats lies, -1 when it repeats none. */
  private transmission(o: ObservedMessage): number {
    readIdentity(o);
    const sent = this.sent;
    for (let at = 0; at < this.sentLength; at += 3)
      if (sent[at] === idHigh && sent[at + 1] === idLow) return at;
    return -1;
  }

  /** A retransmission of an already matched transmission: counted, not a deviation. */
  retransmission(o: ObservedMessage): boolean {
    const known = this.transmission(o);
    if (known < 0) return false;
    this.matches.retransmitted(this.sent[known + 2] ?? -1);
    return true;
  }

  noteUnexpected(o: ObservedMessage): void {
    if (o.sip?.kind === 'response' && o.sip.status < 200) {
      this.tolerated++;
      return;
    }
    this.unexpected.push({ frame: o.frame, summary: summarize(o) });
  }

  touch(o: ObservedMessage): void {
    this.lastActivity = Math.max(this.lastActivity, seconds(o.time));
  }

  /** Iterations a group is bound in. */
  iterationsOf(group: number): readonly number[] {
    return this.groupIterations[group] ?? NO_ITERATIONS;
  }

  /**
   * True when an end of `m` is bound in the instance to another address than `o` shows: then
   * {@link fits} is false whatever else holds (a quick test before the full one). Mapped and
   * `multiple` participants are left to {@link fits}.
   */
  endsBound(m: ExpectedMessage, o: ObservedMessage, people: ParticipantBindings): boolean {
    return (
      (m.from !== undefined && this.boundElsewhere(m.from, o.src.ip, people)) ||
      this.boundElsewhere(m.to, o.dst.ip, people)
    );
  }

  private boundElsewhere(p: string, ip: string, people: ParticipantBindings): boolean {
    const bound = this.boundIp(p, people);
    return bound !== undefined && bound !== ip;
  }

  /**
   * The address a participant has in the instance: only that address fits it (over UDP its
   * endpoint, over streams its address). The map's, when it gives the participant one IP (see
   * ParticipantBindings.mappedIp); else the one it is bound to. Undefined when it is free,
   * mapped to several addresses, or `multiple`.
   */
  boundIp(p: string, people: ParticipantBindings): string | undefined {
    // A `multiple` participant the map leaves out is bound per iteration: no one address.
    if (this.expected.multiple.has(p) && !people.isMapped(p)) return undefined;
    return people.knownIp(p, this.bindings, -1);
  }

  bindGroup(group: number, iteration: number, callId: string | undefined): void {
    this.changed();
    const its = this.groupIterations[group];
    if (its === undefined)
      this.groupIterations[group] = iteration === 0 ? FIRST_ITERATION : [iteration];
    else if (!its.includes(iteration)) this.groupIterations[group] = [...its, iteration];
    if (callId !== undefined) {
      // A list rather than a set: a dialog serves a group or two. Most serve one: a list shared
      // by every dialog of that group, copied one longer when another is added.
      const gs = this.callIds.get(callId);
      if (gs === undefined) this.callIds.set(callId, (oneGroup[group] ??= [group]));
      else if (!gs.includes(group)) this.callIds.set(callId, [...gs, group]);
    }
  }
}
