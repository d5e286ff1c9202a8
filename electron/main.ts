/**
 * The desktop shell's main process: one hardened window on the built
 * renderer, served from the app's own `flowspec://app/` origin, and the
 * backend API (generator/api) registered as IPC handlers. The security
 * settings are plain exports, and electron is loaded only when this runs
 * inside Electron, so a unit test can check them without the binary.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_CHANNELS, API_METHODS, WATCH_CHANNEL, type WatchEvent } from '../api/index.js';
import { dispatchApiCall } from '../generator/api/api-dispatch.js';
import { createFlowService } from '../generator/api/flow-service.js';
import { buildContentSecurityPolicy } from '../generator/api/security-policy.js';
import { CONTENT_TYPES } from '../generator/api/content-types.js';

/** The scheme of the app's own pages; nothing else is ever loaded. */
export const APP_SCHEME = 'flowspec';
/** Origin of the renderer. */
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** webPreferences of every window: no Node in the renderer, isolated and sandboxed. */
export const WINDOW_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
});

/** The webPreferences of the editor window with its preload script. */
export function windowWebPreferences(
  preload: string,
): typeof WINDOW_WEB_PREFERENCES & { preload: string } {
  return { ...WINDOW_WEB_PREFERENCES, preload };
}

/** The CSP of the renderer: the app's own scripts only, no eval, no remote content. */
export function rendererContentSecurityPolicy(): string {
  return buildContentSecurityPolicy();
}

/** True for URLs of the app's own pages; navigation anywhere else is refused. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === `${APP_SCHEME}:` && u.host === 'app' && u.username === '' && u.password === ''
    );
  } catch {
    return false;
  }
}

/** Requests the window may make: its own origin, and the blob: and data: URLs it creates. */
export function isAllowedRequest(url: string): boolean {
  return (
    isAppUrl(url) ||
    url.startsWith('blob:flowspec://app/') ||
    url.startsWith('data:') ||
    url.startsWith('devtools:')
  );
}

/** Maps an app URL to a file of the built renderer; undefined outside it. */
export function rendererFile(rendererDir: string, url: string): string | undefined {
  if (!isAppUrl(url)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const file = resolve(rendererDir, `.${path === '/' ? '/index.html' : path}`);
  const r = relative(rendererDir, file);
  return r.startsWith('..') || isAbsolute(r) ? undefined : file;
}

/** The native open dialog of `chooseFile`: one flow file, YAML only. */
export const OPEN_DIALOG_OPTIONS = Object.freeze({
  title: 'Open a flow file',
  properties: ['openFile'] as const,
  filters: [{ name: 'Flow files (YAML)', extensions: ['yaml', 'yml'] }],
});

/** The part of Electron's main-process API this shell uses. */
interface DesktopElectron {
  app: {
    whenReady(): Promise<void>;
    on(event: 'web-contents-created', l: (e: unknown, contents: WebContents) => void): void;
    on(event: 'window-all-closed', l: () => void): void;
    quit(): void;
  };
  protocol: {
    registerSchemesAsPrivileged(s: { scheme: string; privileges: Record<string, boolean> }[]): void;
    handle(scheme: string, h: (req: Request) => Promise<Response>): void;
  };
  session: {
    defaultSession: {
      setPermissionRequestHandler(
        h: (wc: unknown, p: string, cb: (ok: boolean) => void) => void,
      ): void;
      webRequest: {
        onBeforeRequest(
          h: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void,
        ): void;
      };
    };
  };
  dialog: {
    showOpenDialog(
      win: unknown,
      o: typeof OPEN_DIALOG_OPTIONS,
    ): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  ipcMain: {
    handle(
      channel: string,
      h: (e: { senderFrame: { url: string } | null }, payload: unknown) => unknown,
    ): void;
  };
  BrowserWindow: new (o: Record<string, unknown>) => {
    loadURL(url: string): Promise<void>;
    once(e: 'ready-to-show', l: () => void): void;
    show(): void;
    webContents: WebContents;
  };
}

interface WebContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    l: (e: { preventDefault(): void }, url: string) => void,
  ): void;
  on(event: 'will-attach-webview', l: (e: { preventDefault(): void }) => void): void;
  on(event: 'destroyed', l: () => void): void;
  setWindowOpenHandler(h: () => { action: 'deny' }): void;
  send(channel: string, payload: WatchEvent): void;
}

/** Starts the desktop app: `electron out/main/main.js [--root DIR] [--flow PATH]`. */
export async function startDesktop(argv: readonly string[]): Promise<void> {
  // Loaded here, not at the top: tests import this module without Electron.
  const electronModule: string = 'electron';
  const { app, protocol, session, dialog, ipcMain, BrowserWindow } = (await import(
    electronModule
  )) as DesktopElectron;
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = resolve(arg('--root') ?? process.cwd());
  const here = fileURLToPath(new URL('.', import.meta.url));
  const rendererDir = join(here, '..', 'renderer');
  const preload = join(here, '..', 'preload', 'preload.cjs');
  const service = createFlowService(root);

  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  await app.whenReady();

  const csp = rendererContentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (req) => {
    const file = rendererFile(rendererDir, req.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
  ses.webRequest.onBeforeRequest((details, cb) => cb({ cancel: !isAllowedRequest(details.url) }));

  const main = new BrowserWindow({
    width: 1600,
    height: 1000,
    show: false,
    title: 'flowspec',
    webPreferences: windowWebPreferences(preload),
  });
  for (const method of API_METHODS) {
    ipcMain.handle(API_CHANNELS[method], async (event, payload) => {
      // Only the app's own page may call the backend.
      if (!event.senderFrame || !isAppUrl(event.senderFrame.url))
        return {
          ok: false,
          error: { code: 'forbidden', message: 'caller is not the flowspec window' },
        };
      if (method !== 'chooseFile') return dispatchApiCall(service, method, payload);
      // The file the user picks in the native dialog is opened as by openFile; the
      // renderer gets its path (none when cancelled) and reads it through the API.
      const picked = await dialog.showOpenDialog(main, OPEN_DIALOG_OPTIONS);
      const path = picked.filePaths[0];
      if (picked.canceled || path === undefined) return { ok: true, result: {} };
      return dispatchApiCall(service, 'openFile', { path });
    });
  }

  const stop = service.watch((e) => main.webContents.send(WATCH_CHANNEL, e));
  main.webContents.on('destroyed', stop);
  main.once('ready-to-show', () => main.show());
  const flow = arg('--flow');
  await main.loadURL(`${APP_ORIGIN}/index.html${flow ? `?flow=${encodeURIComponent(flow)}` : ''}`);
  void service.warm();
}

if (
  process.versions['electron'] !== undefined &&
  (process as { type?: string }).type === 'browser'
) {
  startDesktop(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`flowspec: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
