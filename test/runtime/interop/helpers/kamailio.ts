/**
 * Kamailio as a record-routing proxy for the interop tests: started in the
 * foreground (-DD -E) with test/fixtures/kamailio/kamailio.cfg, its own
 * runtime dir and pid file, on a test-chosen port of 127.0.0.1; ready when
 * it answers an OPTIONS probe; killed with its process group on teardown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerProcess } from './processes.js';
import { freeUdpPort, udpExchange } from './udp-port.js';

const CONFIG = join(import.meta.dirname, '../../../fixtures/kamailio/kamailio.cfg');

/** A running Kamailio. */
export interface Kamailio {
  readonly port: number;
  /** The proxy's URI, for a loose Route (RFC 3261 8.1.2). */
  readonly uri: string;
  readonly process: PeerProcess;
  stop(): Promise<void>;
}

function probe(port: number) {
  return (localPort: number): string =>
    [
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bKprobe${Date.now()}`,
      'From: <sip:probe@127.0.0.1>;tag=probe',
      `To: <sip:127.0.0.1:${port}>`,
      `Call-ID: probe-${Date.now()}@127.0.0.1`,
      'CSeq: 1 OPTIONS',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
}

/**
 * Starts Kamailio and waits until it answers OPTIONS with 200; throws with
 * its log when it does not. A start that fails because the chosen port was
 * taken in the meantime is retried on another port (twice at most).
 */
export async function startKamailio(attempts = 3): Promise<Kamailio> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      const portTaken = error instanceof Error && /Address already in use/i.test(error.message);
      if (!portTaken || attempt >= attempts) throw error;
    }
  }
}

async function startOnce(): Promise<Kamailio> {
  const port = await freeUdpPort();
  const runDir = mkdtempSync(join(tmpdir(), 'flowspec-kamailio-'));
  const process = PeerProcess.start('kamailio', 'kamailio', [
    '-f',
    CONFIG,
    '-DD',
    '-E',
    '-l',
    `udp:127.0.0.1:${port}`,
    '-Y',
    runDir,
    '-P',
    join(runDir, 'kamailio.pid'),
    '-w',
    runDir,
    '-m',
    '32',
    '-M',
    '4',
  ]);
  const stop = async (): Promise<void> => {
    await process.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!process.running) {
      await stop();
      throw new Error(`kamailio exited before it was ready:\n${process.log}`);
    }
    const reply = await udpExchange(port, probe(port), 200);
    if (reply?.startsWith('SIP/2.0 200')) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kamailio did not answer OPTIONS within 10 s:\n${process.log}`);
    }
  }
  return { port, uri: `sip:127.0.0.1:${port}`, process, stop };
}
