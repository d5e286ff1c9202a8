/**
 * The capture every interop run takes: dumpcap on lo, the test's own
 * address block only (readiness probes left out), started once its
 * sentinel datagram shows in the file; written to `capture.pcapng` in the
 * run's directory.
 */
import { join } from 'node:path';
import type { AddressBlock } from './addresses.js';
import { startCapture, type Capture } from './capture.js';
import type { Teardown } from './teardown.js';
import { udpSend } from './udp-probe.js';

/** Starts the capture of a run's block; `filter` replaces the block's own filter when given. */
export function startBlockCapture(
  name: string,
  dir: string,
  block: AddressBlock,
  teardown: Teardown,
  filter = block.captureFilter,
): Promise<Capture> {
  return startCapture(
    {
      name,
      file: join(dir, 'capture.pcapng'),
      filter,
      sentinel: () =>
        udpSend(block.sentinelHost, block.sentinelHost, 9, 'flowspec capture sentinel'),
    },
    teardown,
  );
}
