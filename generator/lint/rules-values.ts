/**
 * Value rules: white space inside URIs, and one identity spelled two ways in
 * a flow or across the flows of one source document.
 */
import type { SourceLocation, Step } from '../model/flow-model.js';
import type { LintContext } from './lint-context.js';
import { valueTexts } from './rules-text.js';
import { identityTokens, sameIdentity, unbracketedUri, uriWhitespace } from './text-patterns.js';

/** uri-whitespace, uri-params-unbracketed: well-formed URIs in Request-URIs and header values. */
export function checkUris(ctx: LintContext): void {
  for (const { step } of ctx.placed) {
    if (step.kind !== 'message') continue;
    const seen = new Set<string>();
    const check = (text: string, loc: SourceLocation, whole: boolean, where: string): void => {
      for (const i of uriWhitespace(text, whole)) {
        if (seen.has(i.evidence)) continue;
        seen.add(i.evidence);
        ctx.report('uri-whitespace', `${where}: ${i.message}`, loc, step, i.evidence);
      }
    };
    for (const t of valueTexts(step.requestUri))
      check(t, step.requestUri?.loc ?? step.loc, true, 'Request-URI');
    for (const h of step.headers)
      for (const v of h.values)
        for (const t of valueTexts(v)) {
          check(t, v.loc, false, h.name);
          const bare = unbracketedUri(h.name, t);
          if (bare) ctx.report('uri-params-unbracketed', bare.message, v.loc, step, bare.evidence);
        }
  }
}

/** One spelling of an identity, where a flow shows it. */
export interface IdentitySighting {
  readonly kind: 'user' | 'host';
  readonly token: string;
  readonly flow: string;
  readonly step: Step;
  readonly loc: SourceLocation;
}

/** Every user part and host label of the URIs a flow shows, in document order. */
export function identitySightings(ctx: LintContext): IdentitySighting[] {
  return shownValues(ctx).flatMap(({ step, loc, text }) =>
    identityTokens(text).map((id) => ({ ...id, flow: ctx.flow.id, step, loc })),
  );
}

/** The value texts of the Request-URIs and headers of a flow's messages, in document order. */
function shownValues(ctx: LintContext): { step: Step; loc: SourceLocation; text: string }[] {
  return ctx.placed.flatMap(({ step }) => {
    if (step.kind !== 'message') return [];
    const values = [
      ...(step.requestUri ? [step.requestUri] : []),
      ...step.headers.flatMap((h) => h.values),
    ];
    return values.flatMap((v) => valueTexts(v).map((text) => ({ step, loc: v.loc, text })));
  });
}

/**
 * identity-spelling: two spellings of one identity ("PoCClientAPoC-UsertA" and
 * "PoCClientAPoC-UserA"). Within a flow the finding goes to the first of the
 * two; `others` are the sightings of the other flows of the same document.
 */
export function checkIdentities(ctx: LintContext, others: readonly IdentitySighting[]): void {
  const own = identitySightings(ctx);
  const reported = new Set<string>();
  own.forEach((a, i) => {
    const later = own.slice(i + 1).find((b) => b.kind === a.kind && sameIdentity(a.token, b.token));
    const elsewhere = others.find(
      (b) => b.flow !== ctx.flow.id && b.kind === a.kind && sameIdentity(a.token, b.token),
    );
    const other = later ?? elsewhere;
    if (!other) return;
    const key = `${a.token}|${other.token}`;
    if (reported.has(key)) return;
    reported.add(key);
    const where = later
      ? other.step.hasId
        ? `step ${other.step.id}`
        : `line ${other.loc.line}`
      : `flow ${other.flow}${other.step.hasId ? ` step ${other.step.id}` : ''}`;
    ctx.report(
      'identity-spelling',
      `"${a.token}" here and "${other.token}" in ${where} spell one ${a.kind === 'user' ? 'user part' : 'host name'} two ways`,
      a.loc,
      a.step,
      a.token,
    );
  });
}

/** A GRUU instance seen in a URI, with the network of the URI's host. */
export interface GruuSighting {
  readonly uuid: string;
  readonly network: string;
  readonly flow: string;
  readonly step: Step;
  readonly loc: SourceLocation;
}

/** Every `gr=urn:uuid:...` of the flow's URIs whose host names a network ("@networkA.net"). */
export function gruuSightings(ctx: LintContext): GruuSighting[] {
  return shownValues(ctx).flatMap(({ step, loc, text }) =>
    [...text.matchAll(/@\s*[^;>\s]*?network([A-Z])\b[^>]*?gr=(urn:uuid:[0-9A-Fa-f-]+)/g)].map(
      (m) => ({
        uuid: m[2] ?? '',
        network: m[1] ?? '',
        flow: ctx.flow.id,
        step,
        loc,
      }),
    ),
  );
}

/**
 * gruu-shared: a GRUU instance belongs to one UE. When the flows of a document
 * give one to UEs of two networks, the network that uses it most owns it and
 * the others are flagged (OMA PoC Figure 18 step 8 copies PoC Client A's).
 */
export function checkGruus(ctx: LintContext, document: readonly GruuSighting[]): void {
  const own = gruuSightings(ctx);
  const all = [...document.filter((g) => g.flow !== ctx.flow.id), ...own];
  const reported = new Set<string>();
  for (const g of own) {
    const counts = new Map<string, number>();
    for (const o of all)
      if (o.uuid === g.uuid) counts.set(o.network, (counts.get(o.network) ?? 0) + 1);
    if (counts.size < 2) continue;
    const owner = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    if (owner === g.network || reported.has(`${g.uuid}|${g.step.id}`)) continue;
    reported.add(`${g.uuid}|${g.step.id}`);
    ctx.report(
      'gruu-shared',
      `GRUU instance "${g.uuid}" is used for a UE of network ${g.network} here and for network ${owner} elsewhere in the document`,
      g.loc,
      g.step,
      g.uuid,
    );
  }
}
