/**
 * The editor window: flow browser, YAML editor, sequence diagram, side panel
 * and problems, kept in sync through the backend API.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  ApiFinding,
  DiagramRow,
  FlowEdit,
  FlowEntry,
  FlowStructureEdit,
} from '../api/index.js';
import { flowApi, isDesktop } from './api-client.js';
import { SequenceDiagram } from './diagram/sequence-diagram.js';
import { rowAtLine } from './diagram/layout.js';
import { LazyYamlEditor } from './editor/lazy-yaml-editor.js';
import type { YamlEditorHandle } from './editor/yaml-editor.js';
import { useKeyboardShortcuts } from './keyboard-shortcuts.js';
import { CapturePanel } from './panels/capture-panel.js';
import { CodePreview } from './panels/code-preview.js';
import { FlowBrowser } from './panels/flow-browser.js';
import { MessagePanel } from './panels/message-panel.js';
import { ProblemsPanel } from './panels/problems-panel.js';
import { Toolbar } from './panels/toolbar.js';
import { useTheme } from './theme.js';
import { useRecentFlows } from './recent-flows.js';
import { useCaptureDiff } from './use-capture-diff.js';
import { useFlowDocument } from './use-flow-document.js';

/** The step to select after an edit: where a moved or added step lands, none after a delete or wrap. */
function selectionAfter(
  edit: FlowEdit | Exclude<FlowStructureEdit, { kind: 'moveParticipant' }>,
): string | undefined {
  switch (edit.kind) {
    case 'deleteStep':
    case 'wrapSteps':
      return undefined;
    case 'moveStep':
      return edit.toList ? undefined : [...edit.path.slice(0, -1), edit.toIndex].join('.');
    case 'insertMessage':
      return [...edit.listPath, edit.index].join('.');
    default:
      return edit.path.join('.');
  }
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The whole editor. */
export function App() {
  const [status, setStatus] = useState('');
  const report = useCallback((m: string) => setStatus(m), []);
  const doc = useFlowDocument(report);
  const [flows, setFlows] = useState<readonly FlowEntry[]>([]);
  const [selectedKey, setSelectedKey] = useState<string | undefined>();
  const [theme, toggleTheme] = useTheme();
  const [showCode, setShowCode] = useState(false);
  const [recent, remember] = useRecentFlows();
  useEffect(() => {
    if (doc.path) remember(doc.path);
  }, [doc.path, remember]);
  const editor = useRef<YamlEditorHandle>(null);
  // The text through a ref: edit callbacks stay the same while typing, so the
  // memoised diagram does not re-render on every keystroke.
  const textRef = useRef(doc.text);
  textRef.current = doc.text;
  const loadedTextRef = useRef(doc.loadedText);
  loadedTextRef.current = doc.loadedText;
  const currentText = useCallback(() => textRef.current, []);
  /** The step selected while Monaco was still loading: revealed once it is there. */
  const pendingReveal = useRef<{ line: number; endLine: number } | undefined>(undefined);
  /** True once Monaco holds the open flow (it loads after the window). */
  const monacoReady = useRef(false);
  /**
   * Undo and redo for diagram edits made before Monaco is there; once it is,
   * its own undo stack takes over (the edits reach it as one replacement).
   */
  const earlyHistory = useRef<{ undo: string[]; redo: string[] }>({ undo: [], redo: [] });
  const { setText } = doc;
  /** Sets the text before Monaco holds it; the ref follows at once, not at the next render. */
  const setEarlyText = useCallback(
    (text: string) => {
      textRef.current = text;
      setText(text);
    },
    [setText],
  );
  const undo = useCallback(() => {
    if (monacoReady.current) return editor.current?.undo();
    const h = earlyHistory.current;
    const previous = h.undo.pop();
    if (previous === undefined) return;
    h.redo.push(textRef.current);
    setEarlyText(previous);
  }, [setEarlyText]);
  const redo = useCallback(() => {
    if (monacoReady.current) return editor.current?.redo();
    const h = earlyHistory.current;
    const next = h.redo.pop();
    if (next === undefined) return;
    h.undo.push(textRef.current);
    setEarlyText(next);
  }, [setEarlyText]);
  const editorReady = useCallback(() => {
    monacoReady.current = true;
    earlyHistory.current = { undo: [], redo: [] };
    // Diagram edits made while Monaco loaded: onto its undo stack.
    if (textRef.current !== loadedTextRef.current) editor.current?.replaceText(textRef.current);
    const p = pendingReveal.current;
    pendingReveal.current = undefined;
    if (p) editor.current?.revealStep(p.line, p.endLine);
  }, []);
  const capture = useCaptureDiff(doc.path, doc.diagram, currentText, report);
  const overlay = capture.overlay;

  const refreshList = useCallback(() => {
    flowApi.call('listFlows', {}).then(
      (r) => setFlows(r.flows),
      (e: unknown) => report(`cannot list flows: ${(e as Error).message}`),
    );
  }, [report]);

  const { open, reloadIfClean } = doc;
  useEffect(() => {
    refreshList();
    const wanted = new URLSearchParams(window.location.search).get('flow');
    if (wanted) void open(wanted);
    return flowApi.watch((e) => {
      refreshList();
      if (e.kind === 'changed')
        void reloadIfClean(e.path).then((r) => r && report(`reloaded ${e.path} from disk`));
    });
  }, [open, reloadIfClean, refreshList, report]);

  const dirty = doc.dirty;
  const clearCapture = capture.clear;
  const openFlow = useCallback(
    (path: string) => {
      if (dirty && !window.confirm('The open flow has unsaved edits. Open another and drop them?'))
        return;
      setSelectedKey(undefined);
      clearCapture();
      earlyHistory.current = { undo: [], redo: [] };
      const url = new URL(window.location.href);
      url.searchParams.set('flow', path);
      url.searchParams.delete('capture');
      window.history.replaceState(null, '', url);
      void open(path);
    },
    [open, dirty, clearCapture],
  );

  /** Open file…: the backend checks and allows the path, then it opens like any flow. */
  const openFile = useCallback(
    (typed: string) => {
      flowApi.call('openFile', { path: typed }).then(
        (r) => openFlow(r.path),
        (e: unknown) => report(`cannot open ${typed}: ${(e as Error).message}`),
      );
    },
    [openFlow, report],
  );
  const chooseFile = useCallback(() => {
    flowApi.call('chooseFile', {}).then(
      (r) => r.path !== undefined && openFlow(r.path),
      (e: unknown) => report(`cannot open the file: ${(e as Error).message}`),
    );
  }, [openFlow, report]);

  const rows = doc.diagram?.rows;
  const selectedRow = useMemo(() => rows?.find((r) => r.key === selectedKey), [rows, selectedKey]);

  const select = useCallback(
    (key: string) => {
      setSelectedKey(key);
      const row = rows?.find((r) => r.key === key);
      if (!row) return;
      if (monacoReady.current) editor.current?.revealStep(row.line, row.endLine);
      else pendingReveal.current = { line: row.line, endLine: row.endLine };
    },
    [rows],
  );

  const applyEdit = useCallback(
    async (edit: FlowEdit | FlowStructureEdit) => {
      if (!doc.path) return;
      try {
        const { text } = await flowApi.call('editFlow', {
          path: doc.path,
          text: textRef.current,
          edit,
        });
        // Edits land in Monaco's model, on its undo stack; before Monaco is there, in the
        // document, and Monaco takes them over when it arrives (editorReady).
        if (monacoReady.current) editor.current?.replaceText(text);
        else {
          earlyHistory.current.undo.push(textRef.current);
          earlyHistory.current.redo = [];
          setEarlyText(text);
        }
        // Reordering lifelines leaves every step where it was.
        if (edit.kind !== 'moveParticipant') setSelectedKey(selectionAfter(edit));
        report(`${edit.kind} applied`);
      } catch (e) {
        report(`edit refused: ${(e as Error).message}`);
      }
    },
    [doc.path, setEarlyText, report],
  );

  const reorder = useCallback(
    (row: DiagramRow, target: DiagramRow) => {
      // Dropped on a row of another step list (a fragment operand): the step moves into it.
      const toList = samePath(row.parentPath, target.parentPath) ? undefined : target.parentPath;
      void applyEdit({
        kind: 'moveStep',
        path: row.path,
        toIndex: target.index,
        ...(toList ? { toList } : {}),
      });
    },
    [applyEdit],
  );

  const moveLifeline = useCallback(
    (id: string, target: string, after: boolean) =>
      void applyEdit({ kind: 'moveParticipant', id, target, after }),
    [applyEdit],
  );

  const moveSelected = useCallback(
    (delta: number) => {
      if (!selectedRow) return;
      const siblings = rows?.filter((r) => samePath(r.parentPath, selectedRow.parentPath)) ?? [];
      const to = selectedRow.index + delta;
      if (to < 0 || !siblings.some((s) => s.index === to)) return;
      void applyEdit({ kind: 'moveStep', path: selectedRow.path, toIndex: to });
    },
    [applyEdit, rows, selectedRow],
  );

  useKeyboardShortcuts({
    save: () => void doc.save(),
    undo,
    redo,
    deleteSelected: () =>
      selectedRow && void applyEdit({ kind: 'deleteStep', path: selectedRow.path }),
    moveSelected,
    toggleTheme,
  });

  const nextId = useMemo(
    () => String(Math.max(0, ...(rows ?? []).map((r) => Number.parseInt(r.stepId, 10) || 0)) + 1),
    [rows],
  );

  const goTo = useCallback((f: ApiFinding) => editor.current?.revealStep(f.line, f.line), []);
  const lifelineLabel = useCallback(
    (id: string | undefined) =>
      id === undefined
        ? 'environment'
        : (doc.diagram?.lifelines.find((l) => l.id === id)?.label ?? id),
    [doc.diagram],
  );

  return (
    <div className={`app theme-${theme}`} data-theme={theme}>
      <Toolbar
        path={doc.path}
        title={doc.diagram?.title}
        dirty={doc.dirty}
        diagram={doc.diagram}
        text={doc.text}
        theme={theme}
        onSave={() => void doc.save()}
        onUndo={undo}
        onRedo={redo}
        onToggleTheme={toggleTheme}
        onOpenCapture={(file) => void capture.openFile(file)}
        captureBusy={capture.busy}
        report={report}
      />
      <FlowBrowser
        flows={flows}
        openPath={doc.path}
        onOpen={openFlow}
        recent={recent}
        onOpenFile={openFile}
        {...(isDesktop ? { onChooseFile: chooseFile } : {})}
      />
      <main className="workspace">
        <div className={`editor-pane${showCode && doc.path ? ' with-code' : ''}`}>
          <div className="pane-bar">
            <span className="pane-name">YAML</span>
            <button
              type="button"
              className={showCode ? 'active' : ''}
              aria-pressed={showCode}
              disabled={!doc.path}
              onClick={() => setShowCode((v) => !v)}
              data-testid="toggle-code"
              title="Show the TypeScript that flowspec generate makes of a role of this flow"
            >
              Generated code
            </button>
          </div>
          {doc.path ? (
            <Suspense fallback={<div className="empty">Loading the YAML editor…</div>}>
              <LazyYamlEditor
                ref={editor}
                onReady={editorReady}
                path={doc.path}
                initialText={doc.loadedText}
                theme={theme}
                findings={doc.findings}
                onChange={doc.setText}
                onCursorLine={(line) => {
                  const key = doc.diagram ? rowAtLine(doc.diagram, line) : undefined;
                  if (key !== undefined) setSelectedKey(key);
                }}
                onSave={() => void doc.save()}
              />
            </Suspense>
          ) : (
            <div className="empty">Open a flow from the list on the left.</div>
          )}
          {showCode && doc.path && <CodePreview path={doc.path} text={doc.text} theme={theme} />}
        </div>
        <div className="diagram-pane">
          {doc.diagram ? (
            <ReactFlowProvider>
              <SequenceDiagram
                model={doc.diagram}
                selectedKey={selectedKey}
                stale={doc.stale}
                overlay={overlay}
                onSelect={select}
                onReorder={reorder}
                onMoveLifeline={moveLifeline}
              />
            </ReactFlowProvider>
          ) : (
            <div className="empty">
              {doc.path ? 'The flow does not load yet: see Problems.' : ''}
            </div>
          )}
        </div>
        <ProblemsPanel findings={doc.findings} onGoTo={goTo} />
      </main>
      <div className="side-column">
        {capture.diff && (
          <CapturePanel
            diff={capture.diff}
            instance={capture.instance}
            overlay={overlay ?? new Map()}
            selectedRow={selectedRow}
            onSelectInstance={capture.selectInstance}
            onClear={capture.clear}
          />
        )}
        <MessagePanel
          row={selectedRow}
          lifelines={doc.diagram?.lifelines ?? []}
          nextId={nextId}
          lifelineLabel={lifelineLabel}
          onEdit={(e) => void applyEdit(e)}
        />
      </div>
      <footer className="status-bar" data-testid="status">
        <span>{status}</span>
        <span>
          {doc.stale ? 'diagram shows the last valid text · ' : ''}
          {doc.analyzeMs !== undefined ? `analysed in ${doc.analyzeMs.toFixed(0)} ms` : ''}
        </span>
      </footer>
    </div>
  );
}
