import { defineConfig } from 'vitest/config';

/**
 * Interop tests against real peers (test/interop/*.interop.test.ts):
 * Kamailio, SIPp and dumpcap on 127.0.0.0/8, and network namespaces with
 * tc netem for the fault tests, generous timeouts for retransmissions. Two
 * files at a time (FLOWSPEC_INTEROP_WORKERS, 1 or 2): each test has its own
 * 127.A.B.0/24 block (the two worker slots use disjoint A ranges,
 * harness/addresses.ts), captures filtered to it, namespaces and Kamailio
 * control sockets named after its process; most of a file's time is spent
 * waiting on SIP timers, so two at a time take about half as long.
 */
const workers = process.env['FLOWSPEC_INTEROP_WORKERS'] === '1' ? 1 : 2;
export const config = defineConfig({
  test: {
    include: ['test/interop/**/*.interop.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: workers > 1,
    maxWorkers: workers,
    sequence: { concurrent: false },
    reporters: process.env['CI'] ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-output/junit/interop.xml' },
  },
});

// vitest loads the default export of its config file.
export default config;
