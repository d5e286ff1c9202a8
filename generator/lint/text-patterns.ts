/**
 * Pure text checks shared by lint (on flow titles, sentences and values) and
 * import-text (on the seed text itself): who a sentence names, editing
 * residue, white space in URIs, status lines, figure cross-references and
 * identities. Each returns what it found; callers locate and report it.
 */
import { SIP_REASONS } from '../model/vocabulary.js';

/** Participant kinds the seed documents name, longest first so "PoC Server" wins over "PoC". */
const ENTITY = [
  'CPM Participating Function',
  'Message Storage Server',
  'SIP/IP Core',
  'PoC Client',
  'PoC Server',
  'CPM Client',
  'Calling UE',
  'Called UE',
  'S-CSCF',
  'IWF',
].map((e) => e.replace(/[/-]/g, (c) => `\\${c}`));

/** A label with an optional network letter: "PoC Server A", "SIP/IP core B", "S-CSCF". */
const LABEL = `(?:${ENTITY.join('|')})(?: [A-Z](?![A-Za-z]))?`;
/** "SIP/IP Core of CPM User B's network" is SIP/IP Core B (OMA CPM C.2.3.1). */
const CORE_ALIAS = /SIP\/IP Core of CPM User ([A-Z])[’']s network/i;

/** Collapses white space and unifies dashes and quotes, for comparing printed titles. */
export function normalizeTitle(s: string): string {
  return s.replace(/[–—‐]/g, '-').replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** A label in canonical form for comparison ("SIP/IP core B" -> "sip/ip core b"). */
export function labelKey(label: string): string {
  const alias = CORE_ALIAS.exec(label);
  const l = alias ? `SIP/IP Core ${alias[1] ?? ''}` : label;
  return l.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** True when a sentence's label and a drawn label name the same participant ("PoC Server" fits "PoC Server A"). */
export function labelsAgree(said: string, drawn: string): boolean {
  const a = labelKey(said);
  const b = labelKey(drawn);
  return a === b || b.startsWith(`${a} `);
}

/** Labels at the start of and after "to"/"towards" in a sentence. */
export interface SentenceEnds {
  /** The subject: who the sentence says acts ("The PoC Server A sends ..."). */
  readonly actor?: string;
  /** Who it says the message goes to. */
  readonly recipient?: string;
  /** "to" names the next hop; "towards" the destination, which may lie further. */
  readonly via?: 'to' | 'towards';
  /** The sentence says it sends, but names nobody to send to. */
  readonly sendsToNobody: boolean;
}

const ACTOR_RE = new RegExp(
  `^\\s*(?:the\\s+)?(SIP\\/IP Core of CPM User [A-Z][’']s network|${LABEL})(?:\\s+\\([a-z]+\\))?\\s+(?:sends|routes|initiates|accepts|executes|forwards|generates|disconnects)\\b`,
  'i',
);
const RECIPIENT_RE = new RegExp(
  `\\b(to|towards|back to)\\s+(?:the\\s+)?(SIP\\/IP Core of CPM User [A-Z][’']s network|${LABEL})`,
  'i',
);

/** Who a figure step's sentence says sends and receives. */
export function sentenceEnds(text: string): SentenceEnds {
  const a = ACTOR_RE.exec(text);
  const rest = a ? text.slice(a[0].length) : text;
  const r = RECIPIENT_RE.exec(rest);
  const actor = a?.[1];
  const recipient = r?.[2];
  const via = r?.[1]?.toLowerCase() === 'towards' ? 'towards' : 'to';
  const sendsToNobody = !r && /\bsends\b.*\b(request|response|message)\b/i.test(text);
  return {
    ...(actor !== undefined ? { actor } : {}),
    ...(recipient !== undefined ? { recipient, via } : {}),
    sendsToNobody,
  };
}

/** Every label a text names, with its offset. */
export function labelsIn(text: string): { label: string; index: number }[] {
  const re = new RegExp(LABEL, 'gi');
  return [...text.matchAll(re)].map((m) => ({ label: m[0], index: m.index }));
}

/** The hop a heading prints: "SIP BYE request (from the PoC Client A to the SIP/IP Core A)". */
export interface TitleHop {
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

/** Parses a step heading with its "(from X to Y)" part; undefined when it has none. */
export function parseTitleHop(title: string): TitleHop | undefined {
  const m = /^(.*?)\s*\(from\s+(?:the\s+)?(.+?)\s+to\s+(?:the\s+)?(.+?)\)\s*$/i.exec(title);
  if (!m) return undefined;
  return { what: m[1] ?? '', from: m[2] ?? '', to: m[3] ?? '' };
}

/** One thing a text check found: what is wrong and the piece of text that shows it. */
export interface TextIssue {
  readonly message: string;
  /** The offending piece of text, verbatim, for locating it. */
  readonly evidence: string;
}

/** Bookmarks, glued words, double spaces; with `sentence`, a sentence that ends in a comma. */
export function residueIn(text: string, sentence = false): TextIssue[] {
  const out: TextIssue[] = [];
  for (const m of text.matchAll(/\[bookmark:[^\]]*\]/g)) {
    out.push({ message: `word-processor bookmark left in the text: "${m[0]}"`, evidence: m[0] });
  }
  for (const m of text.matchAll(/\b(the|a|an|to|of|and)(MBCP|SIP|PoC|CPM|IWF)\b/g)) {
    out.push({ message: `missing space: "${m[0]}"`, evidence: m[0] });
  }
  for (const m of text.matchAll(/(?:^|[\s(])(”\w+[”“])/g)) {
    const q = m[1] ?? '';
    out.push({ message: `quote opened with a closing quote mark: ${q}`, evidence: q });
  }
  // A name written two ways in one text: "a Call-ID header, set to the Call-Id header value".
  const names = new Map<string, string>();
  for (const m of text.matchAll(/\b[A-Z][A-Za-z]*-[A-Za-z]+\b/g)) {
    const seen = names.get(m[0].toLowerCase());
    if (seen === undefined) names.set(m[0].toLowerCase(), m[0]);
    else if (seen !== m[0] && !out.some((i) => i.evidence === m[0]))
      out.push({
        message: `"${m[0]}" is written "${seen}" earlier in the same text`,
        evidence: m[0],
      });
  }
  for (const m of text.matchAll(/\b(towards to|(\w{2,}) \2)\b/gi)) {
    out.push({ message: `doubled word: "${m[0]}"`, evidence: m[0] });
  }
  for (const m of text.trimEnd().matchAll(/\S( {2,})(?=\S)/g)) {
    const at = m.index;
    const evidence = text.slice(Math.max(0, at - 6), at + 1 + (m[1]?.length ?? 2) + 8);
    out.push({ message: `double space: "${evidence.trim()}"`, evidence: evidence.trim() });
  }
  if (sentence && /,\s*$/.test(text)) {
    const evidence = text.trimEnd().slice(-20);
    out.push({ message: 'the sentence ends with a comma, as if cut off', evidence });
  }
  return out;
}

/** White space inside a URI; `wholeUri` for a Request-URI, where no white space is allowed at all. */
export function uriWhitespace(value: string, wholeUri: boolean): TextIssue[] {
  const out: TextIssue[] = [];
  const v = value.trim();
  const seen = new Set<string>();
  const add = (evidence: string, what: string): void => {
    if (seen.has(evidence)) return;
    seen.add(evidence);
    out.push({ message: `white space inside a URI (${what}): "${evidence}"`, evidence });
  };
  for (const m of v.matchAll(/\b(sips?|tel|urn):\s+[^\s>]{1,12}/g)) add(m[0], 'after the scheme');
  for (const m of v.matchAll(/[^\s@<]{1,12}@\s+[^\s>;]{1,12}/g)) add(m[0], 'after "@"');
  for (const m of v.matchAll(/<\s+[^\s>]{1,12}|[^\s<]{1,12}\s+>/g)) add(m[0], 'inside <...>');
  if (wholeUri && out.length === 0) {
    for (const m of v.matchAll(/\S{0,6}\s+\S{1,6}/g)) add(m[0], 'a Request-URI has none');
  }
  return out;
}

/** "SIP 202 20O "AcceptedOK"", "SIP/2.0 100 Tryin": a status that is not a status. */
export function statusIssues(text: string): TextIssue[] {
  const out: TextIssue[] = [];
  for (const m of text.matchAll(/\bSIP\s+(\d[\dOo]{2})\s+(\d[\dOo]{2})\b(\s+"[^"]*")?/g)) {
    out.push({
      message: `two status codes "${m[1] ?? ''} ${m[2] ?? ''}" (a tracked change left in?): "${m[0]}"`,
      evidence: m[0],
    });
  }
  for (const m of text.matchAll(/\bSIP\s+(?:\d[\dOo]{2}\s+)?(\d[\dOo]{2})\b/g)) {
    if (/[Oo]/.test(m[1] ?? '')) {
      out.push({ message: `"${m[1] ?? ''}" is not a status code (a letter O)`, evidence: m[0] });
    }
  }
  for (const m of text.matchAll(/\bSIP\s+(\d{3})(?:\s+\d[\dOo]{2})?\s+"([^"]*)"/g)) {
    const expected = SIP_REASONS[Number(m[1])];
    if (expected !== undefined && (m[2] ?? '').toLowerCase() !== expected.toLowerCase()) {
      out.push({
        message: `reason "${m[2] ?? ''}" is not the reason of ${m[1] ?? ''} ("${expected}")`,
        evidence: m[0],
      });
    }
  }
  for (const m of text.matchAll(/^SIP\/2\.0\s+(\S+)\s*(.*)$/gm)) {
    const code = Number(m[1]);
    const expected = SIP_REASONS[code];
    if (!/^[1-6]\d\d$/.test(m[1] ?? '')) {
      out.push({ message: `status line "${m[0]}" has no status code`, evidence: m[0] });
    } else if (
      expected !== undefined &&
      (m[2] ?? '').trim().toLowerCase() !== expected.toLowerCase()
    ) {
      out.push({
        message: `status line "${m[0]}": the reason of ${code} is "${expected}"`,
        evidence: m[0],
      });
    }
  }
  return out;
}

/** A figure named with its title in a sentence. */
export interface FigureRef {
  readonly figure: string;
  readonly title: string;
  readonly index: number;
}

/** Every 'Figure 16 "Title"' in a text. */
export function figureRefs(text: string): FigureRef[] {
  return [...text.matchAll(/Figure\s+(\d+)\s*["“]([^"”]+)["”]/g)].map((m) => ({
    figure: m[1] ?? '',
    title: m[2] ?? '',
    index: m.index,
  }));
}

/** The parts of the SIP URIs in a value that name someone: user parts and host labels. */
export function identityTokens(value: string): { kind: 'user' | 'host'; token: string }[] {
  const out: { kind: 'user' | 'host'; token: string }[] = [];
  for (const m of value.matchAll(/sips?:\s*([^@\s;>:]+)@\s*([^;>\s:]+)/g)) {
    for (const u of (m[1] ?? '').split('%')) if (u) out.push({ kind: 'user', token: u });
    const host = (m[2] ?? '').split('%')[0] ?? '';
    for (const h of host.split('.')) if (h.length >= 6) out.push({ kind: 'host', token: h });
  }
  return out;
}

/** True when two different spellings look like one identity: same letters, or one letter more. */
export function sameIdentity(a: string, b: string): boolean {
  if (a === b) return false;
  const n = (s: string): string => s.replace(/[-_.]/g, '').toLowerCase();
  if (n(a) === n(b)) return true;
  if (Math.min(a.length, b.length) < 8 || Math.abs(a.length - b.length) !== 1) return false;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

/**
 * The parties a procedure sentence sends to: "for the other CPM entity", "to
 * the IWFs", "towards PoC server", "destined for the called user", "for each
 * of the associated IWFs" (the phrase as printed, after the preposition).
 */
export function requestTargets(text: string): string[] {
  const re =
    /\b(?:for|to|towards|destined for)\s+((?:each of\s+)?(?:the\s+)?(?:associated\s+)?(?:IWFs?|other CPM entity|CPM Client|PoC server|called user|calling user))/gi;
  return [...text.matchAll(re)].map((m) => m[1] ?? '');
}

/** Header fields whose value is a name-addr or addr-spec (RFC 3261 20.10, 20.20, 20.39; RFC 3515 2.1). */
const ADDRESS_HEADERS = new Set([
  'contact',
  'from',
  'to',
  'refer-to',
  'referred-by',
  'route',
  'record-route',
]);

/**
 * A URI with ";" parameters written bare in an address header: RFC 3261 20
 * requires the "<" ">" form, or the parameters belong to the header, not the URI.
 */
export function unbracketedUri(header: string, value: string): TextIssue | undefined {
  if (!ADDRESS_HEADERS.has(header.toLowerCase())) return undefined;
  const v = value.trim();
  const m = /^(sips?|tel):[^\s<>]*;[^\s<>]*/.exec(v);
  if (!m) return undefined;
  return {
    message: `${header}: the URI has ";" parameters but no "<" ">", so "${m[0].slice(m[0].indexOf(';'))}" would be header parameters (RFC 3261 20)`,
    evidence: m[0],
  };
}
