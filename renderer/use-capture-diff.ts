/**
 * The capture open over the diagram: the backend's diff of it against the
 * open flow's text, and the instance the overlay shows. A capture comes from
 * the file picker (uploaded through the API, in the browser and the desktop
 * app alike) or from a project path (`?capture=` in the URL).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  MAX_CAPTURE_UPLOAD,
  type CaptureDiff,
  type CaptureSource,
  type DiagramModel,
} from '../api/index.js';
import { flowApi } from './api-client.js';
import { diffOverlay, type DiffOverlay } from './diagram/diff-overlay.js';

/** State and actions of the open capture. */
export interface CaptureDiffState {
  readonly diff: CaptureDiff | undefined;
  /** Index of the instance shown. */
  readonly instance: number;
  readonly busy: boolean;
  /** The shown instance's verdicts by row of the diagram. */
  readonly overlay: DiffOverlay | undefined;
  openFile(file: File): Promise<void>;
  openPath(path: string): Promise<void>;
  selectInstance(index: number): void;
  clear(): void;
}

/** Base64 of bytes, in slices (String.fromCharCode takes a bounded argument list). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The instance to show first: the first that fails, else the first. */
function firstToShow(diff: CaptureDiff): number {
  return Math.max(
    0,
    diff.instances.findIndex((i) => i.verdict === 'fail'),
  );
}

/**
 * Manages the capture diff of the flow at `path` drawn as `diagram`; `text()` gives the
 * editor's current text. `?capture=PATH` in the URL opens a capture of the project once
 * the flow has a diagram.
 */
export function useCaptureDiff(
  path: string | undefined,
  diagram: DiagramModel | undefined,
  text: () => string,
  report: (message: string) => void,
): CaptureDiffState {
  const [diff, setDiff] = useState<CaptureDiff | undefined>();
  const [instance, setInstance] = useState(0);
  const [busy, setBusy] = useState(false);

  const run = useCallback(
    async (capture: CaptureSource, name: string) => {
      if (!path) return;
      setBusy(true);
      try {
        const r = await flowApi.call('diffCapture', { path, text: text(), capture });
        setDiff(r.diff);
        setInstance(firstToShow(r.diff));
        const n = r.diff.instances.length;
        report(
          `${name}: ${r.diff.verdict}, ${n} instance${n === 1 ? '' : 's'} of ${r.diff.flowId} ` +
            `in ${r.diff.messages} messages (diffed in ${r.elapsedMs.toFixed(0)} ms)`,
        );
      } catch (e) {
        report(`cannot diff ${name}: ${(e as Error).message}`);
      } finally {
        setBusy(false);
      }
    },
    [path, text, report],
  );

  const openFile = useCallback(
    async (file: File) => {
      if (file.size > MAX_CAPTURE_UPLOAD) {
        report(
          `${file.name} is larger than ${MAX_CAPTURE_UPLOAD / 2 ** 20} MiB: put it in the project and open it with ?capture=PATH`,
        );
        return;
      }
      const base64 = toBase64(new Uint8Array(await file.arrayBuffer()));
      await run({ kind: 'upload', name: file.name, base64 }, file.name);
    },
    [run, report],
  );

  const openPath = useCallback(
    (capturePath: string) => run({ kind: 'path', path: capturePath }, capturePath),
    [run],
  );

  const clear = useCallback(() => {
    setDiff(undefined);
    setInstance(0);
  }, []);

  const hasDiagram = diagram !== undefined;
  const wanted = useRef(new URLSearchParams(window.location.search).get('capture'));
  useEffect(() => {
    if (!hasDiagram || !wanted.current) return;
    const capturePath = wanted.current;
    wanted.current = null;
    void openPath(capturePath);
  }, [hasDiagram, openPath]);

  const shown = diff?.instances[instance];
  const overlay = useMemo(
    () => (diagram && shown ? diffOverlay(diagram, shown) : undefined),
    [diagram, shown],
  );

  return { diff, instance, busy, overlay, openFile, openPath, selectInstance: setInstance, clear };
}
