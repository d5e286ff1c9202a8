import react from '@vitejs/plugin-react';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';

/**
 * The desktop build: main and preload from electron/, the renderer from
 * renderer/ (out/main, out/preload, out/renderer).
 *
 * electron-vite reads the electron package only for its version (to pick the
 * Node and Chrome targets). Where npm could not install electron (no binary
 * download in CI), take the major version from package.json instead, so the
 * build still works and `npm start` falls back to the browser mode.
 */
function electronMajor(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('electron/package.json');
    return (
      (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version.split('.')[0] ?? ''
    );
  } catch {
    const own = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
      optionalDependencies?: Record<string, string>;
    };
    return /(\d+)/.exec(own.optionalDependencies?.['electron'] ?? '')?.[1] ?? '41';
  }
}
process.env['ELECTRON_MAJOR_VER'] ??= electronMajor();

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export const config = defineConfig({
  main: {
    build: {
      outDir: here('./out/main'),
      rolldownOptions: { input: { main: here('./electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      rolldownOptions: {
        input: { preload: here('./electron/preload.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('./renderer'),
    plugins: [react()],
    worker: { format: 'es' },
    build: {
      outDir: here('./out/renderer'),
      chunkSizeWarningLimit: 8000,
      rolldownOptions: { input: { index: here('./renderer/index.html') } },
    },
  },
});

// electron-vite loads the default export of its config file.
export default config;
