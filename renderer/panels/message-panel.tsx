/**
 * The side panel of the selected step: the full message, and forms that
 * change its method or status, headers and body, or delete the step. Each
 * change goes to the backend, which rewrites the YAML keeping comments.
 */
import { useEffect, useState } from 'react';
import type { DiagramLifeline, DiagramRow, FlowEdit, FlowStructureEdit } from '../../api/index.js';
import { StepActions } from './step-actions.js';

/** Props of {@link MessagePanel}. */
export interface MessagePanelProps {
  readonly row: DiagramRow | undefined;
  readonly lifelineLabel: (id: string | undefined) => string;
  readonly lifelines: readonly DiagramLifeline[];
  /** Suggested id of a new step. */
  readonly nextId: string;
  readonly onEdit: (edit: FlowEdit | FlowStructureEdit) => void;
}

interface HeaderDraft {
  readonly name: string;
  readonly value: string;
}

/** Shows and edits the selected step. */
export function MessagePanel(props: MessagePanelProps) {
  const { row, lifelineLabel, onEdit } = props;
  const [type, setType] = useState('');
  const [headers, setHeaders] = useState<HeaderDraft[]>([]);
  const [body, setBody] = useState('');
  const message = row?.kind === 'message' ? row : undefined;
  const resetKey = message
    ? JSON.stringify([message.key, message.ownLabel, message.label, message.headers, message.body])
    : '';
  useEffect(() => {
    setType(message ? (message.ownLabel ?? message.label) : '');
    setHeaders(message ? message.headers.map((h) => ({ ...h })) : []);
    setBody(message?.body ?? '');
    // resetKey covers every field the form shows: reset the drafts when the step changes.
  }, [resetKey]);

  if (!row)
    return (
      <aside className="side-panel" data-testid="side-panel">
        <div className="panel-title">Step</div>
        <div className="empty">Click an arrow or a step line to see it here.</div>
      </aside>
    );

  return (
    <aside className="side-panel" data-testid="side-panel">
      <div className="panel-title">
        Step <span className="step-id">{row.stepId}</span> <span className="kind">{row.kind}</span>
      </div>
      {row.title && <div className="step-title">{row.title}</div>}
      {message && (
        <>
          <div className="route">
            {lifelineLabel(message.from)} → {lifelineLabel(message.to)}
          </div>
          {message.relays && <div className="relation">relays step {message.relays}</div>}
          {message.answers && <div className="relation">answers step {message.answers}</div>}
          {message.requestUri && (
            <div className="request-uri" title="Request-URI">
              {message.requestUri}
            </div>
          )}
          <form
            className="field-row"
            onSubmit={(e) => {
              e.preventDefault();
              onEdit({ kind: 'setMessageType', path: message.path, value: type });
            }}
          >
            <label htmlFor="message-type">Method or status</label>
            <input
              id="message-type"
              data-testid="message-type"
              value={type}
              onChange={(e) => setType(e.target.value)}
              placeholder="BYE or 200 OK"
            />
            <button type="submit" data-testid="apply-type">
              Apply
            </button>
          </form>
          <form
            className="headers-form"
            onSubmit={(e) => {
              e.preventDefault();
              onEdit({
                kind: 'setHeaders',
                path: message.path,
                headers: headers.filter((h) => h.name.trim()),
              });
            }}
          >
            <div className="label">Headers</div>
            {headers.map((h, i) => (
              <div className="header-row" key={i}>
                <input
                  aria-label="Header name"
                  data-testid="header-name"
                  value={h.name}
                  onChange={(e) =>
                    setHeaders(
                      headers.map((x, k) => (k === i ? { ...x, name: e.target.value } : x)),
                    )
                  }
                />
                <input
                  aria-label="Header value"
                  data-testid="header-value"
                  value={h.value}
                  onChange={(e) =>
                    setHeaders(
                      headers.map((x, k) => (k === i ? { ...x, value: e.target.value } : x)),
                    )
                  }
                />
                <button
                  type="button"
                  title="Remove header"
                  onClick={() => setHeaders(headers.filter((_, k) => k !== i))}
                >
                  ✕
                </button>
              </div>
            ))}
            <div className="buttons">
              <button
                type="button"
                data-testid="add-header"
                onClick={() => setHeaders([...headers, { name: '', value: '' }])}
              >
                Add header
              </button>
              <button type="submit" data-testid="apply-headers">
                Apply headers
              </button>
            </div>
          </form>
          <form
            className="body-form"
            onSubmit={(e) => {
              e.preventDefault();
              onEdit({ kind: 'setBody', path: message.path, body });
            }}
          >
            <label htmlFor="message-body">Body</label>
            <textarea
              id="message-body"
              data-testid="message-body"
              value={body}
              rows={4}
              onChange={(e) => setBody(e.target.value)}
            />
            <button type="submit" data-testid="apply-body">
              Apply body
            </button>
          </form>
        </>
      )}
      {!message && <div className="note-label">{row.label}</div>}
      {row.text && <p className="step-text">{row.text}</p>}
      <div className="buttons">
        <button
          type="button"
          className="danger"
          data-testid="delete-step"
          onClick={() => onEdit({ kind: 'deleteStep', path: row.path })}
        >
          Delete step
        </button>
      </div>
      <StepActions
        key={row.key}
        row={row}
        lifelines={props.lifelines}
        nextId={props.nextId}
        onEdit={onEdit}
      />
    </aside>
  );
}
