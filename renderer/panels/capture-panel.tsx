/**
 * The open capture's diff next to the diagram: verdict, the instance the
 * overlay shows, counts per verdict, the selected step's expected and
 * actual values, steps the diagram does not draw, and the messages of the
 * instance that no step explains.
 */
import type { CaptureDiff, CaptureStepDiff, DiagramRow, StepDiffStatus } from '../../api/index.js';
import { STEP_DIFF_STATUSES } from '../../api/index.js';
import { STATUS_TEXT, stepsOffDiagram, type DiffOverlay } from '../diagram/diff-overlay.js';

/** Props of {@link CapturePanel}. */
export interface CapturePanelProps {
  readonly diff: CaptureDiff;
  readonly instance: number;
  readonly overlay: DiffOverlay;
  readonly selectedRow: DiagramRow | undefined;
  readonly onSelectInstance: (index: number) => void;
  readonly onClear: () => void;
}

/** One step's verdict in full: frame, expected against actual, order. */
function StepDiffView({ step }: { readonly step: CaptureStepDiff }) {
  return (
    <li className={`capture-step diff-${step.status}`} data-testid="capture-step">
      <div>
        <span className="step-id">{step.id}</span>{' '}
        <span className={`diff-badge diff-${step.status}`}>{STATUS_TEXT[step.status]}</span>
        {step.frame !== null && <span className="frame"> frame {step.frame}</span>}
      </div>
      <div className="summary">{step.summary}</div>
      {step.diffs.length > 0 && (
        <table className="field-diffs" data-testid="field-diffs">
          <thead>
            <tr>
              <th>Field</th>
              <th>Expected</th>
              <th>Actual</th>
            </tr>
          </thead>
          <tbody>
            {step.diffs.map((d, i) => (
              <tr key={i}>
                <td>{d.field}</td>
                <td>{d.expected}</td>
                <td>{d.actual}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {step.violates !== null && (
        <div className="order">seen before step {step.violates}, which should come first</div>
      )}
    </li>
  );
}

/** The capture's side of the window. */
export function CapturePanel(p: CapturePanelProps) {
  const inst = p.diff.instances[p.instance];
  const counts = new Map<StepDiffStatus, number>();
  for (const s of inst?.steps ?? []) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const selected = p.selectedRow ? p.overlay.get(p.selectedRow.key) : undefined;
  const off = inst ? stepsOffDiagram(inst, p.overlay) : [];
  return (
    <section className="capture-panel" data-testid="capture-panel">
      <div className="panel-title">
        Capture <span className={`verdict verdict-${p.diff.verdict}`}>{p.diff.verdict}</span>
        <button type="button" data-testid="clear-capture" onClick={p.onClear}>
          Clear
        </button>
      </div>
      <div className="capture-name" title={p.diff.capture}>
        {p.diff.capture} · {p.diff.messages} messages
        {p.diff.unrelated > 0 && ` · ${p.diff.unrelated} unrelated`}
      </div>
      {p.diff.instances.length === 0 && (
        <div className="empty">No instance of {p.diff.flowId} in this capture.</div>
      )}
      {p.diff.instances.length > 1 && (
        <label className="instance-picker">
          Instance{' '}
          <select
            data-testid="capture-instance"
            value={p.instance}
            onChange={(e) => p.onSelectInstance(Number(e.target.value))}
          >
            {p.diff.instances.map((x, i) => (
              <option key={i} value={i}>
                {i + 1}: {x.verdict}, from frame {x.firstFrame}
              </option>
            ))}
          </select>
        </label>
      )}
      {inst && (
        <div className="capture-counts" data-testid="capture-counts">
          {STEP_DIFF_STATUSES.filter((s) => counts.has(s)).map((s) => (
            <span key={s} className={`diff-badge diff-${s}`}>
              {counts.get(s)} {STATUS_TEXT[s]}
            </span>
          ))}
        </div>
      )}
      {selected && (
        <ul className="capture-steps" data-testid="capture-selected">
          {selected.steps.map((s) => (
            <StepDiffView key={s.id} step={s} />
          ))}
        </ul>
      )}
      {off.length > 0 && (
        <details>
          <summary>{off.length} steps not drawn</summary>
          <ul className="capture-steps">
            {off.map((s) => (
              <StepDiffView key={s.id} step={s} />
            ))}
          </ul>
        </details>
      )}
      {inst && inst.unexpected.length > 0 && (
        <div data-testid="capture-unexpected">
          <div className="label">Unexpected messages</div>
          <ul className="capture-unexpected">
            {inst.unexpected.map((u) => (
              <li key={u.frame}>
                <span className="frame">frame {u.frame}</span> {u.summary}
              </li>
            ))}
          </ul>
        </div>
      )}
      {p.diff.warnings.length > 0 && (
        <details>
          <summary>{p.diff.warnings.length} capture warnings</summary>
          <ul>
            {p.diff.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
