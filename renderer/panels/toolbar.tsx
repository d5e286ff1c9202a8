/** The toolbar: open flow, save, undo and redo, open a capture, exports, theme. */
import { useRef } from 'react';
import type { DiagramModel, TextExportFormat } from '../../api/index.js';
import { flowApi } from '../api-client.js';
import { diagramToSvg } from '../diagram/diagram-svg.js';
import { download, svgToPng } from '../diagram/export-files.js';
import { SHORTCUTS } from '../keyboard-shortcuts.js';
import type { Theme } from '../theme.js';

/** Props of {@link Toolbar}. */
export interface ToolbarProps {
  readonly path: string | undefined;
  readonly title: string | undefined;
  readonly dirty: boolean;
  readonly diagram: DiagramModel | undefined;
  readonly text: string;
  readonly theme: Theme;
  readonly onSave: () => void;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onToggleTheme: () => void;
  /** A capture file was picked: diff it against the open flow. */
  readonly onOpenCapture: (file: File) => void;
  readonly captureBusy: boolean;
  readonly report: (message: string) => void;
}

/** The export formats, as the toolbar names them. */
const EXPORTS = [
  ['svg', 'SVG'],
  ['png', 'PNG'],
  ['mermaid', 'Mermaid'],
  ['plantuml', 'PlantUML'],
] as const;

function baseName(path: string): string {
  return (path.split('/').pop() ?? 'flow').replace(/\.flow\.ya?ml$/, '');
}

/** The toolbar of the window. */
export function Toolbar(p: ToolbarProps) {
  const exportText = async (format: TextExportFormat): Promise<void> => {
    if (!p.path) return;
    try {
      const r = await flowApi.call('exportText', { path: p.path, text: p.text, format });
      download(new Blob([r.text], { type: 'text/plain' }), r.fileName);
    } catch (e) {
      p.report(`export failed: ${(e as Error).message}`);
    }
  };
  const exportImage = async (format: 'svg' | 'png'): Promise<void> => {
    if (!p.path || !p.diagram) return;
    const svg = diagramToSvg(p.diagram);
    try {
      const blob =
        format === 'svg' ? new Blob([svg], { type: 'image/svg+xml' }) : await svgToPng(svg);
      download(blob, `${baseName(p.path)}.${format}`);
    } catch (e) {
      p.report(`export failed: ${(e as Error).message}`);
    }
  };
  const can = p.path !== undefined && p.diagram !== undefined;
  const picker = useRef<HTMLInputElement>(null);
  return (
    <header className="toolbar">
      <span className="brand">flowspec</span>
      <span className="open-flow" data-testid="open-flow" title={p.path}>
        {p.path ?? 'no flow open'}
        {p.dirty && (
          <span className="dirty" title="unsaved edits">
            {' '}
            ●
          </span>
        )}
      </span>
      {p.title && <span className="flow-title">{p.title}</span>}
      <span className="spacer" />
      {(
        [
          ['save', 'Save', p.onSave, SHORTCUTS.save],
          ['undo', 'Undo', p.onUndo, SHORTCUTS.undo],
          ['redo', 'Redo', p.onRedo, SHORTCUTS.redo],
        ] as const
      ).map(([id, label, action, keys]) => (
        <button
          key={id}
          type="button"
          onClick={action}
          disabled={!p.path}
          title={keys}
          data-testid={id}
        >
          {label}
        </button>
      ))}
      <input
        ref={picker}
        type="file"
        accept=".pcap,.pcapng,.cap"
        hidden
        data-testid="capture-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) p.onOpenCapture(file);
        }}
      />
      <button
        type="button"
        disabled={!can || p.captureBusy}
        onClick={() => picker.current?.click()}
        data-testid="open-capture"
        title="Diff a pcap or pcapng capture against the flow"
      >
        {p.captureBusy ? 'Diffing…' : 'Open capture…'}
      </button>
      <span className="group" aria-label="Export">
        {EXPORTS.map(([format, label]) => (
          <button
            key={format}
            type="button"
            disabled={!can}
            onClick={() =>
              void (format === 'svg' || format === 'png' ? exportImage(format) : exportText(format))
            }
            data-testid={`export-${format}`}
          >
            {label}
          </button>
        ))}
      </span>
      <button
        type="button"
        onClick={p.onToggleTheme}
        title={SHORTCUTS.toggleTheme}
        data-testid="theme"
      >
        {p.theme === 'dark' ? 'Light' : 'Dark'} theme
      </button>
    </header>
  );
}
