import { defineConfig } from 'vitest/config';

/**
 * Interop tests against real peers (test/interop/*.interop.test.ts):
 * Kamailio, SIPp and dumpcap on 127.0.0.0/8, and network namespaces with
 * tc netem for the fault tests. One file at a time (they capture on `lo`
 * and create namespaces), generous timeouts for retransmissions.
 */
export const config = defineConfig({
  test: {
    include: ['test/interop/**/*.interop.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    reporters: process.env['CI'] ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-output/junit/interop.xml' },
  },
});

// vitest loads the default export of its config file.
export default config;
