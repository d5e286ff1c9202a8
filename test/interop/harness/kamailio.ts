/**
 * Kamailio instances of the interop tests, from config templates in
 * test/interop/kamailio/: the template's {{address}}, {{port}} and
 * {{ctlSocket}} (and its own placeholders, from `values`) are filled in, the instance runs in the foreground
 * (-DD -E, `fork=yes`, `children=1`) with its own runtime dir and control
 * socket, and is ready when it answers an OPTIONS probe and kamcmd reaches
 * it. Stopped with SIGTERM to its process group.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './flowspec-cli.js';
import { InteropError } from './interop-error.js';
import { ManagedProcess } from './managed-process.js';
import { pollUntil } from './poll.js';
import type { Teardown } from './teardown.js';
import { waitForSipOptions } from './sip-probe.js';

const run = promisify(execFile);

/** Where the templates live. */
export const KAMAILIO_TEMPLATES = join(REPO_ROOT, 'test/interop/kamailio');

/** How to start one instance. */
export interface KamailioOptions {
  /** Name for logs: "scscf". */
  readonly name: string;
  /** Template file name in test/interop/kamailio/. */
  readonly template: string;
  readonly address: string;
  readonly port?: number;
  /** The instance's own directory (config, pid file, log); the control socket goes to a short temporary dir. */
  readonly workDir: string;
  /** Address the readiness probe is sent from. */
  readonly probeFrom: string;
  /** Values of the template's own placeholders ({{nextHop}}). */
  readonly values?: Readonly<Record<string, string>>;
  /** Shared memory in MiB (-m; default 32): transactions live there, load runs need more. */
  readonly sharedMemoryMb?: number;
  /**
   * Methods of dialog-creating requests record-routed besides INVITE, for a template whose
   * request route record-routes INVITE (`sip-core.cfg.tpl`): REFER, so that the NOTIFYs of its
   * implicit subscription come back through this proxy (RFC 3261 16.6 step 4, RFC 3515 2.4.4,
   * RFC 6665 4.2).
   */
  readonly recordRoute?: readonly string[];
}

/** A running Kamailio. */
export interface Kamailio {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** "address:port", a SIPp remote host. */
  readonly hostport: string;
  readonly process: ManagedProcess;
  /** The binrpc control socket kamcmd talks to (removed on teardown). */
  readonly controlSocket: string;
  /** Runs a kamcmd RPC command on this instance; its output. */
  kamcmd(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Fills the {{name}} placeholders of a template; every placeholder must have a value. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new RangeError(`template placeholder {{${key}}} has no value`);
    return v;
  });
}

/** The record-routing condition of a template's request route. */
const RECORD_ROUTE_INVITE = /if \(is_method\("INVITE"\)\) \{(\s*)record_route\(\);/;

/**
 * A rendered config whose INVITE record-routing also covers `methods`; the config itself when
 * there are none. A template without that condition is an error naming it.
 */
export function recordRouting(
  config: string,
  methods: readonly string[],
  template: string,
): string {
  if (methods.length === 0) return config;
  for (const m of methods)
    if (!/^[A-Z]+$/.test(m)) throw new RangeError(`recordRoute: "${m}" is not a SIP method name`);
  if (!RECORD_ROUTE_INVITE.test(config))
    throw new RangeError(
      `${template}: no 'if (is_method("INVITE")) { record_route(); }' to extend`,
    );
  return config.replace(
    RECORD_ROUTE_INVITE,
    (_, space: string) =>
      `if (is_method("${['INVITE', ...methods].join('|')}")) {${space}record_route();`,
  );
}

/** Starts Kamailio and waits until it is ready; registers its stop with `teardown`. */
export async function startKamailio(
  options: KamailioOptions,
  teardown: Teardown,
): Promise<Kamailio> {
  const port = options.port ?? 5060;
  const peer = `kamailio ${options.name}`;
  mkdirSync(options.workDir, { recursive: true });
  // A unix socket path must stay under 108 bytes, which a deep checkout can exceed.
  const ctlDir = mkdtempSync(join(tmpdir(), 'fs-kam-'));
  const ctlSocket = join(ctlDir, 'ctl');
  teardown.add(`${peer} control dir`, async () => rmSync(ctlDir, { recursive: true, force: true }));
  const config = join(options.workDir, 'kamailio.cfg');
  const rendered = renderTemplate(
    readFileSync(join(KAMAILIO_TEMPLATES, options.template), 'utf8'),
    { ...options.values, address: options.address, port: String(port), ctlSocket },
  );
  writeFileSync(config, recordRouting(rendered, options.recordRoute ?? [], options.template));
  const kamcmd = async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await run('kamcmd', ['-s', `unix:${ctlSocket}`, ...args], {
        timeout: 5000,
      });
      return stdout;
    } catch (err) {
      throw new InteropError('command-failed', `kamcmd ${args.join(' ')}`, String(err));
    }
  };
  const process = await ManagedProcess.start({
    name: peer,
    command: 'kamailio',
    args: [
      '-f',
      config,
      '-DD',
      '-E',
      '-Y',
      options.workDir,
      '-P',
      join(options.workDir, 'kamailio.pid'),
      '-w',
      options.workDir,
      '-m',
      String(options.sharedMemoryMb ?? 32),
      '-M',
      '4',
    ],
    cwd: options.workDir,
  });
  const stop = async (): Promise<void> => {
    await process.stop('SIGTERM');
    writeFileSync(join(options.workDir, 'kamailio.log'), process.log);
  };
  teardown.add(peer, stop);
  const status = await waitForSipOptions({
    peer,
    address: options.address,
    port,
    from: options.probeFrom,
    process,
  });
  if (!status.startsWith('SIP/2.0 200'))
    throw new InteropError('not-ready', peer, `answered OPTIONS with ${status}`, process.log);
  await pollUntil(
    async () =>
      (await kamcmd('core.version').catch(() => '')).includes('kamailio') ? true : undefined,
    { peer, what: 'reachable by kamcmd', timeoutMs: 5_000, log: () => process.log },
  );
  return {
    name: options.name,
    address: options.address,
    port,
    hostport: `${options.address}:${port}`,
    process,
    controlSocket: ctlSocket,
    kamcmd,
    stop,
  };
}
