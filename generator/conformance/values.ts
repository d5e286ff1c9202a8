/**
 * Checking the values of an observed message against a flow step: the
 * Request-URI, headers and body. Normative values are compared, examples
 * are not; templates bind their variables at the first occurrence and must
 * hold afterwards; derived values are computed from the dialog state and
 * earlier steps the trace shows (DESIGN.md, "values").
 */
import type { SipMessage } from '../../runtime/sip/message/index.js';
import type { Derivation, HeaderSpec, MessageStep, Value } from '../model/flow-model.js';
import { contactUri, readDialogPath, tagOf, type DialogSummary } from './dialog-summary.js';
import { bracketed } from './header-scan.js';
import type { ObservedMessage } from './observed.js';
import { copiedVariable, stepValues, type ValueRequirement } from './value-requirements.js';

/** The `actual` of a difference whose field the message does not have. */
export const ABSENT = '(absent)';

/** One field that differs: what the flow expects and what the trace shows. */
export interface FieldDiff {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

/** What value checks can read. */
export interface ValueContext {
  /** Variables of the instance, bound at their first occurrence. */
  readonly vars: Map<string, string>;
  /**
   * A field of the observed message matched to an earlier step of the instance: null when that
   * message was seen without the field, undefined when the step was not seen.
   */
  stepField(step: string, field: string): string | null | undefined;
  readonly dialog: DialogSummary | undefined;
  /** Whether the sender of this message is the calling party of the dialog. */
  readonly senderIsCaller: boolean | undefined;
  /**
   * What the case's facts and the flow's `yields:` decide about values (ExpectedFlow
   * `requirements`); a value left out is checked as its constraint says.
   */
  readonly requirements?: ReadonlyMap<Value, ValueRequirement>;
}

const decoder = new TextDecoder();

/** Collapses white space around separators so "a; b=c" equals "a;b=c". */
function normalize(v: string): string {
  return v
    .trim()
    .replace(/\s*([;,=])\s*/g, '$1')
    .replace(/\s+/g, ' ');
}

function sameText(expected: string, actual: string): boolean {
  // Most values are written exactly as the flow has them: no normalizing needed then.
  if (expected === actual) return true;
  const a = normalize(expected);
  const b = normalize(actual);
  // Tokens compare without case (RFC 3261 7.3.1); values holding a URI keep case for the user part.
  return a.includes(':') ? a === b : a.toLowerCase() === b.toLowerCase();
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads a field of an observed message: "requestUri", "status", "body", "headers.<Name>". */
export function observedField(m: ObservedMessage, field: string): string | undefined {
  const sip = m.sip;
  if (!sip) return undefined;
  if (field === 'requestUri') return sip.kind === 'request' ? sip.requestUri : undefined;
  if (field === 'status') return sip.kind === 'response' ? String(sip.status) : undefined;
  if (field === 'body')
    return sip.body.length > 0 ? decoder.decode(sip.body).replace(/\r\n/g, '\n').trim() : undefined;
  if (field.startsWith('headers.')) return headerText(sip, field.slice('headers.'.length));
  return undefined;
}

/** Every value of header `name` joined with ", " (its one line as it is, most often). */
function headerText(sip: SipMessage, name: string): string | undefined {
  // The first line's value, not its field: a laid-out message makes no field to read it.
  const first = sip.headers.get(name);
  if (first === undefined) return undefined;
  // One line without a comma is its one value: no list to split and join again.
  if (!first.includes(',') && sip.headers.count(name) === 1) return first;
  const all = sip.headers.getAll(name);
  return all.length > 0 ? all.join(', ') : undefined;
}

type Derived =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'range'; readonly min: number; readonly max: number }
  /** The source holds no such field, so neither may the derived one (RFC 3261 9.1: the CANCEL's Route). */
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown' };

function evaluate(d: Derivation, ctx: ValueContext): Derived {
  switch (d.kind) {
    case 'random':
      return { kind: 'range', min: d.min, max: d.max };
    case 'path': {
      if (d.root === 'dialog') {
        const v = ctx.dialog ? readDialogPath(ctx.dialog, d.path, ctx.senderIsCaller) : undefined;
        return v === undefined ? { kind: 'unknown' } : { kind: 'value', value: String(v) };
      }
      if (d.root === 'var') {
        const v = ctx.vars.get(d.path.slice(4));
        return v === undefined ? { kind: 'unknown' } : { kind: 'value', value: v };
      }
      return { kind: 'unknown' };
    }
    case 'step': {
      const v = ctx.stepField(d.step, d.field);
      if (v === null) return { kind: 'absent' };
      return v === undefined ? { kind: 'unknown' } : { kind: 'value', value: v };
    }
    case 'plus': {
      const base = evaluate(d.base, ctx);
      if (base.kind !== 'value') return base;
      const n = Number(/^\s*(\d+)/.exec(base.value)?.[1]);
      return Number.isFinite(n) ? { kind: 'value', value: String(n + d.add) } : { kind: 'unknown' };
    }
    case 'fallback': {
      const first = evaluate(d.first, ctx);
      return first.kind === 'unknown' || first.kind === 'absent'
        ? evaluate(d.otherwise, ctx)
        : first;
    }
  }
}

/** Field names in lower case, by field name (a flow has a handful; asked for every value). */
const lowerNames = new Map<string, string>();

function lowerName(field: string): string {
  let name = lowerNames.get(field);
  if (name === undefined) {
    name = field.toLowerCase();
    if (lowerNames.size < 1024) lowerNames.set(field, name);
  }
  return name;
}

/** The part of an observed header value a derived value is compared with. */
function comparable(field: string, actual: string): string {
  const name = lowerName(field);
  if (name === 'headers.cseq') return /^\s*(\d+)/.exec(actual)?.[1] ?? actual;
  // RFC 3261 20.10: in a Contact or Route value without angle brackets, ";" starts header
  // parameters; a Request-URI is a bare URI whose parameters (";gr=", RFC 5627) are its own.
  if (name === 'requesturi') return (bracketed(actual) ?? actual).trim();
  if (name === 'headers.contact' || name === 'headers.route') return contactUri(actual) ?? actual;
  return actual;
}

/** Address headers compare by URI and tag, not by display name or spacing. */
function sameAddress(a: string, b: string): boolean {
  return (contactUri(a) ?? a) === (contactUri(b) ?? b) && tagOf(a) === tagOf(b);
}

/** Notes that `field` differs: the flow expects `expected`. */
function report(
  diffs: FieldDiff[],
  field: string,
  actual: string | undefined,
  expected: string,
): void {
  diffs.push({ field, expected, actual: actual ?? ABSENT });
}

function checkValue(
  v: Value,
  field: string,
  actual: string | undefined,
  ctx: ValueContext,
  diffs: FieldDiff[],
): void {
  const c = v.constraint;
  // Only values with a `when:` or copying a variable can have a requirement: one lookup then.
  const need = v.when !== undefined || c.kind === 'derived' ? ctx.requirements?.get(v) : undefined;
  if (need !== undefined && need !== 'required') {
    // A `when:` the case's facts make false: the flow neither requires nor checks the value.
    if (need === 'ignored') return;
    // A variable an action yields (OMA CPM 8.2.2.3 4.c.ii.1: the UID of the stored session
    // history) shows first in the message that carries it: present with any value, which the
    // variable takes; later steps compare with it.
    const name = copiedVariable(v) ?? '';
    const bound = ctx.vars.get(name);
    if (actual === undefined) {
      if (need === 'yielded')
        report(diffs, field, actual, `${c.kind === 'derived' ? c.expression : name} (present)`);
      return;
    }
    if (bound === undefined) {
      ctx.vars.set(name, actual.trim());
      return;
    }
  }
  if (actual === undefined) {
    // A value required only under a condition (`when`) the case's facts leave open may be
    // absent: the trace cannot show the condition. A value copied from a field the source
    // message does not have is absent too. A derived value the trace cannot compute (a route
    // set seen from elsewhere, a value only an action produced) cannot be required either: its
    // absence may be right.
    const derivedKind = c.kind === 'derived' ? evaluate(c.derivation, ctx).kind : undefined;
    const copiesAbsent = derivedKind === 'absent' || derivedKind === 'unknown';
    if (
      c.kind !== 'example' &&
      c.kind !== 'absent' &&
      (v.when === undefined || need === 'required') &&
      !copiesAbsent
    ) {
      report(
        diffs,
        field,
        actual,
        c.kind === 'literal' || c.kind === 'contains'
          ? c.text
          : c.kind === 'template'
            ? c.text
            : c.kind === 'pattern'
              ? `/${c.regex}/`
              : c.kind === 'derived'
                ? c.expression
                : 'present',
      );
    }
    return;
  }
  switch (c.kind) {
    case 'example':
    case 'present':
      break;
    case 'absent':
      report(diffs, field, actual, '(absent)');
      break;
    case 'literal':
      if (!sameText(c.text, actual)) report(diffs, field, actual, c.text);
      break;
    case 'contains':
      if (!actual.toLowerCase().includes(c.text.toLowerCase()))
        report(diffs, field, actual, `… ${c.text} …`);
      break;
    case 'pattern':
      if (!new RegExp(`^(?:${c.regex})$`).test(actual.trim()))
        report(diffs, field, actual, `/${c.regex}/`);
      break;
    case 'template': {
      const names: string[] = [];
      const source = c.text.split(/(\$\{[^}]+\})/).map((part) => {
        const m = /^\$\{([^}]+)\}$/.exec(part);
        if (!m) return escapeRegex(normalize(part));
        const name = m[1] ?? '';
        const bound = ctx.vars.get(name);
        if (bound !== undefined) return escapeRegex(bound);
        names.push(name);
        return '(.+?)';
      });
      const match = new RegExp(`^${source.join('')}$`).exec(normalize(actual));
      if (!match) {
        report(
          diffs,
          field,
          actual,
          c.text.replace(/\$\{([^}]+)\}/g, (_, n: string) => ctx.vars.get(n) ?? `\${${n}}`),
        );
        break;
      }
      names.forEach((n, i) => {
        if (!ctx.vars.has(n)) ctx.vars.set(n, match[i + 1] ?? '');
      });
      break;
    }
    case 'derived': {
      const d = evaluate(c.derivation, ctx);
      const got = comparable(field, actual);
      if (d.kind === 'absent') report(diffs, field, actual, `(absent) (${c.expression})`);
      else if (d.kind === 'range') {
        const n = Number(got);
        if (!(Number.isInteger(n) && n >= d.min && n <= d.max))
          report(diffs, field, actual, `${c.expression} (a number in ${d.min}..${d.max})`);
      } else if (d.kind === 'value') {
        const want = comparable(field, d.value);
        const name = lowerName(field);
        const ok =
          name === 'headers.from' || name === 'headers.to'
            ? sameAddress(want, got)
            : sameText(want, got);
        if (!ok) report(diffs, field, actual, `${want} (${c.expression})`);
      }
      break;
    }
  }
  if (v.bind && !ctx.vars.has(v.bind)) ctx.vars.set(v.bind, actual.trim());
}

/** {@link mayBind} per step: the flow does not change during a check. */
const binding = new WeakMap<MessageStep, boolean>();

/**
 * True when checking a step's values may bind variables (a template's variables, a `bind`, a
 * copy of a variable an action yields): only then does trying the step need a scratch copy of
 * the instance's variables.
 */
export function mayBind(step: MessageStep): boolean {
  let b = binding.get(step);
  if (b === undefined) {
    // A copy of a variable binds it when an action yields it (see checkValue).
    b = stepValues(step).some(
      (v) =>
        v.bind !== undefined || v.constraint.kind === 'template' || copiedVariable(v) !== undefined,
    );
    binding.set(step, b);
  }
  return b;
}

/** The field name of a header a step checks ("headers.<Name>"), made once per header. */
const fieldNames = new WeakMap<HeaderSpec, string>();

function fieldOf(h: HeaderSpec): string {
  let field = fieldNames.get(h);
  if (field === undefined) {
    field = `headers.${h.name}`;
    fieldNames.set(h, field);
  }
  return field;
}

/** Compares the values of an observed SIP message with a step; returns the fields that differ. */
export function checkValues(
  step: MessageStep,
  observed: ObservedMessage,
  ctx: ValueContext,
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const sip = observed.sip;
  if (!sip) return diffs;
  if (step.requestUri)
    checkValue(step.requestUri, 'requestUri', observedField(observed, 'requestUri'), ctx, diffs);
  for (const h of step.headers) {
    const field = fieldOf(h);
    if (h.values.length === 1) {
      const v = h.values[0];
      if (v) checkValue(v, field, headerText(sip, h.name), ctx, diffs);
      continue;
    }
    const actual = sip.headers.getAll(h.name);
    h.values.forEach((v, i) => checkValue(v, `${field}[${i}]`, actual[i], ctx, diffs));
  }
  if (step.body) checkValue(step.body, 'body', observedField(observed, 'body'), ctx, diffs);
  return diffs;
}
