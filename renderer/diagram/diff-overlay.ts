/**
 * The diff of a capture laid over the diagram: each row gets the verdicts of
 * the report's steps that are its own (the step id, every loop iteration
 * "5[2]" of it, and for a ref row the steps of the referenced flow
 * "poc.disconnect.on-demand:4"). Pure, so tests can check it without a page.
 */
import type {
  CaptureInstanceDiff,
  CaptureStepDiff,
  DiagramModel,
  StepDiffStatus,
} from '../../api/index.js';

/** What one row of the diagram shows of the diff. */
export interface RowDiff {
  /** The worst verdict of the row's steps. */
  readonly status: StepDiffStatus;
  /** Frame of the first matched message of the row, if any. */
  readonly frame: number | null;
  readonly steps: readonly CaptureStepDiff[];
}

/** Row key -> its diff. */
export type DiffOverlay = ReadonlyMap<string, RowDiff>;

/** Worse verdicts win when a row holds several steps (loop iterations, a ref). */
const SEVERITY: Readonly<Record<StepDiffStatus, number>> = {
  matched: 0,
  'out-of-order': 1,
  mismatch: 2,
  missing: 3,
};

/** Text of a verdict on an arrow. */
export const STATUS_TEXT: Readonly<Record<StepDiffStatus, string>> = {
  matched: 'matched',
  missing: 'missing',
  mismatch: 'mismatch',
  'out-of-order': 'out of order',
};

/** The step id of the flow a report id belongs to: "5[2]" -> "5"; "flow:4" keeps its ref prefix. */
export function baseStepId(id: string): string {
  return id.replace(/\[\d+\]$/, '');
}

/** Maps one instance of a diff onto the rows of a diagram. */
export function diffOverlay(model: DiagramModel, instance: CaptureInstanceDiff): DiffOverlay {
  const byId = new Map<string, CaptureStepDiff[]>();
  for (const s of instance.steps) {
    const base = baseStepId(s.id);
    const colon = base.indexOf(':');
    // Steps inside a ref are named "<flow id>:<step id>": they belong to the ref's row.
    const key = colon >= 0 ? `ref:${base.slice(0, colon)}` : base;
    byId.set(key, [...(byId.get(key) ?? []), s]);
  }
  const out = new Map<string, RowDiff>();
  for (const row of model.rows) {
    const steps =
      row.kind === 'ref'
        ? (byId.get(`ref:${row.label}`) ?? [])
        : row.hasId
          ? (byId.get(row.stepId) ?? [])
          : [];
    if (steps.length === 0) continue;
    const worst = steps.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a));
    const frames = steps.flatMap((s) => (s.frame !== null ? [s.frame] : []));
    out.set(row.key, {
      status: worst.status,
      frame: frames.length ? Math.min(...frames) : null,
      steps,
    });
  }
  return out;
}

/** Step ids of the report that no row of the diagram shows. */
export function stepsOffDiagram(
  instance: CaptureInstanceDiff,
  overlay: DiffOverlay,
): readonly CaptureStepDiff[] {
  const shown = new Set<CaptureStepDiff>();
  for (const r of overlay.values()) for (const s of r.steps) shown.add(s);
  return instance.steps.filter((s) => !shown.has(s));
}

/** A one-line text of a step's verdict, for tooltips: "mismatch: Privacy expected id, got none". */
export function describeStepDiff(s: CaptureStepDiff): string {
  const head = `${s.id} ${STATUS_TEXT[s.status]}${s.frame !== null ? ` (frame ${s.frame})` : ''}`;
  const diffs = s.diffs.map((d) => `${d.field}: expected ${d.expected}, actual ${d.actual}`);
  const order = s.violates !== null ? [`should come after step ${s.violates}`] : [];
  return [head, ...diffs, ...order].join('\n');
}
