/**
 * Procedure rules, read from the numbered items a flow keeps (source.step
 * "4.c.ii" and the item's own sentence) and from its structure: a value taken
 * from the wrong party, a value required where it may not exist, a response
 * awaited from a party the request was not sent to, empty numbering.
 */
import type { Derivation, Step } from '../model/flow-model.js';
import type { LintContext, PlacedStep } from './lint-context.js';
import { requestTargets } from './text-patterns.js';

/** A numbered item of a procedure: its number split at the dots ("4.a.i-ii" -> 4, a, i). */
interface Item {
  readonly placed: PlacedStep;
  readonly number: readonly string[];
  readonly text: string;
}

function items(ctx: LintContext): Item[] {
  const out: Item[] = [];
  for (const p of ctx.placed) {
    const s = p.step;
    const n = s.source?.step ?? (s.hasId ? s.id : undefined);
    if (n === undefined || s.text === undefined || !/^\d+(\.[A-Za-z0-9-]+)*$/.test(n)) continue;
    out.push({ placed: p, number: n.split('.').map((c) => c.split('-')[0] ?? c), text: s.text });
  }
  return out;
}

/** The condition part of an item ("If the action element ... is set to true"), for messages. */
function clip(text: string): string {
  const cond = /^\s*(If\b[^,]*)/.exec(text)?.[1];
  if (cond !== undefined) return cond.trim();
  const words = text.split(/\s+/);
  return words.length <= 12 ? text : `${words.slice(0, 12).join(' ')} …`;
}

const under = (n: readonly string[], prefix: readonly string[]): boolean =>
  prefix.length <= n.length && prefix.every((c, i) => n[i] === c);

/** "Calling UE", "the called user": which party of the initial INVITE a label names. */
const PARTY = /\b(calling|called)\b/i;

function derivedParty(d: Derivation): string | undefined {
  if (d.kind === 'path') return /^dialog\.(calling|called)\./.exec(d.path)?.[1];
  if (d.kind === 'plus') return derivedParty(d.base);
  if (d.kind === 'fallback') return derivedParty(d.first) ?? derivedParty(d.otherwise);
  return undefined;
}

/**
 * derived-from-wrong-party (TS 24.229 5.4.5.1.2): the Request-URI or Route of a
 * BYE destined for one user comes from that user's stored data, in the
 * sentence and in the derivation.
 */
export function checkDerivedParty(ctx: LintContext): void {
  for (const { step } of ctx.placed) {
    if (step.kind !== 'message') continue;
    let reported = false;
    const text = step.text ?? '';
    const dest = /destined for the (calling|called) user/i.exec(text)?.[1]?.toLowerCase();
    if (dest !== undefined) {
      for (const m of text.matchAll(
        /\b(Request-URI|Route header), set to [^;]*?\b(?:provided by|towards) the (calling|called) user/gi,
      )) {
        if (m[2]?.toLowerCase() === dest) continue;
        ctx.report(
          'derived-from-wrong-party',
          `the BYE is destined for the ${dest} user but its ${m[1] ?? ''} is taken from the ${m[2] ?? ''} user`,
          step.loc,
          step,
          m[0],
        );
        reported = true;
      }
    }
    const to = PARTY.exec(ctx.label(step.to))?.[1]?.toLowerCase();
    const uri = step.requestUri?.constraint;
    if (reported || to === undefined || uri?.kind !== 'derived') continue;
    const from = derivedParty(uri.derivation);
    if (from !== undefined && from !== to) {
      ctx.report(
        'derived-from-wrong-party',
        `the Request-URI of a request to the ${to} user is derived from "${uri.expression}"`,
        step.requestUri?.loc ?? step.loc,
        step,
      );
    }
  }
}

/**
 * conditional-value-unconditional (OMA CPM 8.3.2.3 3.c.ii): a value "retrieved"
 * by an item under "If ..." is used only under that item (by numbering) or
 * under the same guard (by structure).
 */
export function checkConditionalValues(ctx: LintContext): void {
  const all = items(ctx);
  const getters = all.filter((i) => /\bretrieve (?:a|the) \w+/i.test(i.text));
  for (const use of all) {
    const token = /set to the retrieved (\w+)/i.exec(use.text)?.[1];
    if (token === undefined) continue;
    const candidates = getters.filter(
      (g) =>
        g !== use &&
        new RegExp(`retrieve (?:a|the) ${token}`, 'i').test(g.text) &&
        g.number[0] === use.number[0] &&
        g.placed.index < use.placed.index,
    );
    const get = candidates[candidates.length - 1];
    if (!get) continue;
    // The condition: the getter's own "If ..." item, or its nearest ancestor that is one.
    let cond: readonly string[] | undefined;
    if (/^\s*If\b/i.test(get.text)) cond = get.number;
    for (let k = get.number.length - 1; cond === undefined && k > 0; k--) {
      const prefix = get.number.slice(0, k);
      const anc = all.find((i) => i.number.join('.') === prefix.join('.'));
      if (anc && /^\s*If\b/i.test(anc.text)) cond = prefix;
    }
    const byNumber = cond !== undefined && !under(use.number, cond);
    const missingGuards = get.placed.guards.filter((g) => !use.placed.guards.includes(g));
    const byStructure = cond === undefined && missingGuards.length > 0;
    if (!byNumber && !byStructure) continue;
    const condition = cond
      ? `item ${cond.join('.')} ("${clip(all.find((i) => i.number.join('.') === cond.join('.'))?.text ?? get.text)}")`
      : `guard ${missingGuards.join(' and ')}`;
    ctx.report(
      'conditional-value-unconditional',
      `item ${use.number.join('.')} requires the ${token} retrieved by item ${get.number.join('.')}, which is obtained only under ${condition}`,
      use.placed.step.loc,
      use.placed.step,
      `set to the retrieved ${token}`,
    );
  }
}

/** A party key as the procedures print it. */
function partyName(key: string): string {
  const printed: Readonly<Record<string, string>> = {
    'cpm client': 'the CPM Client',
    'other cpm entity': 'the other CPM entity',
    iwf: 'the IWFs',
  };
  return printed[key] ?? `the ${key}`;
}

/** "the CPM Client that it serves" -> "cpm client"; "the associated IWFs" -> "iwf". */
function partyKey(p: string): string {
  const s = p.toLowerCase().replace(/^(each of )?(the )?(associated )?/, '');
  if (/^iwfs?\b/.test(s)) return 'iwf';
  if (s.startsWith('other cpm entity')) return 'other cpm entity';
  if (s.startsWith('cpm client')) return 'cpm client';
  return s.trim();
}

/**
 * response-from-wrong-party (OMA CPM 8.3.2.3 4.b.iv): "Upon receiving a SIP 200
 * response from X" must name the parties the sibling items sent the request to.
 */
export function checkResponseParty(ctx: LintContext): void {
  const all = items(ctx);
  const reported = new Set<string>();
  for (const upon of all) {
    if (reported.has(upon.number.join('.'))) continue;
    const m =
      /Upon receiving an? SIP \d{3}\s*\S*\s*response from (.+?) associated with the SIP (\w+) request/i.exec(
        upon.text,
      );
    if (!m) continue;
    const method = m[2] ?? '';
    const said = (m[1] ?? '').split(/\s+or\s+/).map(partyKey);
    const parent = upon.number.slice(0, -1);
    const sentTo = new Set<string>();
    for (const i of all) {
      // Every sibling branch counts: a figure of the procedure may draw them in any order.
      if (i === upon || /^\s*Upon receiving/i.test(i.text) || !under(i.number, parent)) continue;
      if (!new RegExp(`\\b${method} requests?\\b`, 'i').test(i.text)) continue;
      if (!/\b(generate|send)s?\b/i.test(i.text)) continue;
      for (const t of requestTargets(i.text)) sentTo.add(partyKey(t));
    }
    if (sentTo.size === 0) continue;
    const wrong = said.filter((p) => !sentTo.has(p));
    if (wrong.length === 0) continue;
    reported.add(upon.number.join('.'));
    ctx.report(
      'response-from-wrong-party',
      `item ${upon.number.join('.')} waits for the response from ${wrong.map(partyName).join(' and ')}, but the ${method} of items ${parent.join('.')}.* was sent to ${[...sentTo].map(partyName).join(' and ')}`,
      upon.placed.step.loc,
      upon.placed.step,
      `from ${m[1] ?? ''}`,
    );
  }
}

/** empty-numbering: a step that keeps a numbered item whose text is empty. */
export function checkEmptyItems(ctx: LintContext): void {
  for (const { step } of ctx.placed) {
    if (step.text === undefined || step.text.trim() !== '') continue;
    const n = step.source?.step ?? (step.hasId ? step.id : '');
    ctx.report('empty-numbering', `item ${n} has no text`, step.loc, step);
  }
}

/** Steps of a flow that are numbered items (exported for the cross-flow rule's messages). */
export function numberOf(s: Step): string | undefined {
  return s.source?.step ?? (s.hasId ? s.id : undefined);
}
