import { describe, expect, it } from 'vitest';
import {
  isAllowedRequest,
  isAppUrl,
  OPEN_DIALOG_OPTIONS,
  rendererContentSecurityPolicy,
  rendererFile,
  WINDOW_WEB_PREFERENCES,
  windowWebPreferences,
} from '../../electron/main.js';

describe('the main-process security configuration', () => {
  it('isolates and sandboxes the renderer, without Node', () => {
    expect(WINDOW_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(Object.isFrozen(WINDOW_WEB_PREFERENCES)).toBe(true);
    expect(windowWebPreferences('/app/out/preload/preload.cjs')).toEqual({
      ...WINDOW_WEB_PREFERENCES,
      preload: '/app/out/preload/preload.cjs',
    });
  });

  it('has a strict content security policy', () => {
    const csp = rendererContentSecurityPolicy();
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('lets the window reach only its own pages', () => {
    expect(isAppUrl('flowspec://app/index.html?flow=flows/poc/leave-on-demand.flow.yaml')).toBe(
      true,
    );
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:5178/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'flowspec://evil/index.html',
      'flowspec://user:pw@app/index.html',
      'not a url',
    ])
      expect(isAppUrl(url), url).toBe(false);
    expect(isAllowedRequest('blob:flowspec://app/1234')).toBe(true);
    expect(isAllowedRequest('https://cdn.example.com/monaco.js')).toBe(false);
  });

  it('serves files of the built renderer only', () => {
    const dir = '/app/out/renderer';
    expect(rendererFile(dir, 'flowspec://app/')).toBe('/app/out/renderer/index.html');
    expect(rendererFile(dir, 'flowspec://app/assets/index.js')).toBe(
      '/app/out/renderer/assets/index.js',
    );
    // The URL parser folds dot segments; encoded slashes reach the check.
    expect(rendererFile(dir, 'flowspec://app/%2e%2e/%2e%2e/etc/passwd')).toBe(
      '/app/out/renderer/etc/passwd',
    );
    expect(rendererFile(dir, 'flowspec://app/..%2f..%2fetc/passwd')).toBeUndefined();
    expect(rendererFile(dir, 'https://app/index.html')).toBeUndefined();
  });

  it('opens one YAML file from the native dialog', () => {
    expect(OPEN_DIALOG_OPTIONS.properties).toEqual(['openFile']);
    expect(OPEN_DIALOG_OPTIONS.filters).toEqual([
      { name: 'Flow files (YAML)', extensions: ['yaml', 'yml'] },
    ]);
    expect(Object.isFrozen(OPEN_DIALOG_OPTIONS)).toBe(true);
  });
});
