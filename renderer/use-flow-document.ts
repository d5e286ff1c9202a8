/**
 * The open flow: its text as the editor holds it, the text on disk, and the
 * backend's analysis (findings and diagram) of the latest text, debounced
 * and with stale answers dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFinding, DiagramModel } from '../api/index.js';
import { flowApi } from './api-client.js';

/** Debounce of text changes before they are analysed (ms). */
export const ANALYZE_DEBOUNCE_MS = 15;

/** State of the open flow. */
export interface FlowDocumentState {
  readonly path: string | undefined;
  /** Text loaded from disk; the editor resets to it when it changes. */
  readonly loadedText: string;
  readonly text: string;
  readonly dirty: boolean;
  /** The latest diagram that could be built. */
  readonly diagram: DiagramModel | undefined;
  /** True when the current text does not make a diagram and the one shown is older. */
  readonly stale: boolean;
  readonly findings: readonly ApiFinding[];
  readonly analyzeMs: number | undefined;
}

/** The hook's state and actions. */
export interface FlowDocument extends FlowDocumentState {
  open(path: string): Promise<void>;
  setText(text: string): void;
  save(): Promise<void>;
  /** Reloads from disk when the file changed there and has no unsaved edits. */
  reloadIfClean(path: string): Promise<boolean>;
}

/** Manages the open flow; `report` shows errors and notices in the status bar. */
export function useFlowDocument(report: (message: string) => void): FlowDocument {
  const [state, setState] = useState<FlowDocumentState>({
    path: undefined,
    loadedText: '',
    text: '',
    dirty: false,
    diagram: undefined,
    stale: false,
    findings: [],
    analyzeMs: undefined,
  });
  const saved = useRef('');
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const current = useRef(state);
  current.current = state;

  const analyze = useCallback(
    (path: string, text: string) => {
      const n = ++seq.current;
      const t0 = performance.now();
      flowApi.call('analyzeFlow', { path, text }).then(
        (r) => {
          if (n !== seq.current) return;
          setState((s) => ({
            ...s,
            findings: r.findings,
            diagram: r.diagram ?? s.diagram,
            stale: r.diagram === undefined,
            analyzeMs: performance.now() - t0,
          }));
        },
        (e: unknown) => report(`analysis failed: ${(e as Error).message}`),
      );
    },
    [report],
  );

  const open = useCallback(
    async (path: string) => {
      try {
        const { text } = await flowApi.call('readFlow', { path });
        saved.current = text;
        setState((s) => ({
          ...s,
          path,
          loadedText: text,
          text,
          dirty: false,
          diagram: undefined,
          findings: [],
        }));
        analyze(path, text);
      } catch (e) {
        report(`cannot open ${path}: ${(e as Error).message}`);
      }
    },
    [analyze, report],
  );

  const setText = useCallback(
    (text: string) => {
      const path = current.current.path;
      setState((s) => ({ ...s, text, dirty: text !== saved.current }));
      if (!path) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => analyze(path, text), ANALYZE_DEBOUNCE_MS);
    },
    [analyze],
  );

  const save = useCallback(async () => {
    const { path, text } = current.current;
    if (!path) return;
    try {
      await flowApi.call('writeFlow', { path, text });
      saved.current = text;
      setState((s) => ({ ...s, dirty: s.text !== text }));
      report(`saved ${path}`);
    } catch (e) {
      report(`cannot save ${path}: ${(e as Error).message}`);
    }
  }, [report]);

  const reloadIfClean = useCallback(
    async (path: string) => {
      const s = current.current;
      if (s.path !== path) return false;
      const { text } = await flowApi.call('readFlow', { path });
      if (text === s.text) {
        saved.current = text;
        return false;
      }
      if (s.dirty) {
        report(`${path} changed on disk; you have unsaved edits (save to overwrite)`);
        return false;
      }
      saved.current = text;
      setState((x) => ({ ...x, loadedText: text, text, dirty: false }));
      analyze(path, text);
      return true;
    },
    [analyze, report],
  );

  useEffect(() => () => clearTimeout(timer.current), []);
  return { ...state, open, setText, save, reloadIfClean };
}
