/**
 * Readiness of a SIP peer (Kamailio, a generated role started with
 * `flowspec run`): it is ready when it answers an OPTIONS request
 * (RFC 3261 11) sent from the test's probe address. Any response counts: a
 * role that does not support OPTIONS answers 405 and is listening all the
 * same.
 */
import { InteropError } from './interop-error.js';
import type { ManagedProcess } from './managed-process.js';
import { pollUntil } from './poll.js';
import { udpExchange } from './udp-probe.js';

/** Where to probe, from where, and whose process to watch. */
export interface SipProbeOptions {
  readonly peer: string;
  readonly address: string;
  readonly port: number;
  /** The probe's own address (left out of captures: AddressBlock.probeHost). */
  readonly from: string;
  readonly process: ManagedProcess;
  readonly timeoutMs?: number;
}

/** An OPTIONS request to address:port from `from`, for a given local port. */
export function optionsRequest(address: string, port: number, from: string) {
  return (localPort: number): string => {
    const id = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    return [
      `OPTIONS sip:${address}:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${from}:${localPort};branch=z9hG4bKprobe${id}`,
      `From: <sip:probe@${from}>;tag=probe${id}`,
      `To: <sip:${address}:${port}>`,
      `Call-ID: probe-${id}@${from}`,
      'CSeq: 1 OPTIONS',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  };
}

/** Polls with OPTIONS until the peer answers; the status line of its answer. */
export function waitForSipOptions(options: SipProbeOptions): Promise<string> {
  const { peer, process } = options;
  return pollUntil(
    async () => {
      if (!process.running)
        throw new InteropError('exited', peer, 'exited before it was ready', process.log);
      const reply = await udpExchange(
        options.from,
        options.address,
        options.port,
        optionsRequest(options.address, options.port, options.from),
        200,
      );
      return reply?.startsWith('SIP/2.0 ') ? reply.split('\r\n')[0] : undefined;
    },
    {
      peer,
      what: 'answering OPTIONS',
      timeoutMs: options.timeoutMs ?? 10_000,
      log: () => process.log,
    },
  );
}
