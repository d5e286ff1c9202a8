/**
 * The backend of the editor: lists, reads, writes and watches the flow files
 * of a project (and the files the user opened outside it), analyses flow text
 * into a diagram and findings (the diagram first when asked), previews the
 * generated module of a role, applies diagram edits and exports text formats.
 * Served over IPC by electron/main.ts and over HTTP by the web server;
 * requests are validated before they arrive.
 */
import { watch as watchFs, type FSWatcher } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
import { GenerateError, type GeneratedFile } from '../emit/generate-files.js';
import { previewFlow } from '../emit/preview.js';
import { roleNames } from '../emit/role-catalog.js';
import { ROLES, type Role } from '../model/vocabulary.js';
import { ApiRequestError } from './request-validation.js';
import { createIncrementalLoader } from './incremental-load.js';
import { CaptureDiffError, CaptureNotFoundError, diffCaptureAgainstFlow } from './capture-diff.js';
import { buildDiagram, createDiagramCache } from './diagram-builder.js';
import { applyFlowEdit } from './flow-edits.js';
import {
  FLOW_FILE_NAME,
  OPENED_FILE_NAME,
  OpenedFiles,
  projectPath,
  resolveCapturePath,
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

function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}

/** The role of a preview module (`roles/poc-client.ts`). */
function moduleRole(file: GeneratedFile): Role | undefined {
  const r = /^roles\/(.+)\.ts$/.exec(file.path)?.[1];
  return r !== undefined && isRole(r) ? r : undefined;
}

/** The generator's message for findings that stop generation (as `flowspec generate` prints them). */
function generateProblems(
  findings: readonly Finding[],
  loaded: boolean,
  file: string,
): string | undefined {
  const problems = findings
    .filter((f) => f.severity === 'error')
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.message}`);
  if (!loaded) problems.push(`${file}: does not load`);
  return problems.length > 0 ? new GenerateError(problems).message : undefined;
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
  /** Flow files opened outside flows/; every request path is resolved through it. */
  const opened = new OpenedFiles(root);
  /** The editor's text of each keystroke: one step re-parsed when only one changed. */
  const loader = createIncrementalLoader();
  /** Row order and rows of the last diagram, reused for what a keystroke left alone. */
  const diagrams = createDiagramCache();
  /** The last preview, reused when only the role picked changes. */
  let lastPreview:
    | { path: string; text: string; files?: GeneratedFile[]; roles: Role[]; error?: string }
    | undefined;

  /** Validation and lint of a loaded flow (lint against the rest of the project). */
  async function checks(flow: Flow, path: string): Promise<Finding[]> {
    const others = await index(path);
    return [
      ...validateFlow(flow, (id) => others.get(id)),
      // Lint compares the flow with the rest of the project (identities, titles, role behaviour).
      ...lintFlow(flow, await peers()),
    ];
  }

  async function generatePreview(
    path: string,
    text: string,
  ): Promise<NonNullable<typeof lastPreview>> {
    if (lastPreview && lastPreview.path === path && lastPreview.text === text) return lastPreview;
    const loaded = loader.load(text, path);
    const found: Finding[] = [...loaded.findings];
    const others = await index(path);
    const open = loaded.flow;
    // The projection resolves the open flow by its id too (its own reactions' dialogs).
    const resolve = (id: string): Flow | undefined => (open?.id === id ? open : others.get(id));
    if (loaded.flow) found.push(...validateFlow(loaded.flow, resolve));
    const participantRoles = loaded.flow
      ? [...new Set([...loaded.flow.participants.values()].map((p) => p.role))]
      : [];
    const error = generateProblems(found, loaded.flow !== undefined, path);
    let result: NonNullable<typeof lastPreview>;
    if (error !== undefined || !loaded.flow)
      result = { path, text, roles: participantRoles, ...(error ? { error } : {}) };
    else {
      try {
        const files = previewFlow(loaded.flow, resolve);
        const made = new Set(files.map(moduleRole));
        result = { path, text, files, roles: participantRoles.filter((r) => made.has(r)) };
      } catch (e) {
        result = {
          path,
          text,
          roles: participantRoles,
          error: `cannot generate: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    }
    lastPreview = result;
    return result;
  }

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
      const file = await opened.resolve(path);
      try {
        return { path, text: await readFile(file, 'utf8') };
      } catch {
        throw new FlowNotFoundError(path);
      }
    },
    async writeFlow({ path, text }) {
      const file = await opened.resolve(path);
      await mkdir(dirname(file), { recursive: true });
      // Written whole or not at all: a temporary file beside it, then renamed over it, so a
      // reader (the watcher, another editor, a crash half way) never sees a partial flow.
      const temporary = join(
        dirname(file),
        `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
      );
      try {
        await writeFile(temporary, text, 'utf8');
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      snapshot = undefined;
      return { path, bytes: Buffer.byteLength(text) };
    },
    async analyzeFlow({ path, text, deferChecks }) {
      const t0 = performance.now();
      await opened.checkName(path);
      const loaded = loader.load(text, path);
      const findings: Finding[] = [...loaded.findings];
      let diagram;
      if (loaded.flow) {
        // Built before the checks: the document is the loader's until its next load.
        diagram = buildDiagram(loaded.flow, loaded.document, diagrams);
        if (!deferChecks) findings.push(...(await checks(loaded.flow, path)));
      }
      return {
        ...(diagram ? { diagram } : {}),
        findings: findings.map(toApiFinding),
        elapsedMs: performance.now() - t0,
      };
    },
    async checkFlow({ path, text }) {
      const t0 = performance.now();
      await opened.checkName(path);
      const loaded = loader.load(text, path);
      const findings: Finding[] = [...loaded.findings];
      if (loaded.flow) findings.push(...(await checks(loaded.flow, path)));
      return { findings: findings.map(toApiFinding), elapsedMs: performance.now() - t0 };
    },
    async previewCode({ path, text, role }) {
      const t0 = performance.now();
      await opened.checkName(path);
      const p = await generatePreview(path, text);
      const roles = p.roles.map((r) => ({ role: r, title: roleNames(r).title }));
      // A role the edited flow no longer has: its first role instead (the answer names it).
      const shown =
        role !== undefined && isRole(role) && p.roles.includes(role) ? role : p.roles[0];
      const file = p.files?.find((f) => moduleRole(f) === shown);
      return {
        roles,
        ...(shown !== undefined ? { role: shown } : {}),
        ...(file ? { module: { path: `generated/${file.path}`, text: file.text } } : {}),
        ...(p.error !== undefined ? { error: p.error } : {}),
        elapsedMs: performance.now() - t0,
      };
    },
    async openFile({ path }) {
      return { path: await opened.open(path) };
    },
    async chooseFile() {
      throw new ApiRequestError(
        'chooseFile',
        'method',
        'needs the desktop app (its native open dialog); in the browser, open a file by its path',
      );
    },
    async editFlow({ path, text, edit }) {
      await opened.checkName(path);
      return { text: applyFlowEdit(text, edit) };
    },
    async exportText({ path, text, format }) {
      await opened.checkName(path);
      const loaded = loadFlowText(text, path);
      if (!loaded.flow) throw new FlowNotFoundError(`${path} (does not load as a flow)`);
      const name = path.split(/[\\/]/).pop() ?? 'flow';
      const base = FLOW_FILE_NAME.test(name)
        ? name.replace(FLOW_FILE_NAME, '')
        : name.replace(OPENED_FILE_NAME, '');
      return {
        text: exportDiagramText(buildDiagram(loaded.flow, loaded.document), format),
        fileName: `${base}.${format === 'mermaid' ? 'mmd' : 'puml'}`,
      };
    },
    async diffCapture({ path, text, capture, map }) {
      const t0 = performance.now();
      await opened.checkName(path);
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
