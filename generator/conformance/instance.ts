/**
 * One instance of a flow in the traffic: the dialogs (Call-IDs) joined to
 * it, the observed message matched to each expected message (per loop
 * iteration), retransmissions, unexpected messages and bound variables.
 */
import type { SipMessage } from '../../runtime/sip/message/index.js';
import type { DialogSummary } from './dialog-summary.js';
import {
  branchStart,
  cseqMethodEnd,
  cseqMethodStart,
  paramEnd,
  spanIs,
  tagEnd,
  tagStart,
} from './header-scan.js';
import { MessageLog } from './logged-message.js';
import { mbcpDiffs, mbcpKindOf } from './mbcp-values.js';
import { hash53 } from './recent-keys.js';
import { participantEnds } from './stream-ends.js';
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

/** Where the branch of a message's top Via lies: in `text`, from `start` to `end`. */
interface BranchSpan {
  text: string;
  start: number;
  end: number;
}

/** The span {@link topBranch} fills: one per module, read at once by its caller. */
const branchSpan: BranchSpan = { text: '', start: 0, end: 0 };

/**
 * The branch of the top Via (RFC 3261 8.1.1.7), '' when there is none, as a span of the text that
 * holds it: no copy is made for a comparison.
 */
function topBranch(sip: SipMessage): BranchSpan {
  const span = branchSpan;
  span.text = '';
  span.start = 0;
  span.end = 0;
  const field = sip.headers.first('via');
  if (field === undefined) return span;
  // Parsed already (a message built or parsed in full): read, not scanned for.
  const parsed = field.parsed as readonly { branch?: string }[] | undefined;
  if (parsed !== undefined) {
    span.text = parsed[0]?.branch ?? '';
    span.end = span.text.length;
    return span;
  }
  // Otherwise the text of the first entry tells it: the message was parsed strictly before (a
  // capture's message read again), or its Via is one the parser would reject (built by hand).
  const value = field.value;
  const start = branchStart(value);
  if (start >= 0) {
    span.text = value;
    span.start = start;
    span.end = paramEnd(value, start, false);
  }
  return span;
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

/** A matched transmission's identity, {@link transmissionKey}'s parts compared one by one. */
interface Transmission {
  /** The request's method, the response's status, the MBCP kind, or the frame of anything else. */
  readonly head: string | number;
  /** 's' SIP request, 'r' SIP response, 'm' MBCP, 'x' anything else. */
  readonly kind: 's' | 'r' | 'm' | 'x';
  /**
   * The top Via branch as a 53-bit hash (0 for none), in two small integers (its upper 32 bits
   * and lower 21): no copy of the text is kept, and two branches share a hash with a
   * probability of about 2^-53 (see recent-keys.ts).
   */
  readonly branchHigh: number;
  readonly branchLow: number;
  /** The CSeq value (SIP only): a copy, holding no message's text alive. */
  readonly cseq: string;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  /** The slot its message was matched to (the latest, when matched twice). */
  slot: number;
}

/**
 * The message {@link sameTransmission} last read, and what it read: each message is compared
 * with every transmission of its instance, and is recorded after.
 */
let idOf: ObservedMessage | undefined;
let idKind: Transmission['kind'] = 'x';
let idHead: string | number = 0;
let idCseq = '';
let idBranchHigh = 0;
let idBranchLow = 0;

function readIdentity(o: ObservedMessage): void {
  if (idOf === o) return;
  idOf = o;
  idCseq = '';
  idBranchHigh = 0;
  idBranchLow = 0;
  const sip = o.sip;
  if (o.mbcp) {
    idKind = 'm';
    idHead = o.mbcp.kind;
  } else if (!sip) {
    idKind = 'x';
    idHead = o.frame;
  } else {
    idKind = sip.kind === 'request' ? 's' : 'r';
    idHead = sip.kind === 'request' ? sip.method : sip.status;
    const b = topBranch(sip);
    if (b.end > b.start) {
      const h = hash53(b.text, b.start, b.end);
      // Integers the engine keeps untagged, where the 53-bit number would be a boxed double.
      idBranchHigh = (h / 2 ** 21) | 0;
      idBranchLow = (h % 2 ** 21) | 0;
    }
    idCseq = sip.headers.get('cseq') ?? '';
  }
}

/** Whether `o` is transmission `t` again: the same parts {@link transmissionKey} joins. */
function sameTransmission(t: Transmission, o: ObservedMessage): boolean {
  if (
    t.srcPort !== o.src.port ||
    t.dstPort !== o.dst.port ||
    t.srcIp !== o.src.ip ||
    t.dstIp !== o.dst.ip
  )
    return false;
  // Kind and method or status first: they are read without a header lookup.
  const sip = o.sip;
  if (sip) {
    if (
      sip.kind === 'request'
        ? t.kind !== 's' || t.head !== sip.method
        : t.kind !== 'r' || t.head !== sip.status
    )
      return false;
  } else if (
    o.mbcp ? t.kind !== 'm' || t.head !== o.mbcp.kind : t.kind !== 'x' || t.head !== o.frame
  )
    return false;
  readIdentity(o);
  return t.cseq === idCseq && t.branchHigh === idBranchHigh && t.branchLow === idBranchLow;
}

/** A copy of `s` that holds no reference to the text it was cut from (see engine.ts, detached). */
function detached(s: string): string {
  // Short strings are copied when cut; slicing a concatenation flattens it into a new string.
  return s.length < 13 ? s : `${s} `.slice(0, -1);
}

/** The identity of `o` as a matched transmission of `slot`. */
function transmissionOf(o: ObservedMessage, slotKey: number): Transmission {
  readIdentity(o);
  return {
    head: idHead,
    kind: idKind,
    branchHigh: idBranchHigh,
    branchLow: idBranchLow,
    cseq: detached(idCseq),
    srcIp: o.src.ip,
    // Ports are 16-bit: as small integers they need no box of their own.
    srcPort: o.src.port | 0,
    dstIp: o.dst.ip,
    dstPort: o.dst.port | 0,
    slot: slotKey,
  };
}

/**
 * Where a message of one signature could join an instance in one mode, as of a revision: per
 * step it could take, the addresses its sender and receiver are bound to (undefined when free);
 * null when some step has both ends free (anything may join).
 */
export interface JoinMemo {
  readonly revision: number;
  readonly ends: readonly (readonly [string | undefined, string | undefined])[] | null;
}

/**
 * An instance's {@link JoinMemo}s of one mode, by the signature's list of steps: a message kind
 * or two per instance, found by a scan rather than in a map of their own.
 */
export class JoinMemos {
  private steps: (readonly ExpectedMessage[])[] | undefined;
  private memos: JoinMemo[] | undefined;

  get(steps: readonly ExpectedMessage[]): JoinMemo | undefined {
    const i = this.steps === undefined ? -1 : this.steps.indexOf(steps);
    return i < 0 ? undefined : this.memos?.[i];
  }

  set(steps: readonly ExpectedMessage[], memo: JoinMemo): void {
    if (this.steps === undefined || this.memos === undefined) {
      this.steps = [steps];
      this.memos = [memo];
      return;
    }
    const i = this.steps.indexOf(steps);
    if (i >= 0) this.memos[i] = memo;
    else {
      this.steps.push(steps);
      this.memos.push(memo);
    }
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

/**
 * The matches of an instance by slot, in the order their slots were first matched: two lists an
 * instance fills once (a dozen slots) rather than a map whose table grows and is copied as it
 * fills. A scan of a dozen numbers finds a slot as fast as a hash.
 */
export class SlotMatches {
  private readonly slots: number[] = [];
  private readonly hits: Match[] = [];
  /**
   * Per slot, its match's frame times two, plus one when the match differs from its step: what
   * a verdict asks of every slot, read from one list rather than from each match's object.
   */
  private readonly marks: number[] = [];
  /**
   * Bit k set when slot k (step k of the first iteration, k < 31) is matched: most questions are
   * about those slots, and this answers them without a scan.
   */
  private low = 0;

  get size(): number {
    return this.slots.length;
  }

  has(key: number): boolean {
    if (key >= 0 && key < 31) return (this.low & (1 << key)) !== 0;
    return this.indexOf(key) >= 0;
  }

  get(key: number): Match | undefined {
    if (key >= 0 && key < 31 && (this.low & (1 << key)) === 0) return undefined;
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.hits[i];
  }

  /** Sets the match of a slot (a slot matched again keeps its place in the order). */
  set(key: number, match: Match): void {
    const i = this.has(key) ? this.indexOf(key) : -1;
    const mark = match.frame * 2 + (match.diffs.length > 0 ? 1 : 0);
    if (i >= 0) {
      this.hits[i] = match;
      this.marks[i] = mark;
    } else {
      this.slots.push(key);
      this.hits.push(match);
      this.marks.push(mark);
      if (key >= 0 && key < 31) this.low |= 1 << key;
    }
  }

  /** The frame matched to a slot, -1 when it has no match. */
  frameOf(key: number): number {
    if (key >= 0 && key < 31 && (this.low & (1 << key)) === 0) return -1;
    const i = this.indexOf(key);
    return i < 0 ? -1 : Math.floor((this.marks[i] ?? 0) / 2);
  }

  /** Whether a slot has a match that does not differ from its step. */
  clean(key: number): boolean {
    if (key >= 0 && key < 31 && (this.low & (1 << key)) === 0) return false;
    const i = this.indexOf(key);
    return i >= 0 && (this.marks[i] ?? 1) % 2 === 0;
  }

  private indexOf(key: number): number {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i] === key) return i;
    return -1;
  }

  /** The matched slots, in order. */
  keys(): readonly number[] {
    return this.slots;
  }
}

/** One instance being assembled. */
export class Instance {
  /** slot key slot(message, iteration) -> match. */
  readonly matches = new SlotMatches();
  /** Call-ID -> groups joined through it. */
  readonly callIds = new Map<string, number[]>();
  /**
   * Per group (0..groups-1, ExpectedFlow `groups`), the iterations bound (loop groups can be bound
   * once per iteration); undefined for a group not bound.
   */
  private readonly groupIterations: (number[] | undefined)[];
  /** loop key -> iterations created (shared and empty until a loop step is placed). */
  loopIterations: ReadonlyMap<string, number> = NO_LOOPS;
  /** Template variables bound so far (shared and empty until one is). */
  private vars: ReadonlyMap<string, string> = NO_VARS;
  readonly unexpected: UnexpectedReport[] = [];
  /** Hops inside one participant in the instance's dialogs (undefined until there is one). */
  inside: InsideHopReport[] | undefined;
  readonly evidence: DialogEvidence[] = [];
  /** Which endpoint is which participant in this instance. */
  readonly bindings: InstanceBindings;
  /** The transmissions matched (RFC 3261 17), to recognise their retransmissions. */
  private readonly sent: Transmission[] = [];
  lastActivity: number;
  /** Capture time at which every mandatory step was matched. */
  completeAt: number | undefined;
  /**
   * Counts the changes of what placing a message depends on (matches, bound groups and through
   * them iterations and bindings): the engine's memo of where a new dialog cannot go is valid
   * while it stays the same.
   */
  revision = 0;
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
  readonly addresses: string[] = [];
  /** Alt operands ("alt0:1") a reinterpretation ruled out for this instance. */
  banned: ReadonlySet<string> = NO_OPERANDS;
  /**
   * The messages placed in the instance, so that it can be replayed with another alt operand;
   * dropped (undefined) once the instance grows past {@link MAX_LOG} messages.
   */
  log: MessageLog | undefined = new MessageLog();
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
    this.groupIterations = new Array<number[] | undefined>(expected.groups).fill(undefined);
    this.bindings = new InstanceBindings(expected.multiple);
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
    for (const key of this.matches.keys()) {
      const m = this.expected.messages[slotMessage(key)];
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
    this.revision++;
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
    this.matches.set(slot(m.index, iteration), {
      frame: o.frame,
      time: seconds(o.time),
      observed: this.expected.referenced.has(m.index) ? o : undefined,
      // Most matches differ in nothing: they share one empty list.
      diffs: diffs.length === 0 ? NO_DIFFS : diffs,
      retransmissions: 0,
      loose,
    });
    const key = slot(m.index, iteration);
    const known = this.transmission(o);
    if (known !== undefined) known.slot = key;
    else this.sent.push(transmissionOf(o, key));
  }

  /** The matched transmission `o` repeats, if any. */
  private transmission(o: ObservedMessage): Transmission | undefined {
    for (const t of this.sent) if (sameTransmission(t, o)) return t;
    return undefined;
  }

  /** A retransmission of an already matched transmission: counted, not a deviation. */
  retransmission(o: ObservedMessage): boolean {
    const known = this.transmission(o);
    if (known === undefined) return false;
    const hit = this.matches.get(known.slot);
    if (hit) hit.retransmissions++;
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
   * The address a participant is bound to in the instance: only that address fits it (over UDP
   * its endpoint, over streams its address). Undefined when it is free, mapped or `multiple`.
   */
  boundIp(p: string, people: ParticipantBindings): string | undefined {
    if (this.expected.multiple.has(p) || people.isMapped(p)) return undefined;
    return this.bindings.get(p, -1)?.ip;
  }

  bindGroup(group: number, iteration: number, callId: string | undefined): void {
    this.revision++;
    const its = this.groupIterations[group];
    if (its === undefined) this.groupIterations[group] = [iteration];
    else if (!its.includes(iteration)) its.push(iteration);
    if (callId !== undefined) {
      // A list rather than a set: a dialog serves a group or two.
      const gs = this.callIds.get(callId) ?? [];
      if (!gs.includes(group)) gs.push(group);
      this.callIds.set(callId, gs);
    }
  }
}
