/**
 * The YAML side: one Monaco editor whose model is the open flow. Text
 * changes go up on every keystroke; edits made elsewhere (diagram, side
 * panel) come in as minimal replacements, so Monaco's undo stack holds
 * both kinds and Ctrl+Z undoes a diagram edit too.
 */
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import type { ApiFinding } from '../../api/index.js';
import { minimalEdit } from './text-diff.js';
import { modelUri, monaco } from './monaco-setup.js';

/** What the app can do to the editor. */
export interface YamlEditorHandle {
  /** Replaces the text by an undoable minimal edit. */
  replaceText(text: string): void;
  /** Shows and selects the first line of a step. */
  revealStep(line: number, endLine: number): void;
  undo(): void;
  redo(): void;
  focus(): void;
}

/** Props of {@link YamlEditor}. */
export interface YamlEditorProps {
  readonly path: string;
  /** Text to load when the path changes. */
  readonly initialText: string;
  readonly theme: 'light' | 'dark';
  readonly findings: readonly ApiFinding[];
  readonly onChange: (text: string) => void;
  readonly onCursorLine: (line: number) => void;
  readonly onSave: () => void;
  /** The model of `path` is loaded: the handle's calls take effect from now on. */
  readonly onReady?: () => void;
  readonly ref?: Ref<YamlEditorHandle>;
}

const SEVERITY = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
} as const;

/** Findings that monaco-yaml reports itself (schema findings stay: the loader checks more than the JSON Schema). */
const MONACO_YAML_RULES = new Set(['yaml-syntax']);

/** The Monaco YAML editor. */
export function YamlEditor(props: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const callbacks = useRef(props);
  callbacks.current = props;
  // True while the app itself writes into the model: no echo of its own change.
  const applying = useRef(false);

  useEffect(() => {
    if (!host.current) return;
    const e = monaco.editor.create(host.current, {
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      insertSpaces: true,
      scrollBeyondLastLine: false,
      renderWhitespace: 'none',
      // Spec titles use en dashes and curly quotes on purpose.
      unicodeHighlight: { ambiguousCharacters: false },
      quickSuggestions: { other: true, comments: false, strings: true },
      'semanticHighlighting.enabled': false,
      // Sticky lines from the folding ranges the YAML worker sends anyway: the default
      // (document symbols) rebuilds an outline of every step on the main thread per keystroke.
      stickyScroll: { enabled: true, defaultModel: 'foldingProviderModel' },
      ariaLabel: 'Flow YAML',
    });
    editor.current = e;
    const subs = [
      e.onDidChangeModelContent(() => {
        if (!applying.current) callbacks.current.onChange(e.getValue());
      }),
      e.onDidChangeCursorPosition((c) => {
        // Exposed for tests and assistive tools: the line the cursor is on.
        host.current?.setAttribute('data-cursor-line', String(c.position.lineNumber));
        // Only the user's own moves select a step: the cursor moved by a diagram edit
        // (executeEdits) or by revealing a step would select by the diagram of the text
        // before the edit, over the selection the edit itself made.
        if (c.source === 'mouse' || c.source === 'keyboard')
          callbacks.current.onCursorLine(c.position.lineNumber);
      }),
    ];
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => callbacks.current.onSave());
    return () => {
      for (const s of subs) s.dispose();
      e.getModel()?.dispose();
      e.dispose();
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    const e = editor.current;
    if (!e) return;
    const uri = modelUri(props.path);
    monaco.editor.getModel(uri)?.dispose();
    const old = e.getModel();
    const model = monaco.editor.createModel(props.initialText, 'yaml', uri);
    model.updateOptions({ tabSize: 2, insertSpaces: true });
    e.setModel(model);
    old?.dispose();
    // The path and its text arrive together; text alone changes through replaceText.
    callbacks.current.onReady?.();
  }, [props.path, props.initialText]);

  useEffect(() => monaco.editor.setTheme(props.theme === 'dark' ? 'vs-dark' : 'vs'), [props.theme]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      'flowspec',
      props.findings
        .filter((f) => !MONACO_YAML_RULES.has(f.rule))
        .map((f) => ({
          severity: SEVERITY[f.severity],
          message: `${f.message} (${f.rule})`,
          startLineNumber: f.line,
          startColumn: f.column,
          endLineNumber: f.endLine ?? f.line,
          endColumn: f.endColumn ?? model.getLineMaxColumn(Math.min(f.line, model.getLineCount())),
          source: 'flowspec',
        })),
    );
  }, [props.findings]);

  useImperativeHandle(
    props.ref,
    (): YamlEditorHandle => ({
      replaceText(text) {
        const e = editor.current;
        const model = e?.getModel();
        if (!e || !model) return;
        const edit = minimalEdit(model.getValue(), text);
        if (!edit) return;
        const start = model.getPositionAt(edit.start);
        const end = model.getPositionAt(edit.end);
        e.pushUndoStop();
        e.executeEdits('flowspec-diagram', [
          {
            range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
            text: edit.text,
          },
        ]);
        e.pushUndoStop();
      },
      revealStep(line, endLine) {
        const e = editor.current;
        const model = e?.getModel();
        if (!e || !model) return;
        const l = Math.min(line, model.getLineCount());
        e.revealLinesInCenterIfOutsideViewport(l, Math.min(endLine, model.getLineCount()));
        e.setSelection(
          new monaco.Range(
            l,
            model.getLineFirstNonWhitespaceColumn(l) || 1,
            l,
            model.getLineMaxColumn(l),
          ),
        );
      },
      undo() {
        editor.current?.trigger('flowspec', 'undo', null);
      },
      redo() {
        editor.current?.trigger('flowspec', 'redo', null);
      },
      focus() {
        editor.current?.focus();
      },
    }),
    [],
  );

  return <div className="yaml-editor" ref={host} data-testid="yaml-editor" />;
}
