import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests of the editor: `npm run web` in a child process and
 * Debian's Chromium through playwright-core (test/e2e/*.e2e.test.ts).
 */
export const config = defineConfig({
  test: {
    include: ['test/e2e/*.e2e.test.ts'],
    testTimeout: 120_000,
    // The first start builds the renderer.
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: process.env['CI'] ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-output/junit/e2e.xml' },
  },
});

// vitest loads the default export of its config file.
export default config;
