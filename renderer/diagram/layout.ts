/**
 * Pixel layout of a sequence diagram: lifeline columns, one row per step,
 * extra space where fragments open, change operand and close. Pure, so the
 * React Flow view and the SVG export draw exactly the same picture.
 */
import type {
  DiagramFragment,
  DiagramMessageRow,
  DiagramModel,
  DiagramNoteRow,
} from '../../api/index.js';

/** Sizes of the layout, in diagram pixels. */
export const LAYOUT = {
  columnWidth: 170,
  marginX: 40,
  headerHeight: 58,
  rowHeight: 48,
  fragmentHead: 30,
  operandGap: 26,
  fragmentFoot: 14,
  noteHeight: 30,
  selfLoopWidth: 46,
  bottom: 40,
} as const;

/** A lifeline column. */
export interface LaidLifeline {
  readonly id: string;
  readonly label: string;
  /** Role, network and mode under the label. */
  readonly detail: string;
  readonly x: number;
}

/** A message arrow at its row. */
export interface LaidMessage {
  readonly row: DiagramMessageRow;
  readonly rowIndex: number;
  /** y of the arrow line. */
  readonly y: number;
  readonly x1: number;
  readonly x2: number;
}

/** An action, state or ref box. */
export interface LaidNote {
  readonly row: DiagramNoteRow;
  readonly rowIndex: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A fragment box with its operand separators. */
export interface LaidFragment {
  readonly fragment: DiagramFragment;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly separators: readonly { readonly y: number; readonly label: string }[];
}

/** The whole picture. */
export interface DiagramLayout {
  readonly lifelines: readonly LaidLifeline[];
  readonly messages: readonly LaidMessage[];
  readonly notes: readonly LaidNote[];
  readonly fragments: readonly LaidFragment[];
  /** Centre line of each row. */
  readonly rowY: readonly number[];
  readonly width: number;
  readonly height: number;
}

/** Lays out a diagram; rows start at y = 0 under the lifeline headers. */
export function layoutDiagram(model: DiagramModel): DiagramLayout {
  const L = LAYOUT;
  const x = new Map<string, number>();
  const lifelines: LaidLifeline[] = model.lifelines.map((l, i) => {
    const cx = L.marginX + i * L.columnWidth + L.columnWidth / 2;
    x.set(l.id, cx);
    const detail = [l.role, l.network ? `network ${l.network}` : '', l.mode ?? '']
      .filter(Boolean)
      .join(' · ');
    return { id: l.id, label: l.label, detail, x: cx };
  });
  const xOf = (id: string | undefined): number =>
    id !== undefined ? (x.get(id) ?? L.marginX) : L.marginX / 2;

  const opening = new Map<number, DiagramFragment[]>();
  const closing = new Map<number, number>();
  const operandAt = new Map<number, number>();
  for (const f of model.fragments) {
    opening.set(f.firstRow, [...(opening.get(f.firstRow) ?? []), f]);
    closing.set(f.lastRow, (closing.get(f.lastRow) ?? 0) + 1);
    f.operands.forEach((o, k) => {
      if (k > 0 && o.firstRow !== Number.MAX_SAFE_INTEGER)
        operandAt.set(o.firstRow, (operandAt.get(o.firstRow) ?? 0) + 1);
    });
  }

  const rowY: number[] = [];
  const fragmentTop = new Map<string, number>();
  const separatorY = new Map<string, number>();
  let y = 12;
  model.rows.forEach((_row, i) => {
    y += (operandAt.get(i) ?? 0) * L.operandGap;
    for (const f of model.fragments)
      f.operands.forEach((o, k) => {
        if (k > 0 && o.firstRow === i) separatorY.set(`${f.key}#${k}`, y - L.operandGap + 4);
      });
    for (const f of (opening.get(i) ?? []).sort((a, b) => a.depth - b.depth)) {
      fragmentTop.set(f.key, y);
      y += L.fragmentHead;
    }
    y += L.rowHeight / 2;
    rowY.push(y);
    y += L.rowHeight / 2;
    y += (closing.get(i) ?? 0) * L.fragmentFoot;
  });
  const bottomOf = (row: number, depth: number): number => {
    const inner = model.fragments.filter((f) => f.lastRow === row && f.depth > depth).length;
    return (rowY[row] ?? 0) + L.rowHeight / 2 + (inner + 1) * L.fragmentFoot - 4;
  };

  const messages: LaidMessage[] = [];
  const notes: LaidNote[] = [];
  model.rows.forEach((row, i) => {
    const ry = rowY[i] ?? 0;
    if (row.kind === 'message') {
      messages.push({ row, rowIndex: i, y: ry, x1: xOf(row.from), x2: xOf(row.to) });
      return;
    }
    const xs = row.over.map((o) => xOf(o));
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const width = Math.max(120, hi - lo + 90);
    notes.push({
      row,
      rowIndex: i,
      x: (lo + hi) / 2 - width / 2,
      y: ry - L.noteHeight / 2,
      width,
      height: L.noteHeight,
    });
  });

  const fragments: LaidFragment[] = model.fragments.map((f) => {
    const xs = f.lifelines.map((id) => xOf(id));
    const pad = Math.max(22, 78 - 14 * f.depth);
    const lo = (xs.length ? Math.min(...xs) : L.marginX) - pad;
    const hi = (xs.length ? Math.max(...xs) : L.marginX) + pad;
    const top = fragmentTop.get(f.key) ?? 0;
    return {
      fragment: f,
      x: lo,
      y: top,
      width: Math.max(hi - lo, 260),
      height: bottomOf(f.lastRow, f.depth) - top,
      separators: f.operands.flatMap((o, k) => {
        const sy = separatorY.get(`${f.key}#${k}`);
        return k > 0 && sy !== undefined ? [{ y: sy, label: o.label }] : [];
      }),
    };
  });

  const width = Math.max(
    L.marginX * 2 + lifelines.length * L.columnWidth,
    ...fragments.map((f) => f.x + f.width + 20),
  );
  return { lifelines, messages, notes, fragments, rowY, width, height: y + L.bottom };
}

/** The row whose text holds a line of the YAML: the innermost, latest-starting one. */
export function rowAtLine(model: DiagramModel, line: number): string | undefined {
  let best: { key: string; line: number } | undefined;
  for (const r of model.rows)
    if (r.line <= line && line <= r.endLine && (!best || r.line > best.line))
      best = { key: r.key, line: r.line };
  return best?.key;
}
