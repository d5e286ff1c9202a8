/**
 * The flow browser: Open file… for a flow outside the project, the flows
 * opened last, and every flow file of the project's flows/ folder.
 */
import { useState } from 'react';
import type { FlowEntry } from '../../api/index.js';
import { isOpenedFile, shortFlowName } from '../flow-paths.js';

/** Props of {@link FlowBrowser}. */
export interface FlowBrowserProps {
  readonly flows: readonly FlowEntry[];
  readonly openPath: string | undefined;
  readonly onOpen: (path: string) => void;
  /** Recently opened flows, newest first. */
  readonly recent: readonly string[];
  /** Browser: opens the flow file at a path the user typed (absolute, or relative to the project). */
  readonly onOpenFile: (path: string) => void;
  /** Desktop: opens the native open dialog instead of asking for a path. */
  readonly onChooseFile?: () => void;
}

/** The path form of Open file… in the browser. */
function OpenFileForm({ onOpen }: { readonly onOpen: (path: string) => void }) {
  const [path, setPath] = useState('');
  return (
    <form
      className="open-file-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) onOpen(path.trim());
      }}
    >
      <input
        type="text"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        placeholder="/path/to/call.flow.yaml"
        aria-label="Path of the flow file"
        data-testid="open-file-path"
        autoFocus
      />
      <button type="submit" disabled={!path.trim()} data-testid="open-file-submit">
        Open
      </button>
    </form>
  );
}

/** Lists flows by folder; the open one is highlighted. */
export function FlowBrowser(p: FlowBrowserProps) {
  const { flows, openPath, onOpen, recent } = p;
  const [asking, setAsking] = useState(false);
  const known = new Set(flows.map((f) => f.path));
  const recentShown = recent.filter((r) => (known.has(r) || isOpenedFile(r)) && r !== openPath);
  return (
    <nav className="flow-browser" aria-label="Flows" data-testid="flow-browser">
      <div className="open-file">
        <button
          type="button"
          data-testid="open-file"
          title="Open a flow file outside the project's flows/ (.yaml or .yml)"
          onClick={() => (p.onChooseFile ? p.onChooseFile() : setAsking((a) => !a))}
        >
          Open file…
        </button>
        {asking && (
          <OpenFileForm
            onOpen={(path) => {
              setAsking(false);
              p.onOpenFile(path);
            }}
          />
        )}
      </div>
      {recentShown.length > 0 && (
        <>
          <div className="panel-title">Recent</div>
          <ul data-testid="recent-flows">
            {recentShown.map((r) => (
              <li key={r}>
                <button type="button" title={r} onClick={() => onOpen(r)}>
                  <span className="flow-name">{shortFlowName(r)}</span>
                  {isOpenedFile(r) && <span className="flow-id">{r}</span>}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="panel-title">Flows</div>
      {flows.length === 0 && <div className="empty">No flows in flows/</div>}
      <ul>
        {flows.map((f) => (
          <li key={f.path}>
            <button
              type="button"
              className={f.path === openPath ? 'active' : ''}
              title={`${f.path}${f.title ? `\n${f.title}` : ''}`}
              onClick={() => onOpen(f.path)}
            >
              <span className="flow-name">{shortFlowName(f.path)}</span>
              {f.id && <span className="flow-id">{f.id}</span>}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
