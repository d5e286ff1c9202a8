/** The flow browser: every flow file of the project's flows/ folder. */
import type { FlowEntry } from '../../api/index.js';

function shortName(path: string): string {
  return path.replace(/^flows\//, '').replace(/\.flow\.ya?ml$/, '');
}

/** Props of {@link FlowBrowser}. */
export interface FlowBrowserProps {
  readonly flows: readonly FlowEntry[];
  readonly openPath: string | undefined;
  readonly onOpen: (path: string) => void;
  /** Recently opened flows, newest first. */
  readonly recent: readonly string[];
}

/** Lists flows by folder; the open one is highlighted. */
export function FlowBrowser({ flows, openPath, onOpen, recent }: FlowBrowserProps) {
  const known = new Set(flows.map((f) => f.path));
  const recentShown = recent.filter((p) => known.has(p) && p !== openPath);
  return (
    <nav className="flow-browser" aria-label="Flows" data-testid="flow-browser">
      {recentShown.length > 0 && (
        <>
          <div className="panel-title">Recent</div>
          <ul data-testid="recent-flows">
            {recentShown.map((p) => (
              <li key={p}>
                <button type="button" title={p} onClick={() => onOpen(p)}>
                  <span className="flow-name">{shortName(p)}</span>
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
              <span className="flow-name">{shortName(f.path)}</span>
              {f.id && <span className="flow-id">{f.id}</span>}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
