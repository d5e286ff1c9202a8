/**
 * The open flow: its text as the editor holds it, the text on disk, and the
 * backend's analysis of the latest text. The diagram comes first: each text
 * is sent at once when no analysis is under way, else once the one under way
 * answers (only the latest text waits); validation and lint findings follow
 * in a second call when typing pauses.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFinding, DiagramModel } from '../api/index.js';
import { flowApi } from './api-client.js';
import { shareDiagram } from './diagram/structural-sharing.js';
import { isOpenedFile } from './flow-paths.js';

/** Pause in typing after which validation and lint run on the latest text (ms). */
export const CHECK_DELAY_MS = 120;

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
  /** Numbers each text sent; answers for an older one than the latest are dropped. */
  const seq = useRef(0);
  /** An analysis is under way; `next` is the latest text typed meanwhile. */
  const busy = useRef(false);
  const next = useRef<{ path: string; text: string } | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const current = useRef(state);
  current.current = state;

  const check = useCallback(
    (path: string, text: string, n: number) => {
      flowApi.call('checkFlow', { path, text }).then(
        (r) => {
          if (n === seq.current) setState((s) => ({ ...s, findings: r.findings }));
        },
        (e: unknown) => report(`checks failed: ${(e as Error).message}`),
      );
    },
    [report],
  );

  const analyze = useCallback(
    (path: string, text: string) => {
      if (busy.current) {
        next.current = { path, text };
        return;
      }
      busy.current = true;
      const n = ++seq.current;
      const t0 = performance.now();
      clearTimeout(timer.current);
      const done = (): void => {
        busy.current = false;
        const queued = next.current;
        next.current = undefined;
        if (queued) analyze(queued.path, queued.text);
      };
      flowApi.call('analyzeFlow', { path, text, deferChecks: true }).then(
        (r) => {
          if (n === seq.current) {
            // Without a diagram the loader's findings are all there is; with one, the
            // previous findings stay until the checks of this text answer.
            setState((s) => ({
              ...s,
              ...(r.diagram ? {} : { findings: r.findings }),
              diagram: r.diagram ? shareDiagram(s.diagram, r.diagram) : s.diagram,
              stale: r.diagram === undefined,
              analyzeMs: performance.now() - t0,
            }));
            if (r.diagram && !next.current)
              timer.current = setTimeout(() => check(path, text, n), CHECK_DELAY_MS);
          }
          done();
        },
        (e: unknown) => {
          report(`analysis failed: ${(e as Error).message}`);
          done();
        },
      );
    },
    [check, report],
  );

  const open = useCallback(
    async (wanted: string) => {
      let path = wanted;
      try {
        // A file outside flows/ (recent list, link): opened again, so the backend allows it.
        if (isOpenedFile(path)) path = (await flowApi.call('openFile', { path })).path;
        const { text } = await flowApi.call('readFlow', { path });
        saved.current = text;
        // An analysis of the flow open before is no answer for this one.
        seq.current++;
        clearTimeout(timer.current);
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
        report(`cannot open ${wanted}: ${(e as Error).message}`);
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
      analyze(path, text);
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
