/**
 * A read-only Monaco for generated TypeScript: highlighted, searchable, no
 * language worker. New text keeps the scroll position, so the view follows
 * edits of the flow without jumping.
 */
import { useEffect, useRef } from 'react';
import { GENERATED_TS, monaco, setupWorkers } from './monaco-setup.js';

/** Props of {@link CodeViewer}. */
export interface CodeViewerProps {
  readonly text: string;
  readonly theme: 'light' | 'dark';
  /** What the code is, for assistive tools (`generated/roles/poc-client.ts`). */
  readonly label: string;
}

/** The viewer. */
export function CodeViewer({ text, theme, label }: CodeViewerProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    if (!host.current) return;
    setupWorkers();
    const model = monaco.editor.createModel('', GENERATED_TS);
    const e = monaco.editor.create(host.current, {
      model,
      readOnly: true,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 12,
      scrollBeyondLastLine: false,
      unicodeHighlight: { ambiguousCharacters: false },
      'semanticHighlighting.enabled': false,
    });
    editor.current = e;
    return () => {
      e.dispose();
      model.dispose();
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    const e = editor.current;
    const model = e?.getModel();
    if (!e || !model || model.getValue() === text) return;
    const top = e.getScrollTop();
    model.setValue(text);
    e.setScrollTop(top);
  }, [text]);

  useEffect(() => {
    editor.current?.updateOptions({ ariaLabel: label });
  }, [label]);

  useEffect(() => monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs'), [theme]);

  return <div className="code-viewer" ref={host} data-testid="preview-code" />;
}
