/**
 * Reading numbered procedures: clause headings ("8.2.2.3 Handle a SIP BYE
 * Request", "6.2.X" with its title on the next line), items nested as
 * 1. / a. / i. / 1. (OMA CPM 8.2.2.3 4.c.ii.1) or 1) with dash lists (TS 24.229
 * 5.4.5.1.2), SHALL paragraphs, and the empty numbering editing leaves behind.
 */
import type { SeedLine } from './figure-text.js';

/** A numbered item: its full number ("4.c.ii.1"), its marker as printed and its text. */
export interface RawItem {
  readonly number: string;
  readonly marker: string;
  readonly line: number;
  readonly text: string;
  /** Dash items under it ("- a Request-URI, set to ..."), with their lines. */
  readonly dashes: { readonly text: string; readonly line: number }[];
}

/** A block of markers left without text ("1. a. b. c. 2."). */
export interface EmptyBlock {
  readonly line: number;
  readonly markers: readonly string[];
}

/** A list that does not start where it should, or skips. */
export interface NumberingGap {
  readonly line: number;
  readonly message: string;
  readonly number: string;
}

/** A clause with a procedure. */
export interface RawProcedure {
  readonly clause: string;
  readonly title: string;
  readonly line: number;
  /** The clause number stands alone and its title follows on the next line ("6.2.X"). */
  readonly splitHeading: boolean;
  /** The subject's introduction ("the S-CSCF shall:"), when there is one. */
  readonly intro: readonly SeedLine[];
  readonly items: readonly RawItem[];
  /** SHALL sentences outside the numbered items. */
  readonly paragraphs: readonly SeedLine[];
  readonly empties: readonly EmptyBlock[];
  readonly gaps: readonly NumberingGap[];
}

const HEADING = /^\s*(\d+(?:\.(?:\d+|X))+)\s*(.*?)\s*$/;
const END = /^\s*(\d+ [A-Z][a-z]|Change \d+:|\*\*\*)/;
const MARKER = /^\s*(\d+|[a-z]|[ivx]+)([.)])\s*(.*?)\s*$/;
const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'];

type Kind = 'num' | 'alpha' | 'roman';

interface Open {
  kind: Kind;
  marker: string;
  item: RawItem;
}

/** Every clause of the text that holds numbered items or SHALL sentences, or whose heading is split. */
export function readProcedures(lines: readonly SeedLine[]): RawProcedure[] {
  const heads: { i: number; clause: string; title: string; split: boolean }[] = [];
  lines.forEach((l, i) => {
    const m = HEADING.exec(l.text);
    if (!m || /\b(TS|X\.P)\b/.test(l.text)) return;
    let title = m[2] ?? '';
    const split = title === '';
    if (split)
      title =
        lines
          .slice(i + 1)
          .find((n) => n.text.trim() !== '')
          ?.text.trim() ?? '';
    heads.push({ i, clause: m[1] ?? '', title, split });
  });
  const out: RawProcedure[] = [];
  heads.forEach((h, k) => {
    let end = heads[k + 1]?.i ?? lines.length;
    for (let j = h.i + 1; j < end; j++)
      if (END.test(lines[j]?.text ?? '')) {
        end = j;
        break;
      }
    const p = {
      ...readClause(lines.slice(h.i + 1, end), h.clause, h.title, lines[h.i]?.line ?? 0),
      splitHeading: h.split,
    };
    if (p.items.length > 0 || p.paragraphs.length > 0 || p.splitHeading) out.push(p);
  });
  return out;
}

function nextText(body: readonly SeedLine[], i: number): SeedLine | undefined {
  for (let j = i + 1; j < body.length; j++) {
    const l = body[j];
    if (l && l.text.trim() !== '') return l;
  }
  return undefined;
}

function readClause(
  body: readonly SeedLine[],
  clause: string,
  title: string,
  line: number,
): Omit<RawProcedure, 'splitHeading'> {
  const items: RawItem[] = [];
  const paragraphs: SeedLine[] = [];
  const intro: SeedLine[] = [];
  const empties: EmptyBlock[] = [];
  const gaps: NumberingGap[] = [];
  let stack: Open[] = [];
  let empty: { line: number; markers: string[] } | undefined;
  const closeEmpty = (): void => {
    if (empty) empties.push(empty);
    empty = undefined;
  };
  const consumed = new Set<number>();

  for (let i = 0; i < body.length; i++) {
    const l = body[i];
    if (!l || consumed.has(i)) continue;
    const t = l.text.trim();
    if (t === '') {
      closeEmpty();
      continue;
    }
    if (t === title) continue;
    if (/^-\s*/.test(t) && stack.length > 0) {
      // A dash item: its text is on this line or the next.
      let text = t.replace(/^-\s*/, '');
      let at = l;
      if (text === '') {
        const n = nextText(body, i);
        if (n) {
          text = n.text.trim();
          at = n;
          consumed.add(body.indexOf(n));
        }
      }
      stack[stack.length - 1]?.item.dashes.push({ text, line: at.line });
      continue;
    }
    const m = MARKER.exec(l.text);
    if (m) {
      const marker = m[1] ?? '';
      let text = m[3] ?? '';
      let at = l;
      if (text === '' && m[2] === ')') {
        const n = nextText(body, i);
        if (n && !MARKER.test(n.text)) {
          text = n.text.trim();
          at = n;
          consumed.add(body.indexOf(n));
        }
      }
      if (text === '') {
        empty ??= { line: l.line, markers: [] };
        empty.markers.push(`${marker}${m[2] ?? '.'}`);
        continue;
      }
      closeEmpty();
      const kind = kindOf(marker, stack);
      stack = place(stack, kind, marker);
      const parentNumber = stack.map((o) => o.marker);
      const item: RawItem = {
        number: [...parentNumber, marker].join('.'),
        marker: `${marker}${m[2] ?? '.'}`,
        line: at.line,
        text,
        dashes: [],
      };
      const siblingsBefore = items.filter(
        (x) =>
          x.number.split('.').length === parentNumber.length + 1 &&
          x.number.startsWith(parentNumber.join('.')),
      );
      const prev = siblingsBefore[siblingsBefore.length - 1]?.number.split('.').pop();
      checkSequence(kind, marker, prev, stack, gaps, at.line, item.number);
      stack.push({ kind, marker, item });
      items.push(item);
      continue;
    }
    closeEmpty();
    if (/:\s*$/.test(t) && !/\bSHALL\b.*\bSHALL\b/.test(t)) {
      // "Upon receiving ..., a CPM Participating Function that acts as a B2BUA:" opens a new list.
      intro.push(l);
      stack = [];
      continue;
    }
    if (/\b(SHALL|shall)\b/.test(t)) paragraphs.push(l);
  }
  closeEmpty();
  return { clause, title, line, intro, items, paragraphs, empties, gaps };
}

function kindOf(marker: string, stack: readonly Open[]): Kind {
  if (/^\d+$/.test(marker)) return 'num';
  if (!ROMAN.includes(marker)) return 'alpha';
  const top = stack[stack.length - 1];
  const romanOpen = stack.find((o) => o.kind === 'roman');
  if (romanOpen && ROMAN.indexOf(marker) === ROMAN.indexOf(romanOpen.marker) + 1) return 'roman';
  if (marker === 'i' && top && /:\s*$/.test(top.item.text)) return 'roman';
  return 'alpha';
}

/** The stack of open items after placing an item of `kind`: a sibling of the nearest of its kind, or a child. */
function place(stack: readonly Open[], kind: Kind, _marker: string): Open[] {
  const top = stack[stack.length - 1];
  // A numbered item under "ii. If ...:" is a nested list (8.2.2.3 4.c.ii.1).
  if (top && top.kind !== kind && /:\s*$/.test(top.item.text)) return [...stack];
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k]?.kind === kind) return stack.slice(0, k);
  return [...stack];
}

function checkSequence(
  kind: Kind,
  marker: string,
  prev: string | undefined,
  stack: readonly Open[],
  gaps: NumberingGap[],
  line: number,
  number: string,
): void {
  const under = stack.length > 0 ? ` under item ${stack.map((o) => o.marker).join('.')}` : '';
  const next = (m: string): string =>
    kind === 'num'
      ? String(Number(m) + 1)
      : kind === 'alpha'
        ? String.fromCharCode(m.charCodeAt(0) + 1)
        : (ROMAN[ROMAN.indexOf(m) + 1] ?? '');
  const expected =
    prev === undefined ? (kind === 'num' ? '1' : kind === 'alpha' ? 'a' : 'i') : next(prev);
  if (marker === expected) return;
  gaps.push({
    line,
    number,
    message:
      prev === undefined
        ? `the list${under} starts at "${marker}", not "${expected}"`
        : `item "${marker}"${under} follows "${prev}": "${expected}" is missing`,
  });
}
