/**
 * Reading the figures of a contribution: the OMA PoC step lists ("2.\tSIP BYE
 * request (from the PoC Client A to the SIP/IP Core A)", its sentence, its
 * Request-URI, SIP HEADERS and MIME BODY blocks) and the OMA CPM prose steps
 * ("1. CPM Client A sends ...", "9-14. The response is conveyed back ...").
 */

/** A line of the seed with its 1-based number. */
export interface SeedLine {
  readonly line: number;
  readonly text: string;
}

/** A header as printed: name line (with or without colon) and value line. */
export interface RawHeader {
  readonly name: string;
  readonly hasColon: boolean;
  readonly nameLine: number;
  readonly value: string;
  readonly valueLine: number;
}

/** One numbered step of a figure. */
export interface RawStep {
  readonly number: string;
  readonly line: number;
  /** The heading of a step list; undefined for prose steps. */
  readonly title?: string;
  readonly sentence?: string;
  readonly sentenceLine?: number;
  readonly requestUri?: { readonly value: string; readonly line: number };
  readonly headers: readonly RawHeader[];
  readonly body?: { readonly value: string; readonly line: number };
  /** Last line of the step's block. */
  readonly endLine: number;
}

/** A figure: its number, title as declared, and steps. */
export interface RawFigure {
  readonly figure: string;
  readonly title: string;
  readonly line: number;
  readonly prose: boolean;
  readonly steps: readonly RawStep[];
}

const DECL_LIST = /^\s*Figure (\d+) ["“](.+?)["”] shows/;
const DECL_PROSE = /^\s*Figure (\d+):\s*(.+?)\s*$/;
const LIST_STEP = /^(\d+|[A-Z])\.[\t ]+(.+?)\s*$/;
/** A heading with its hop: what makes a figure a step list rather than prose. */
const HOP_HEADING = /^(\d+|[A-Z])\.[\t ]+.*\(from .+ to .+\)\s*$/;
const PROSE_STEP = /^(\d+(?:-\d+)?)\.\s+(.+?)\s*$/;
const BLOCK = /^(Request-URI|SIP HEADERS|MIME BODY)$/;
const HEADER_NAME = /^([A-Za-z][A-Za-z0-9-]*)(:?)$/;

/** Splits text into numbered lines. */
export function seedLines(text: string): SeedLine[] {
  return text.split(/\r?\n/).map((t, i) => ({ line: i + 1, text: t }));
}

/** Every figure of the text, with its steps. */
export function readFigures(lines: readonly SeedLine[]): RawFigure[] {
  const out: RawFigure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    const list = DECL_LIST.exec(l.text);
    const prose = list ? undefined : DECL_PROSE.exec(l.text);
    const m = list ?? prose;
    if (!m) continue;
    const end = nextFigure(lines, i + 1);
    const body = lines.slice(i + 1, end);
    // "N.<tab>Heading (from X to Y)" or "N. Heading (from X to Y)": a step list, whatever the declaration.
    const isList = body.some((b) => HOP_HEADING.test(b.text));
    out.push({
      figure: m[1] ?? '',
      title: (m[2] ?? '').trim(),
      line: l.line,
      prose: !isList,
      steps: isList ? listSteps(body) : proseSteps(body),
    });
    i = end - 1;
  }
  return out;
}

function nextFigure(lines: readonly SeedLine[], from: number): number {
  for (let i = from; i < lines.length; i++) {
    const t = lines[i]?.text ?? '';
    if (DECL_LIST.test(t) || DECL_PROSE.test(t) || /^\s+\d+ [A-Z][a-z]/.test(t)) {
      // Back up over the intro paragraph of the next figure (" This subclause ...", "NOTE:").
      let j = i;
      while (j > from && /^( \S|NOTE:)/.test(lines[j - 1]?.text ?? '')) j--;
      return j;
    }
  }
  return lines.length;
}

function listSteps(body: readonly SeedLine[]): RawStep[] {
  const starts = body.flatMap((l, i) => (LIST_STEP.test(l.text) ? [i] : []));
  return starts.map((s, k) => {
    const chunk = body.slice(s, starts[k + 1] ?? body.length);
    const head = LIST_STEP.exec(chunk[0]?.text ?? '');
    const rest = chunk.slice(1).filter((l) => l.text.trim() !== '');
    const step: {
      number: string;
      line: number;
      title: string;
      sentence?: string;
      sentenceLine?: number;
      requestUri?: { value: string; line: number };
      headers: RawHeader[];
      body?: { value: string; line: number };
      endLine: number;
    } = {
      number: head?.[1] ?? '',
      line: chunk[0]?.line ?? 0,
      title: head?.[2] ?? '',
      headers: [],
      endLine: (rest[rest.length - 1] ?? chunk[0])?.line ?? 0,
    };
    let mode: 'sentence' | 'uri' | 'headers' | 'body' | 'none' = 'sentence';
    let pendingName: { name: string; hasColon: boolean; line: number } | undefined;
    for (const l of rest) {
      const t = l.text.trim();
      const block = BLOCK.exec(t);
      if (block) {
        mode = block[1] === 'Request-URI' ? 'uri' : block[1] === 'SIP HEADERS' ? 'headers' : 'body';
        pendingName = undefined;
        continue;
      }
      if (mode === 'sentence') {
        step.sentence = l.text.trim();
        step.sentenceLine = l.line;
        mode = 'none';
      } else if (mode === 'uri') {
        step.requestUri = { value: t, line: l.line };
        mode = 'none';
      } else if (mode === 'body') {
        step.body = { value: t, line: l.line };
        mode = 'none';
      } else if (mode === 'headers') {
        const n = HEADER_NAME.exec(t);
        if (!pendingName && n) {
          pendingName = { name: n[1] ?? '', hasColon: n[2] === ':', line: l.line };
        } else if (pendingName) {
          step.headers.push({
            name: pendingName.name,
            hasColon: pendingName.hasColon,
            nameLine: pendingName.line,
            value: t,
            valueLine: l.line,
          });
          pendingName = undefined;
        }
      }
    }
    return step;
  });
}

function proseSteps(body: readonly SeedLine[]): RawStep[] {
  return body.flatMap((l) => {
    const m = PROSE_STEP.exec(l.text);
    if (!m) return [];
    return [
      {
        number: m[1] ?? '',
        line: l.line,
        sentence: m[2] ?? '',
        sentenceLine: l.line,
        headers: [],
        endLine: l.line,
      },
    ];
  });
}
