import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The renderer for the browser mode (`npm run build:web`, served by
 * `npm run web`): a static build in out/web. The desktop build of the same
 * renderer is electron.vite.config.ts.
 */
export const config = defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./out/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
  },
});

// Vite loads the default export of its config file.
export default config;
