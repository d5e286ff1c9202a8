/**
 * Reading the few parts of raw header values the engine asks about for every
 * message (a Via's branch, a From or To tag, the CSeq number and method, the
 * URI of a Contact) by scanning the text where they lie, without a regular
 * expression's match array or a copy of the part: the engine compares most of
 * them and keeps few. Each scanner finds exactly what the regular expression
 * it stands for (named in its comment) finds, white space (`\s`) included.
 */

/** `\s` of a JavaScript regular expression (WhiteSpace and LineTerminator, ECMA-262 22.2.2.9). */
export function isSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function skipSpace(s: string, i: number, end: number): number {
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  return i;
}

const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const GREATER = 0x3e;

/** True when `c` ends a parameter's value: `;`, `,`, white space, and `>` when `gt` is set. */
function endsValue(c: number, gt: boolean): boolean {
  return c === SEMICOLON || c === COMMA || (gt && c === GREATER) || isSpace(c);
}

/**
 * Where the value of the first parameter `name` (lower-case letters) starts in `s` before `end`:
 * the first match of `/;\s*name\s*=\s*([^;,\s]+)/i` (with `>` among the stops when `gt` is set),
 * -1 when there is none. The value ends at {@link paramEnd}.
 */
export function paramStart(s: string, name: string, gt: boolean, end = s.length): number {
  for (let semi = s.indexOf(';'); semi >= 0 && semi < end; semi = s.indexOf(';', semi + 1)) {
    let i = skipSpace(s, semi + 1, s.length);
    let n = 0;
    // ASCII letters only: a case-insensitive match never folds another character onto them.
    while (n < name.length && (s.charCodeAt(i) | 0x20) === name.charCodeAt(n)) {
      i++;
      n++;
    }
    if (n < name.length) continue;
    i = skipSpace(s, i, s.length);
    if (s.charCodeAt(i) !== EQUALS) continue;
    i = skipSpace(s, i + 1, s.length);
    if (i < s.length && !endsValue(s.charCodeAt(i), gt)) return i;
  }
  return -1;
}

/** Where a parameter's value that starts at `start` ends (see {@link paramStart}). */
export function paramEnd(s: string, start: number, gt: boolean): number {
  let i = start;
  while (i < s.length && !endsValue(s.charCodeAt(i), gt)) i++;
  return i;
}

/** Whether the text of `s` from `start` to `end` is `text`. */
export function spanIs(s: string, start: number, end: number, text: string): boolean {
  return end - start === text.length && s.startsWith(text, start);
}

/** Where the branch of a Via value's first entry starts (`/;\s*branch\s*=\s*([^;,\s]+)/i`), or -1. */
export function branchStart(via: string): number {
  const comma = via.indexOf(',');
  return paramStart(via, 'branch', false, comma < 0 ? via.length : comma);
}

/** Where the tag of a From or To value starts (`/;\s*tag\s*=\s*([^;>\s,]+)/i`), or -1 (RFC 3261 19.3). */
export function tagStart(address: string): number {
  return paramStart(address, 'tag', true);
}

/** Where a tag that starts at `start` ends. */
export function tagEnd(address: string, start: number): number {
  return paramEnd(address, start, true);
}

/** Whether a From or To value carries the tag `tag` (an undefined tag: carries none). */
export function hasTag(address: string | undefined, tag: string | undefined): boolean {
  const start = address ? tagStart(address) : -1;
  if (start < 0 || address === undefined) return tag === undefined;
  return tag !== undefined && spanIs(address, start, tagEnd(address, start), tag);
}

/** The end of the CSeq number, when a CSeq value starts with one (`/^\s*(\d+)/`); -1 otherwise. */
export function cseqNumberEnd(cseq: string): number {
  const start = skipSpace(cseq, 0, cseq.length);
  let i = start;
  while (i < cseq.length && cseq.charCodeAt(i) >= 0x30 && cseq.charCodeAt(i) <= 0x39) i++;
  return i > start ? i : -1;
}

/** The sequence number of a CSeq value (`/^\s*(\d+)/`, as a number), NaN when it has none. */
export function cseqNumber(cseq: string): number {
  const end = cseqNumberEnd(cseq);
  if (end < 0) return NaN;
  const start = skipSpace(cseq, 0, end);
  // Up to 15 digits add up exactly; longer ones are rounded as Number rounds them.
  if (end - start > 15) return Number(cseq.slice(start, end));
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (cseq.charCodeAt(i) - 0x30);
  return n;
}

/**
 * Where the method of a CSeq value starts (`/^\s*(\d+)\s+(\S+)/`, RFC 3261 20.16), -1 when the
 * value is not a number and a method; the method runs to the next white space or the end.
 */
export function cseqMethodStart(cseq: string): number {
  const number = cseqNumberEnd(cseq);
  if (number < 0) return -1;
  const method = skipSpace(cseq, number, cseq.length);
  return method > number && method < cseq.length ? method : -1;
}

/** Where a CSeq method that starts at `start` ends. */
export function cseqMethodEnd(cseq: string, start: number): number {
  let i = start;
  while (i < cseq.length && !isSpace(cseq.charCodeAt(i))) i++;
  return i;
}

/** The method of a CSeq value, undefined when it has none (see {@link cseqMethodStart}). */
export function cseqMethodOf(cseq: string | undefined): string | undefined {
  if (cseq === undefined) return undefined;
  const start = cseqMethodStart(cseq);
  return start < 0 ? undefined : cseq.slice(start, cseqMethodEnd(cseq, start));
}

/**
 * The text between the first `<` and the next `>` after it (`/<([^>]*)>/`, untrimmed), undefined
 * when there is no such pair.
 */
export function bracketed(value: string): string | undefined {
  const lt = value.indexOf('<');
  if (lt < 0) return undefined;
  const gt = value.indexOf('>', lt + 1);
  return gt < 0 ? undefined : value.slice(lt + 1, gt);
}
