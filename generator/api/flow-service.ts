/**
 * The backend of the editor: lists, reads, writes and watches the flow files
 * of a project, analyses flow text into findings and a diagram, applies
 * diagram edits and exports text formats. Served over IPC by electron/main.ts
 * and over HTTP by the web server; requests are validated before they arrive.
 */
import { watch as watchFs, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  ApiFinding,
  ApiMethod,
  ApiRequest,
  ApiResponse,
  FlowEntry,
  WatchEvent,
} from '../../api/index.js';
import type { Finding } from '../findings/finding.js';
import { loadFlowText, type LoadedFlow } from '../load/load-flow.js';
import type { Flow } from '../model/flow-model.js';
import { flowJsonSchema } from '../model/json-schema.js';
import { lintFlow, lintPeers, type LintPeers } from '../lint/index.js';
import { validateFlow } from '../validate/validate-flow.js';
import { CaptureDiffError, CaptureNotFoundError, diffCaptureAgainstFlow } from './capture-diff.js';
import { buildDiagram } from './diagram-builder.js';
import { applyFlowEdit } from './flow-edits.js';
import {
  FLOW_FILE_NAME,
  projectPath,
  resolveCapturePath,
  resolveFlowPath,
} from './project-files.js';
import { exportDiagramText } from './text-export.js';

/** The folder of the project root that holds flows. */
export const FLOWS_DIR = 'flows';

/** URI under which the editor registers the flow schema (the files' modeline resolves to it). */
export const SCHEMA_URI = 'file:///schema/flow.schema.json';

/** How long a read of the project's flows is reused (ms). */
export const SNAPSHOT_MS = 1500;

/** A flow file that is not there. */
export class FlowNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`${path}: no such flow file`);
    this.name = 'FlowNotFoundError';
  }
}

/** The backend of one project. */
export interface FlowService {
  readonly root: string;
  handle<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>>;
  /** Loads every flow once, so the first analysis answers as fast as the next ones. */
  warm(): Promise<void>;
  /** Watches flows/ for changes; returns the function that stops watching. */
  watch(listener: (event: WatchEvent) => void): () => void;
}

function toApiFinding(f: Finding): ApiFinding {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    line: f.line,
    column: f.column,
    ...(f.endLine !== undefined ? { endLine: f.endLine } : {}),
    ...(f.endColumn !== undefined ? { endColumn: f.endColumn } : {}),
    ...(f.step !== undefined ? { step: f.step } : {}),
  };
}

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && FLOW_FILE_NAME.test(e.name)) out.push(p);
  }
}

/** Creates the backend for the project at `root` (an absolute path). */
export function createFlowService(root: string): FlowService {
  /** Loaded flows by absolute file, with the mtime they were loaded at. */
  const cache = new Map<string, { mtimeMs: number; loaded: LoadedFlow }>();
  /**
   * The project's flows as last read from disk, reused for {@link SNAPSHOT_MS}
   * so that analysing every keystroke does not stat every file; writes and
   * watch events drop it at once. Lint peers are built once per snapshot.
   */
  let snapshot: { at: number; flows: LoadedFlow[]; peers?: LintPeers } | undefined;

  async function readAll(): Promise<LoadedFlow[]> {
    const files: string[] = [];
    await walk(join(root, FLOWS_DIR), files);
    const loaded = await Promise.all(
      files.map(async (file) => {
        try {
          const st = await stat(file);
          const hit = cache.get(file);
          if (hit && hit.mtimeMs === st.mtimeMs) return hit.loaded;
          const l = loadFlowText(await readFile(file, 'utf8'), projectPath(root, file));
          cache.set(file, { mtimeMs: st.mtimeMs, loaded: l });
          return l;
        } catch {
          // Removed between listing and reading: it is simply not there any more.
          return undefined;
        }
      }),
    );
    return loaded.filter((l): l is LoadedFlow => l !== undefined);
  }

  async function current(): Promise<NonNullable<typeof snapshot>> {
    if (snapshot && performance.now() - snapshot.at < SNAPSHOT_MS) return snapshot;
    snapshot = { at: performance.now(), flows: await readAll() };
    return snapshot;
  }

  async function loadAll(): Promise<LoadedFlow[]> {
    return (await current()).flows;
  }

  /** Peers for lint: every flow as saved (the open one too, as `flowspec lint` sees it). */
  async function peers(): Promise<LintPeers> {
    const snap = await current();
    snap.peers ??= lintPeers(snap.flows.flatMap((l) => (l.flow ? [l.flow] : [])));
    return snap.peers;
  }

  async function index(exceptPath: string): Promise<Map<string, Flow>> {
    const map = new Map<string, Flow>();
    for (const l of await loadAll())
      if (l.flow && l.file !== exceptPath && !map.has(l.flow.id)) map.set(l.flow.id, l.flow);
    return map;
  }

  const handlers: { [M in ApiMethod]: (r: ApiRequest<M>) => Promise<ApiResponse<M>> } = {
    async listFlows() {
      const flows: FlowEntry[] = (await loadAll()).map((l) => ({
        path: l.file,
        ...(l.flow ? { id: l.flow.id, title: l.flow.title } : {}),
      }));
      return { flows };
    },
    async readFlow({ path }) {
      const file = await resolveFlowPath(root, path);
      try {
        return { path, text: await readFile(file, 'utf8') };
      } catch {
        throw new FlowNotFoundError(path);
      }
    },
    async writeFlow({ path, text }) {
      const file = await resolveFlowPath(root, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text, 'utf8');
      snapshot = undefined;
      return { path, bytes: Buffer.byteLength(text) };
    },
    async analyzeFlow({ path, text }) {
      const t0 = performance.now();
      await resolveFlowPath(root, path);
      const loaded = loadFlowText(text, path);
      const findings: Finding[] = [...loaded.findings];
      let diagram;
      if (loaded.flow) {
        const others = await index(path);
        findings.push(...validateFlow(loaded.flow, (id) => others.get(id)));
        // Lint compares the flow with the rest of the project (identities, titles, role behaviour).
        findings.push(...lintFlow(loaded.flow, await peers()));
        diagram = buildDiagram(loaded.flow, loaded.document);
      }
      return {
        ...(diagram ? { diagram } : {}),
        findings: findings.map(toApiFinding),
        elapsedMs: performance.now() - t0,
      };
    },
    async editFlow({ path, text, edit }) {
      await resolveFlowPath(root, path);
      return { text: applyFlowEdit(text, edit) };
    },
    async exportText({ path, text, format }) {
      await resolveFlowPath(root, path);
      const loaded = loadFlowText(text, path);
      if (!loaded.flow) throw new FlowNotFoundError(`${path} (does not load as a flow)`);
      const base = path.split('/').pop()?.replace(FLOW_FILE_NAME, '') ?? 'flow';
      return {
        text: exportDiagramText(buildDiagram(loaded.flow, loaded.document), format),
        fileName: `${base}.${format === 'mermaid' ? 'mmd' : 'puml'}`,
      };
    },
    async diffCapture({ path, text, capture, map }) {
      const t0 = performance.now();
      await resolveFlowPath(root, path);
      const loaded = loadFlowText(text, path);
      const others = await index(path);
      const resolve = (id: string): Flow | undefined => others.get(id);
      const errors = loaded.flow
        ? validateFlow(loaded.flow, resolve).filter((f) => f.severity === 'error')
        : [];
      if (!loaded.flow || errors.length > 0 || loaded.findings.some((f) => f.severity === 'error'))
        throw new CaptureDiffError(path, 'the flow has errors (see Problems); fix them first');
      const input =
        capture.kind === 'path'
          ? { capture: await resolveCapturePath(root, capture.path), name: capture.path }
          : { capture: Buffer.from(capture.base64, 'base64'), name: capture.name };
      if (capture.kind === 'path')
        await stat(input.capture).catch(() => {
          throw new CaptureNotFoundError(capture.path);
        });
      const diff = await diffCaptureAgainstFlow({
        flow: loaded.flow,
        resolve,
        ...input,
        ...(map !== undefined ? { map } : {}),
      });
      return { diff, elapsedMs: performance.now() - t0 };
    },
    async getSchema() {
      return { uri: SCHEMA_URI, schema: flowJsonSchema() };
    },
  };

  return {
    root,
    async warm() {
      await loadAll();
    },
    handle<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
      const h = handlers[method] as (r: ApiRequest<M>) => Promise<ApiResponse<M>>;
      return h(request);
    },
    watch(listener) {
      const dir = join(root, FLOWS_DIR);
      const pending = new Map<string, ReturnType<typeof setTimeout>>();
      let watcher: FSWatcher | undefined;
      try {
        watcher = watchFs(dir, { recursive: true }, (_type, name) => {
          if (!name || !FLOW_FILE_NAME.test(String(name))) return;
          const file = join(dir, String(name));
          clearTimeout(pending.get(file));
          // Editors write in several steps: report once the file has settled.
          pending.set(
            file,
            setTimeout(() => {
              pending.delete(file);
              snapshot = undefined;
              stat(file).then(
                () => listener({ kind: 'changed', path: projectPath(root, file) }),
                () => listener({ kind: 'removed', path: projectPath(root, file) }),
              );
            }, 60),
          );
        });
      } catch {
        return () => undefined;
      }
      return () => {
        watcher?.close();
        for (const t of pending.values()) clearTimeout(t);
      };
    },
  };
}
