/** The problems panel: findings of the open flow; click one to go to its line. */
import type { ApiFinding } from '../../api/index.js';

/** Props of {@link ProblemsPanel}. */
export interface ProblemsPanelProps {
  readonly findings: readonly ApiFinding[];
  readonly onGoTo: (finding: ApiFinding) => void;
}

const ICON = { error: '✖', warning: '▲', info: 'ℹ' } as const;

/** Lists findings with rule, severity and location. */
export function ProblemsPanel({ findings, onGoTo }: ProblemsPanelProps) {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return (
    <section className="problems" aria-label="Problems" data-testid="problems">
      <div className="panel-title">
        Problems{' '}
        <span className="count">
          {errors} errors, {warnings} warnings, {findings.length - errors - warnings} info
        </span>
      </div>
      <ul>
        {findings.map((f, i) => (
          <li key={`${f.rule}:${f.line}:${f.column}:${i}`}>
            <button type="button" className={`finding ${f.severity}`} onClick={() => onGoTo(f)}>
              <span className="severity" aria-label={f.severity}>
                {ICON[f.severity]}
              </span>
              <span className="where">
                {f.line}:{f.column}
              </span>
              {f.step !== undefined && <span className="step-id">{f.step}</span>}
              <span className="message">{f.message}</span>
              <span className="rule">{f.rule}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
