/**
 * `npm run web`: the editor in a browser. A node:http server on 127.0.0.1
 * that serves the built renderer and the backend API as JSON over HTTP, with
 * server-sent events for file watching. Prints its URL as the first line of
 * stdout, so scripts and tests can read it.
 *
 *   node dist/generator/api/web-server.js [--port N] [--root DIR] [--static DIR]
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_HTTP_PREFIX, WATCH_HTTP_PATH } from '../../api/index.js';
import { dispatchApiCall } from './api-dispatch.js';
import { createFlowService } from './flow-service.js';
import { MAX_CAPTURE_BASE64, MAX_TEXT } from './request-validation.js';
import { buildContentSecurityPolicy } from './security-policy.js';
import { CONTENT_TYPES } from './content-types.js';

/** HTTP status of each API error code. */
const STATUS: Record<string, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  'edit-failed': 422,
  internal: 500,
};

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  /** Project root whose flows/ the editor opens. */
  readonly root: string;
  /** Folder of the built renderer (index.html and assets). */
  readonly staticDir: string;
  /** Port; 0 picks a free one. */
  readonly port: number;
}

/** A bad command line of the web server. */
export class WebServerUsageError extends Error {
  constructor(readonly reason: string) {
    super(`flowspec web: ${reason} (usage: --port N --root DIR --static DIR)`);
    this.name = 'WebServerUsageError';
  }
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', buildContentSecurityPolicy());
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

/** Only pages of this server may call it: refuses other hosts (DNS rebinding) and origins. */
function trusted(req: IncomingMessage, port: number): boolean {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || hosts.some((h) => origin === `http://${h}`);
}

/** Largest body of a call: as for flow text, plus the base64 of an upload for diffCapture. */
function maxBody(method: string): number {
  return MAX_TEXT * 2 + (method === 'diffCapture' ? MAX_CAPTURE_BASE64 + 1024 * 1024 : 0);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function serveStatic(staticDir: string, urlPath: string, res: ServerResponse): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    send(res, 400, 'bad path', 'text/plain');
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = resolve(staticDir, `.${rel}`);
  const r = relative(staticDir, file);
  if (rel.includes('\0') || r.startsWith('..') || isAbsolute(r)) {
    send(res, 403, 'forbidden', 'text/plain');
    return;
  }
  try {
    const real = await realpath(file);
    const st = await stat(real);
    if (!st.isFile() || relative(staticDir, real).startsWith('..')) throw new Error('not a file');
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(real)] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': rel.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(real).pipe(res);
  } catch {
    send(res, 404, 'not found', 'text/plain');
  }
}

/** Starts the server; resolves once it listens, with its URL. */
export async function startWebServer(
  opts: WebServerOptions,
): Promise<{ server: Server; url: string }> {
  const root = await realpath(opts.root);
  const staticDir = await realpath(opts.staticDir);
  const service = createFlowService(root);
  let port = opts.port;
  const server = createServer((req, res) => {
    securityHeaders(res);
    if (!trusted(req, port)) {
      send(res, 403, 'forbidden host or origin', 'text/plain');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === WATCH_HTTP_PATH && req.method === 'GET') {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      res.write(': watching flows/\n\n');
      const stop = service.watch((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
      req.on('close', stop);
      return;
    }
    if (url.pathname.startsWith(API_HTTP_PREFIX)) {
      // JSON only: a cross-site form cannot send it without a CORS preflight.
      if (
        req.method !== 'POST' ||
        !(req.headers['content-type'] ?? '').startsWith('application/json')
      ) {
        send(
          res,
          405,
          JSON.stringify({ ok: false, error: { code: 'bad-request', message: 'POST JSON' } }),
          'application/json',
        );
        return;
      }
      const method = url.pathname.slice(API_HTTP_PREFIX.length);
      readBody(req, maxBody(method))
        .then(async (body) => {
          let payload: unknown;
          try {
            payload = body ? JSON.parse(body) : {};
          } catch {
            payload = undefined;
          }
          const result =
            payload === undefined
              ? { ok: false, error: { code: 'bad-request', message: 'body is not JSON' } }
              : await dispatchApiCall(service, method, payload);
          const status = result.ok ? 200 : (STATUS[result.error.code] ?? 500);
          send(res, status, JSON.stringify(result), 'application/json; charset=utf-8');
        })
        .catch((e: unknown) => send(res, 413, String(e), 'text/plain'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed', 'text/plain');
      return;
    }
    void serveStatic(staticDir, url.pathname, res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  void service.warm();
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** Parses the command line of the web server. */
export function parseWebArgs(
  argv: readonly string[],
  cwd: string,
  packageDir: string,
): WebServerOptions {
  let port = 5178;
  let root = process.cwd();
  let staticDir = join(packageDir, 'out', 'web');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--port' && v !== undefined && /^\d+$/.test(v) && Number(v) < 65536) port = Number(v);
    else if (a === '--root' && v !== undefined) root = resolve(cwd, v);
    else if (a === '--static' && v !== undefined) staticDir = resolve(cwd, v);
    else throw new WebServerUsageError(`bad option ${a ?? ''}${v !== undefined ? ` ${v}` : ''}`);
    i++;
  }
  return { port, root, staticDir };
}

/** Entry point: start, print the URL first, then say how to stop. */
async function main(): Promise<void> {
  const packageDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
  // Under npm the working folder is the package; relative --root names follow the caller's folder.
  const opts = parseWebArgs(
    process.argv.slice(2),
    process.env['INIT_CWD'] ?? process.cwd(),
    packageDir,
  );
  const { url } = await startWebServer(opts);
  process.stdout.write(`${url}\n`);
  process.stdout.write(
    `flowspec editor for ${opts.root} (Ctrl+C to stop); open ${url}?flow=flows/...\n`,
  );
  const stop = (): void => process.exit(0);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
