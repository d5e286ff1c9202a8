/**
 * Unique addresses per test: each test takes a block 127.A.B.0/24 of its
 * own, A from the vitest worker slot and the worker's pid and B a counter,
 * so that tests, reruns, test files running at the same time in the three
 * worker slots (30-99, 100-169 and 170-239) and other suites (which use
 * 127.0.0.1)
 * never share an address or a port. Every peer of a test gets its own host
 * in the block and can keep the default SIP port.
 */
import process from 'node:process';

let nextBlock = 0;

/** Hosts of one test's 127.A.B.0/24 block. */
export interface AddressBlock {
  /** "127.A.B" */
  readonly prefix: string;
  /** The address of host `n` (1..254) of the block. */
  host(n: number): string;
  /** Host 250: where capture sentinels are sent from and to (captured, not SIP). */
  readonly sentinelHost: string;
  /** Host 251: where readiness probes come from (left out of the capture). */
  readonly probeHost: string;
  /** A dumpcap/BPF filter that selects every packet of the block except the readiness probes. */
  readonly captureFilter: string;
}

/** Takes the next unused block of this worker (at most 200 per worker). */
export function allocateAddressBlock(): AddressBlock {
  if (nextBlock >= 200) throw new RangeError('more than 200 address blocks in one worker');
  // Hosts 1..249 are the test's peers; 250 and 251 are the harness's own.
  // VITEST_POOL_ID is the worker slot (1, 2, ...): files running at the same time never share it.
  const slot = (Number(process.env['VITEST_POOL_ID'] ?? '1') - 1) % 3;
  const a = 30 + slot * 70 + (process.pid % 70);
  const b = 20 + nextBlock++;
  const prefix = `127.${a}.${b}`;
  return {
    prefix,
    host(n: number): string {
      if (!Number.isInteger(n) || n < 1 || n > 254)
        throw new RangeError(`host ${n} outside 1..254`);
      return `${prefix}.${n}`;
    },
    sentinelHost: `${prefix}.250`,
    probeHost: `${prefix}.251`,
    captureFilter: `net ${prefix}.0/24 and not host ${prefix}.251`,
  };
}

/** Names unique to this worker and call, short enough for an interface name (15 characters). */
export function uniqueName(tag: string): string {
  if (!/^[a-z]{1,3}$/.test(tag)) throw new RangeError(`tag ${tag}: 1 to 3 lower-case letters`);
  return `${tag}${process.pid % 100_000}n${nextBlock++ % 200}`;
}
