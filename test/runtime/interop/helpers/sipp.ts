/**
 * SIPp (Debian sip-tester) driven by the interop tests: one call (-m 1) of
 * a scenario from test/fixtures/sipp, on a test-chosen port, with its error
 * and message logs kept so a failed call reports SIPp's own output.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, stderr } from 'node:process';
import { PeerProcess } from './processes.js';
import { freeUdpPort, isUdpPortBound } from './udp-port.js';

const SCENARIOS = join(import.meta.dirname, '../../../fixtures/sipp');

/** How to run one SIPp call. */
export interface SippOptions {
  /** Scenario file name in test/fixtures/sipp. */
  readonly scenario: string;
  /** host:port of the peer (a UAC's first hop); omitted for a UAS. */
  readonly remote?: string;
  /** -key name value pairs used in the scenario ([ruri], [refer_to]). */
  readonly keys?: Readonly<Record<string, string>>;
}

/** A running SIPp. */
export interface Sipp {
  readonly port: number;
  /** Where a runtime UAC reaches this SIPp UAS. */
  readonly uri: string;
  readonly process: PeerProcess;
  /** Resolves when SIPp exits with 0; rejects with SIPp's output and logs otherwise. */
  finished(): Promise<void>;
  /** `promise`, or SIPp's failure if SIPp exits unsuccessfully first (so a stuck call fails fast with SIPp's errors). */
  guard<T>(promise: Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

function readIfThere(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/**
 * Starts SIPp; for a UAS it resolves once SIPp has bound its port (probed,
 * not slept on). A UAS whose chosen port was taken in the meantime is
 * started again on another port (twice at most).
 */
export async function startSipp(options: SippOptions, attempts = 3): Promise<Sipp> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      const portTaken = error instanceof Error && /Address already in use/i.test(error.message);
      if (!portTaken || attempt >= attempts) throw error;
    }
  }
}

async function startOnce(options: SippOptions): Promise<Sipp> {
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'flowspec-sipp-'));
  const errors = join(dir, 'errors.log');
  const messages = join(dir, 'messages.log');
  const keys = Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]);
  const process = PeerProcess.start(
    'sipp',
    'sipp',
    [
      ...(options.remote ? [options.remote] : []),
      '-sf',
      join(SCENARIOS, options.scenario),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '15',
      '-timeout_error',
      '-trace_err',
      '-error_file',
      errors,
      '-trace_msg',
      '-message_file',
      messages,
      ...keys,
    ],
    dir,
  );
  const stop = async (): Promise<void> => {
    await process.stop();
    // FLOWSPEC_KEEP_SIPP_LOGS=1 keeps the scenario's error and message logs for a look after the run.
    if (env['FLOWSPEC_KEEP_SIPP_LOGS']) stderr.write(`sipp logs kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  };
  if (!options.remote) {
    const deadline = Date.now() + 10_000;
    while (!(await isUdpPortBound(port))) {
      if (!process.running || Date.now() > deadline) {
        const log = process.log;
        await stop();
        throw new Error(`sipp did not bind 127.0.0.1:${port}:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const finished = async (): Promise<void> => {
    const code = await process.exited;
    if (code === 0) return;
    throw new Error(
      `sipp ${options.scenario} exited with ${String(code)}\n--- sipp errors ---\n${readIfThere(errors)}\n--- sipp output ---\n${process.log.slice(-3000)}\n--- sipp messages ---\n${readIfThere(messages).slice(-6000)}`,
    );
  };
  const guard = <T>(promise: Promise<T>): Promise<T> =>
    Promise.race([
      promise,
      finished().then(
        () => promise,
        (error: unknown) => Promise.reject(error as Error),
      ),
    ]);
  return { port, uri: `sip:sipp@127.0.0.1:${port}`, process, finished, guard, stop };
}
