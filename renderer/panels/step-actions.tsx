/**
 * Structure edits from the side panel: add a message after the selected
 * step, or wrap the selected step in an opt, alt or loop fragment.
 */
import { useState } from 'react';
import type { DiagramLifeline, DiagramRow, FlowStructureEdit, WrapSpec } from '../../api/index.js';

/** Props of {@link StepActions}. */
export interface StepActionsProps {
  readonly row: DiagramRow;
  readonly lifelines: readonly DiagramLifeline[];
  /** Suggested id of a new step. */
  readonly nextId: string;
  readonly onEdit: (edit: FlowStructureEdit) => void;
}

function LifelineSelect(props: {
  readonly id: string;
  readonly value: string;
  readonly lifelines: readonly DiagramLifeline[];
  readonly onChange: (v: string) => void;
}) {
  return (
    <select
      id={props.id}
      data-testid={props.id}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {props.lifelines.map((l) => (
        <option key={l.id} value={l.id}>
          {l.label}
        </option>
      ))}
    </select>
  );
}

/** The add and wrap forms of the selected step. */
export function StepActions({ row, lifelines, nextId, onEdit }: StepActionsProps) {
  const first = lifelines[0]?.id ?? '';
  const [from, setFrom] = useState(row.kind === 'message' ? (row.to ?? first) : first);
  const [to, setTo] = useState(lifelines[1]?.id ?? first);
  const [sip, setSip] = useState('BYE');
  const [id, setId] = useState('');
  const [kind, setKind] = useState<WrapSpec['kind']>('opt');
  const [guard, setGuard] = useState('');
  const [decidedBy, setDecidedBy] = useState(first);
  return (
    <>
      <form
        className="add-form"
        onSubmit={(e) => {
          e.preventDefault();
          onEdit({
            kind: 'insertMessage',
            listPath: row.parentPath,
            index: row.index + 1,
            message: { id: id || nextId, from, to, sip },
          });
        }}
      >
        <div className="label">Add a message after this step</div>
        <div className="add-grid">
          <LifelineSelect id="new-from" value={from} lifelines={lifelines} onChange={setFrom} />
          <span>→</span>
          <LifelineSelect id="new-to" value={to} lifelines={lifelines} onChange={setTo} />
        </div>
        <div className="add-row">
          <input
            aria-label="Step id"
            data-testid="new-id"
            placeholder={nextId}
            value={id}
            onChange={(e) => setId(e.target.value)}
          />
          <input
            aria-label="Method or status"
            data-testid="new-sip"
            value={sip}
            onChange={(e) => setSip(e.target.value)}
          />
          <button type="submit" data-testid="add-message">
            Add
          </button>
        </div>
      </form>
      <form
        className="wrap-form"
        onSubmit={(e) => {
          e.preventDefault();
          const fragment: WrapSpec =
            kind === 'loop' ? { kind, over: guard } : { kind, guard, decidedBy };
          onEdit({
            kind: 'wrapSteps',
            listPath: row.parentPath,
            from: row.index,
            to: row.index + 1,
            fragment,
          });
        }}
      >
        <div className="label">Wrap this step in a fragment</div>
        <div className="add-row">
          <select
            aria-label="Fragment"
            data-testid="wrap-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as WrapSpec['kind'])}
          >
            <option value="opt">opt</option>
            <option value="alt">alt</option>
            <option value="loop">loop</option>
          </select>
          <input
            aria-label={kind === 'loop' ? 'Collection' : 'Guard'}
            data-testid="wrap-guard"
            placeholder={
              kind === 'loop' ? 'session.participants' : "policy.release == 'release-all'"
            }
            value={guard}
            onChange={(e) => setGuard(e.target.value)}
          />
          {kind !== 'loop' && (
            <LifelineSelect
              id="wrap-decided-by"
              value={decidedBy}
              lifelines={lifelines}
              onChange={setDecidedBy}
            />
          )}
          <button type="submit" data-testid="wrap-step" disabled={!guard.trim()}>
            Wrap
          </button>
        </div>
      </form>
    </>
  );
}
