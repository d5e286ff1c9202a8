/**
 * Text rules: what a step's heading and sentence say against what is drawn,
 * editing residue, status lines, label spelling and figure cross-references.
 */
import type { MessageStep, Step, Value } from '../model/flow-model.js';
import { SIP_REASONS } from '../model/vocabulary.js';
import type { LintContext } from './lint-context.js';
import {
  figureRefs,
  labelKey,
  labelsAgree,
  labelsIn,
  normalizeTitle,
  parseTitleHop,
  residueIn,
  sentenceEnds,
  statusIssues,
} from './text-patterns.js';

const RANGE = /^(\d+)-(\d+)$/;

/** The texts a value shows: its example and its literal, template or substring. */
export function valueTexts(v: Value | undefined): string[] {
  if (!v) return [];
  const c = v.constraint;
  const own =
    c.kind === 'literal' || c.kind === 'template' || c.kind === 'contains' ? [c.text] : [];
  return [...own, ...(v.example !== undefined ? [v.example] : [])];
}

/** The spec step range a step belongs to ("9-14"), if any. */
export function rangeOf(s: Step): string | undefined {
  const r = s.specStep ?? s.id;
  return RANGE.test(r) ? r : undefined;
}

/**
 * text-actor-mismatch, text-ends-mismatch, text-no-recipient: the heading's
 * "(from X to Y)" and the sentence's subject and "to" must be the drawn hop's
 * ends; for a range ("9-14"), the sentence names the first hop's sender and
 * the last hop's receiver.
 */
export function checkSentences(ctx: LintContext): void {
  const messages = ctx.placed
    .map((p) => p.step)
    .filter((s): s is MessageStep => s.kind === 'message');
  const done = new Set<string>();
  for (const s of messages) {
    // The heading's "(from X to Y)" must be the hop drawn, too.
    const heading = s.title !== undefined ? parseTitleHop(s.title) : undefined;
    if (heading && !labelsAgree(heading.from, ctx.label(s.from))) {
      ctx.report(
        'text-actor-mismatch',
        `the heading says from ${heading.from}, the step is drawn from ${ctx.label(s.from)}`,
        s.loc,
        s,
        heading.from,
      );
    }
    if (heading && !labelsAgree(heading.to, ctx.label(s.to))) {
      ctx.report(
        'text-ends-mismatch',
        `the heading says to ${heading.to}, the step is drawn to ${ctx.label(s.to)}`,
        s.loc,
        s,
        heading.to,
      );
    }
    if (s.text === undefined) continue;
    const range = rangeOf(s);
    if (range !== undefined && done.has(range)) continue;
    const group = range === undefined ? [s] : messages.filter((m) => rangeOf(m) === range);
    if (range !== undefined) done.add(range);
    const first = group[0] ?? s;
    const last = group[group.length - 1] ?? s;
    const ends = sentenceEnds(s.text);
    const from = ctx.label(first.from);
    const to = ctx.label(last.to);
    if (ends.actor !== undefined && from !== '' && !labelsAgree(ends.actor, from)) {
      ctx.report(
        'text-actor-mismatch',
        `the sentence says "${ends.actor}" sends, the step is drawn from ${from}`,
        s.loc,
        s,
        ends.actor,
      );
    }
    if (ends.recipient !== undefined && ends.via === 'to' && !labelsAgree(ends.recipient, to)) {
      ctx.report(
        'text-ends-mismatch',
        `the sentence sends to "${ends.recipient}", the step is drawn to ${to}`,
        s.loc,
        s,
        ends.recipient,
      );
    }
    if (ends.sendsToNobody) {
      ctx.report(
        'text-no-recipient',
        `the sentence says the message is sent but names no recipient (drawn to ${to})`,
        s.loc,
        s,
      );
    }
  }
}

/** label-spelling: a label in a title or sentence written with other capitals than the participant's. */
export function checkLabelSpelling(ctx: LintContext): void {
  // Only labels the flow prints count: a draft's own participant names are not the spec's spelling.
  const printed = ctx.placed.flatMap(({ step }) =>
    [step.title, step.text].flatMap((t) =>
      t === undefined ? [] : labelsIn(t).map((l) => l.label),
    ),
  );
  const labels = [...ctx.flow.participants.values()]
    .map((p) => p.label)
    .filter((l) => printed.includes(l));
  for (const { step } of ctx.placed) {
    for (const text of [step.title, step.text]) {
      if (text === undefined) continue;
      for (const { label } of labelsIn(text)) {
        const exact = labels.find((l) => labelKey(l) === labelKey(label));
        if (exact !== undefined && exact !== label.replace(/\s+/g, ' ')) {
          ctx.report(
            'label-spelling',
            `"${label}" is spelled "${exact}" elsewhere`,
            step.loc,
            step,
            label,
          );
        }
      }
    }
  }
}

/** editing-residue and status-not-a-status on titles, sentences and shown values. */
export function checkResidueAndStatus(ctx: LintContext): void {
  const figure = ctx.flow.source?.figure !== undefined;
  const rangeTexts = new Set<string>();
  for (const { step } of ctx.placed) {
    const texts: { text: string; sentence: boolean }[] = [];
    if (step.title !== undefined) texts.push({ text: step.title, sentence: false });
    // The hops of a range share one sentence: check it once.
    const range = rangeOf(step);
    const shared =
      range !== undefined && step.text !== undefined && rangeTexts.has(`${range}|${step.text}`);
    if (range !== undefined && step.text !== undefined) rangeTexts.add(`${range}|${step.text}`);
    if (step.text !== undefined && !shared) texts.push({ text: step.text, sentence: figure });
    if (step.kind === 'message') {
      for (const v of [step.requestUri, step.body, ...step.headers.flatMap((h) => h.values)])
        for (const t of valueTexts(v)) texts.push({ text: t, sentence: false });
      const m = step.message;
      if (m?.protocol === 'sip' && m.type === 'response' && m.reason !== undefined) {
        const expected = SIP_REASONS[m.status];
        if (expected !== undefined && m.reason.toLowerCase() !== expected.toLowerCase()) {
          ctx.report(
            'status-not-a-status',
            `reason "${m.reason}" is not the reason of ${m.status} ("${expected}")`,
            step.headLoc,
            step,
            m.reason,
          );
        }
      }
    }
    const seen = new Set<string>();
    for (const { text, sentence } of texts) {
      for (const i of residueIn(text, sentence)) {
        if (seen.has(i.message)) continue;
        seen.add(i.message);
        ctx.report('editing-residue', i.message, step.loc, step, i.evidence);
      }
      for (const i of statusIssues(text)) {
        if (seen.has(i.message)) continue;
        seen.add(i.message);
        ctx.report('status-not-a-status', i.message, step.loc, step, i.evidence);
      }
    }
  }
}

/** Figure number -> printed title, from the flows that are figures. */
export type FigureTitles = ReadonlyMap<string, string>;

/** figure-title-mismatch: 'Figure 16 "..."' must quote Figure 16's title. */
export function checkFigureRefs(ctx: LintContext, titles: FigureTitles): void {
  for (const { step } of ctx.placed) {
    if (step.text === undefined) continue;
    for (const ref of figureRefs(step.text)) {
      const actual = titles.get(ref.figure);
      if (actual === undefined || normalizeTitle(actual) === normalizeTitle(ref.title)) continue;
      ctx.report(
        'figure-title-mismatch',
        `Figure ${ref.figure} is cited as "${ref.title}" but its title is "${actual}"`,
        step.loc,
        step,
        `Figure ${ref.figure} "${ref.title}`,
      );
    }
  }
}

/** range-hop-count: a range "a-b" has b-a+1 hops drawn. */
export function checkRanges(ctx: LintContext): void {
  const groups = new Map<string, MessageStep[]>();
  for (const { step } of ctx.placed) {
    if (step.kind !== 'message') continue;
    const r = rangeOf(step);
    if (r !== undefined) groups.set(r, [...(groups.get(r) ?? []), step]);
  }
  for (const [range, steps] of groups) {
    const m = RANGE.exec(range);
    const span = Number(m?.[2]) - Number(m?.[1]) + 1;
    const first = steps[0];
    if (!first || span === steps.length) continue;
    const hops = steps.map((s) => `${ctx.label(s.from)} -> ${ctx.label(s.to)}`).join(', ');
    ctx.report(
      'range-hop-count',
      `steps ${range} number ${span} hops but ${steps.length} ${steps.length === 1 ? 'is' : 'are'} drawn (${hops})`,
      first.loc,
      first,
      range,
    );
  }
}
