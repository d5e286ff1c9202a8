import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests. End-to-end (test/e2e) and interop (test/interop)
 * suites have their own configs and npm scripts; `npm test` runs them all.
 */
export const config = defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'generated/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/interop/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env['CI'] ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-output/junit/unit.xml' },
  },
});

// vitest loads the default export of its config file.
export default config;
