/**
 * Runs the editor for end-to-end tests: a copy of flows/ in a temporary
 * project (tests never write to flows/), `npm run web` on a free port as a
 * child process, and Debian's Chromium through playwright-core. Every
 * console error of the page is recorded so tests can fail on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where screenshots and downloads of the e2e tests go (CI artifacts). */
export const OUTPUT_DIR = resolve('test-output/e2e');

/** The flow of Figure 16 every editor test opens. */
export const FIGURE_16 = 'flows/poc/leave-on-demand.flow.yaml';

/** Flags of Debian's Chromium for the tests and the editor benchmark (headless, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Page script (a string: it runs in the browser, not under Node's types)
 * that watches for the arrow of `step` to show `label` and stores, as
 * `window.__arrowLatency`, a promise of the milliseconds from the last key
 * press until then (and both times as `window.__arrowTimes`).
 */
function arrowLatencyProbe(step: string, label: string): string {
  return `(() => {
    let t0 = 0;
    const onKey = () => { t0 = performance.now(); };
    document.addEventListener('keydown', onKey, { capture: true });
    const diagram = document.querySelector('[data-testid=diagram]');
    window.__arrowLatency = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the arrow did not change within 10 s')), 10000);
      const observer = new MutationObserver(() => {
        const arrow = diagram.querySelector('[data-testid=message][data-step-id=${JSON.stringify(step)}]');
        if (!t0 || !arrow || arrow.getAttribute('data-label') !== ${JSON.stringify(label)}) return;
        document.removeEventListener('keydown', onKey, { capture: true });
        observer.disconnect();
        clearTimeout(timer);
        const now = performance.now();
        window.__arrowTimes = { key: t0, arrow: now };
        resolve(now - t0);
      });
      observer.observe(diagram, { attributes: true, subtree: true, childList: true });
    });
  })()`;
}

/**
 * The milliseconds from the last key press of `typing` until the arrow of
 * `step` shows `label`. The watch is installed before the keys are sent (two
 * calls), so a busy page cannot let the key press overtake it.
 */
export async function arrowLatency(
  page: Page,
  step: string,
  label: string,
  typing: () => Promise<void>,
): Promise<number> {
  await page.evaluate(arrowLatencyProbe(step, label));
  await typing();
  return (await page.evaluate('window.__arrowLatency')) as number;
}

/** A running editor: server, temporary project, browser. */
export interface EditorHarness {
  readonly url: string;
  readonly root: string;
  readonly browser: Browser;
  /** Opens a page on `?flow=`, recording console errors into the returned list. */
  openFlow(flow: string): Promise<{ page: Page; errors: string[] }>;
  readProjectFile(path: string): Promise<string>;
  close(): Promise<void>;
}

async function startServer(root: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('npm', ['run', '--silent', 'web', '--', '--port', '0', '--root', root], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  if (!child.stdout) throw new Error('npm run web has no stdout');
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((ok, fail) => {
    lines.once('line', (l) => ok(l.trim()));
    child.once('exit', (code) => fail(new Error(`npm run web exited with ${code}: ${stderr}`)));
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(url))
    throw new Error(`first line is not the URL: ${url}`);
  return { child, url };
}

/** Starts the editor on a fresh copy of the project's flows. */
export async function startEditor(): Promise<EditorHarness> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const root = await mkdtemp(join(tmpdir(), 'flowspec-e2e-'));
  await cp('flows', join(root, 'flows'), { recursive: true });
  const { child, url } = await startServer(root);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  return {
    url,
    root,
    browser,
    async openFlow(flow) {
      const page = await browser.newPage({
        viewport: { width: 1680, height: 1050 },
        acceptDownloads: true,
      });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${url}?flow=${encodeURIComponent(flow)}`);
      return { page, errors };
    },
    readProjectFile: (path) => readFile(join(root, path), 'utf8'),
    async close() {
      await browser.close();
      if (child.pid !== undefined && child.exitCode === null) {
        // The server runs as npm -> bash -> node in its own process group.
        process.kill(-child.pid, 'SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
