import { defineConfig } from 'vitest/config';

/**
 * Interop tests against real peers (test/interop/*.interop.test.ts):
 * Kamailio, SIPp and dumpcap on 127.0.0.0/8, and network namespaces with
 * tc netem for the fault tests, generous timeouts for retransmissions. Three
 * files at a time (FLOWSPEC_INTEROP_WORKERS, 1 to 3): each test has its own
 * 127.A.B.0/24 block (the worker slots use disjoint A ranges,
 * harness/addresses.ts), captures filtered to it, namespaces and Kamailio
 * control sockets named after its process; most of a file's time is spent
 * waiting on SIP timers (the killed-role files wait out Timer B and F), so
 * three at a time on two cores take about a third as long.
 */
const asked = Number(process.env['FLOWSPEC_INTEROP_WORKERS'] ?? '3');
const workers = asked === 1 || asked === 2 ? asked : 3;
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
