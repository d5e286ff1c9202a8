import { request } from 'node:http';
import type { Server } from 'node:http';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseWebArgs,
  startWebServer,
  WebServerUsageError,
} from '../../generator/api/web-server.js';

function rawGet(url: string, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the web server of the browser mode', () => {
  let dir: string;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowspec-web-'));
    await cp('flows', join(dir, 'root', 'flows'), { recursive: true });
    await mkdir(join(dir, 'static', 'assets'), { recursive: true });
    await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>flowspec</title>');
    await writeFile(join(dir, 'secret.txt'), 'secret');
    ({ server, url } = await startWebServer({
      root: join(dir, 'root'),
      staticDir: join(dir, 'static'),
      port: 0,
    }));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and serves the renderer with a strict CSP', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(`${url}?flow=flows/poc/leave-on-demand.flow.yaml`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>flowspec</title>');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers API calls as JSON', async () => {
    const res = await fetch(`${url}api/readFlow`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: 'flows/poc/leave-on-demand.flow.yaml' }),
    });
    const body = (await res.json()) as { ok: boolean; result: { text: string } };
    expect(body.ok).toBe(true);
    expect(body.result.text).toContain('id: poc.leave.on-demand');
  });

  it('refuses traversal, foreign hosts and origins, and non-JSON calls', async () => {
    const post = (path: string, body: string, type = 'application/json', origin?: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': type, ...(origin ? { Origin: origin } : {}) },
        body,
      });
    expect((await post('api/readFlow', JSON.stringify({ path: '../secret.txt' }))).status).toBe(
      403,
    );
    expect((await post('api/readFlow', '{"path":')).status).toBe(400);
    expect((await post('api/readFlow', '{}', 'text/plain')).status).toBe(405);
    expect(
      (await post('api/listFlows', '{}', 'application/json', 'http://evil.example')).status,
    ).toBe(403);
    expect((await fetch(`${url}..%2fsecret.txt`)).status).toBe(403);
    expect(await rawGet(url, 'evil.example:80')).toBe(403);
  });

  it('serves the generated-code preview and files opened outside the project', async () => {
    const call = async (method: string, body: unknown) => {
      const res = await fetch(`${url}api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as { result: Record<string, unknown> },
      };
    };
    const path = 'flows/poc/leave-on-demand.flow.yaml';
    const { body: read } = await call('readFlow', { path });
    const preview = await call('previewCode', {
      path,
      text: read.result['text'],
      role: 'poc-client',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.result['module']).toMatchObject({
      path: 'generated/roles/poc-client.ts',
      text: expect.stringContaining('export class PocClient'),
    });
    const outside = join(dir, 'outside.yml');
    await writeFile(outside, 'id: outside\n');
    expect((await call('readFlow', { path: outside })).status).toBe(403);
    expect((await call('openFile', { path: join(dir, 'secret.txt') })).status).toBe(403);
    const opened = await call('openFile', { path: outside });
    expect(opened.status).toBe(200);
    const again = await call('readFlow', { path: opened.body.result['path'] });
    expect(again.body.result['text']).toBe('id: outside\n');
    // The native dialog exists in the desktop app only.
    expect((await call('chooseFile', {})).status).toBe(400);
  });

  it('streams file changes as server-sent events', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${url}api/watch`, { signal: ctl.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    if (!res.body) throw new Error('no event stream');
    const reader = res.body.getReader();
    await reader.read();
    await writeFile(join(dir, 'root', 'flows', 'poc', 'leave-on-demand.flow.yaml'), 'id: x\n');
    let seen = '';
    while (!seen.includes('leave-on-demand'))
      seen += new TextDecoder().decode((await reader.read()).value);
    expect(seen).toContain('"kind":"changed","path":"flows/poc/leave-on-demand.flow.yaml"');
    ctl.abort();
  });

  it('parses its command line', () => {
    const o = parseWebArgs(['--port', '0', '--root', 'x'], '/home/u', '/pkg');
    expect(o).toEqual({ port: 0, root: '/home/u/x', staticDir: '/pkg/out/web' });
    expect(() => parseWebArgs(['--port', 'eighty'], '/', '/')).toThrow(WebServerUsageError);
  });
});
