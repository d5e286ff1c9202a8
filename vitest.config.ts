import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests. End-to-end (test/e2e) and interop (test/interop)
 * suites have their own configs and npm scripts; `npm test` runs them all.
 * At least two files at a time (FLOWSPEC_UNIT_WORKERS sets the number): the
 * generated tests and the runtime's socket tests spend most of their time
 * waiting on SIP timers and peers, so even two cores are used twice over;
 * every test binds free ports on 127.0.0.1 and builds into a directory of
 * its own.
 */
const workers =
  Number(process.env['FLOWSPEC_UNIT_WORKERS']) || Math.max(2, availableParallelism() - 1);
export const config = defineConfig({
  test: {
    maxWorkers: workers,
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
