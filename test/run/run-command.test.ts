/**
 * `flowspec run` as a user runs it: the compiled CLI as a child process
 * starts the generated PoC Servers of OMA PoC Figure 16 on 127.0.0.1, SIPp
 * plays the PoC Client (join, hold, leave: test/interop/sipp/
 * poc-client-leave-uac.xml), and the run logs every message, counts
 * sessions, dialogs and transactions, and stops cleanly on SIGTERM and
 * SIGINT, reporting what was still open.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, sippAvailable } from '../sipp/sipp-runner.js';
import { buildRunCli, RunProcess, type BuiltRun } from './run-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCENARIOS = join(ROOT, 'test/interop/sipp');
const CLIENT = 'sip:clientA@networkA.test';

interface Ports {
  readonly client: number;
  readonly serverA: number;
  readonly serverX: number;
}

/** The topology of a run: PoC Server A (B2BUA) and PoC Server X, each on its own port. */
function topology(ports: Ports, release: 'release-all' | 'continue'): string {
  return [
    `flow: ${join(ROOT, 'flows/poc/leave-on-demand.flow.yaml')}`,
    'participants:',
    `  clientA: 127.0.0.1:${ports.client}`,
    `  PoC Server A: 127.0.0.1:${ports.serverA}`,
    `  serverX: 127.0.0.1:${ports.serverX}`,
    'run:',
    `  serverA: { served: ["${CLIENT}"] }`,
    '  serverX: {}',
    'policies:',
    `  policy.release: ${release}`,
    // Short timers so that the server transactions end (Timer J = 64*T1) within the test.
    'timers: { t1: 40, t2: 320, t4: 400 }',
    '',
  ].join('\n');
}

/** Runs SIPp with a scenario of test/interop/sipp towards PoC Server A; resolves with its exit code. */
function sipp(
  dir: string,
  scenario: string,
  ports: Ports,
  calls: number,
  holdMs: number,
  uasPort?: number,
): { exit: Promise<{ code: number | null; output: string }>; kill(): void } {
  const child = spawn(
    'sipp',
    [
      // A UAS waits on its own port; a UAC sends to PoC Server A.
      ...(uasPort === undefined ? [`127.0.0.1:${ports.serverA}`] : []),
      '-sf',
      join(SCENARIOS, scenario),
      '-i',
      '127.0.0.1',
      '-p',
      String(uasPort ?? ports.client),
      '-m',
      String(calls),
      '-l',
      '1',
      '-d',
      String(holdMs),
      '-nostdin',
      '-timeout',
      '20s',
      '-timeout_error',
      '-trace_err',
      '-key',
      'session_uri',
      `sip:serverX@127.0.0.1:${ports.serverX}`,
      '-key',
      'route',
      `<sip:127.0.0.1:${ports.serverA};lr>`,
      '-key',
      'client_uri',
      CLIENT,
      '-key',
      'client_user',
      'clientA',
      '-key',
      'user',
      'serverX',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exit = new Promise<{ code: number | null; output: string }>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
  return { exit, kill: () => child.kill('SIGKILL') };
}

async function freePorts(): Promise<Ports> {
  return {
    client: await freeUdpPort(),
    serverA: await freeUdpPort(),
    serverX: await freeUdpPort(),
  };
}

const idle = (p: RunProcess): boolean => {
  const s = p.lastStatus();
  return s !== undefined && s.sessions === 0 && s.dialogs === 0 && s.transactions === 0;
};

describe.skipIf(!sippAvailable())('flowspec run with SIPp as the PoC Client', () => {
  let cli: BuiltRun;
  let dir: string;

  beforeAll(() => {
    cli = buildRunCli();
    dir = mkdtempSync(join(tmpdir(), 'flowspec-run-'));
  }, 120_000);

  afterAll(() => {
    cli.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays three joins and leaves (Figure 16 steps 2-11), logs each message and exits 0 on SIGTERM with nothing open', async () => {
    const ports = await freePorts();
    const file = join(dir, 'leave.topology.yaml');
    writeFileSync(file, topology(ports, 'continue'));
    const run = RunProcess.start(cli.bin, [
      '--topology',
      file,
      '--status',
      '--status-interval',
      '0.2',
    ]);
    try {
      await run.waitFor('ready', (p) => p.stderr.includes('ready: 2 participant(s)'));
      expect(run.stderr).toContain(
        `listening: serverA (poc-server-participating, b2bua) udp 127.0.0.1:${ports.serverA}`,
      );
      const client = sipp(dir, 'poc-client-leave-uac.xml', ports, 3, 100);
      const done = await client.exit;
      expect(done.code, `${done.output}\n${run.stderr}`).toBe(0);
      // Live counts: the status line comes back to zero once Timer J/K end the transactions.
      await run.waitFor('an idle status line', idle);
      const code = await run.stop('SIGTERM');
      expect(code, run.stderr).toBe(0);
      expect(run.stderr).toContain('SIGTERM: stopping; sessions=0 dialogs=0 transactions=0');
      expect(run.stderr).toContain('serverA: dialogs=0 transactions=0 sessions=0');
      expect(run.stderr).toContain('serverX: dialogs=0 transactions=0 sessions=0');
      expect(run.stderr).toContain('stopped: sockets closed');
      const lines = run.stdout.trim().split('\n');
      const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
      const client127 = `udp 127.0.0.1:${ports.client}`;
      const toX = `udp 127.0.0.1:${ports.serverX}`;
      // Per call: the client leg in at serverA, the server leg out to serverX (Figure 16 steps 3-11).
      expect(count(new RegExp(`serverA <- ${client127} INVITE sip:serverX@`))).toBe(3);
      expect(count(new RegExp(`serverA -> ${toX} INVITE sip:serverX@`))).toBe(3);
      expect(count(new RegExp(`serverA <- ${client127} BYE sip:serverA@`))).toBe(3);
      expect(count(new RegExp(`serverA -> ${client127} 200 OK \\| .* CSeq 2 BYE`))).toBe(3);
      expect(count(new RegExp(`serverA -> ${toX} BYE sip:serverX@`))).toBe(3);
      expect(count(/serverX -> .* 200 OK \| .* CSeq \d+ BYE/)).toBe(3);
      expect(count(/unparsable/)).toBe(0);
      // The message counts of the last status line agree with the log.
      const totals = [...run.stderr.matchAll(/messages in (\d+) out (\d+)/g)].at(-1);
      expect(Number(totals?.[1]) + Number(totals?.[2])).toBe(lines.length);
    } finally {
      await run.stop('SIGKILL');
    }
  });

  it('on SIGINT during a session reports the dialogs still open and exits 0', async () => {
    const ports = await freePorts();
    const file = join(dir, 'hold.topology.yaml');
    writeFileSync(file, topology(ports, 'continue'));
    const run = RunProcess.start(cli.bin, ['--topology', file, '--status']);
    // A long hold: the session is up when the signal comes.
    const client = sipp(dir, 'poc-client-leave-uac.xml', ports, 1, 60_000);
    try {
      await run.waitFor('ready', (p) => p.stderr.includes('ready:'));
      await run.waitFor('the ACK at PoC Server X', (p) =>
        / serverX <- \S+ \S+ ACK /.test(p.stdout),
      );
      const code = await run.stop('SIGINT');
      expect(code, run.stderr).toBe(0);
      // serverA holds both legs of its B2BUA session, serverX its own dialog.
      expect(run.stderr).toMatch(/SIGINT: stopping; sessions=1 dialogs=3 transactions=\d+/);
      expect(run.stderr).toMatch(/serverA: dialogs=2 transactions=\d+ sessions=1/);
      expect(run.stderr).toMatch(/serverX: dialogs=1 transactions=\d+ sessions=0/);
      expect(run.stderr).toContain('stopped: sockets closed');
    } finally {
      client.kill();
      await client.exit;
      await run.stop('SIGKILL');
    }
  });

  it('stops with exit 2 when a participant cannot listen (its address is taken)', async () => {
    const ports = await freePorts();
    const file = join(dir, 'taken.topology.yaml');
    writeFileSync(file, topology({ ...ports, serverX: ports.serverA }, 'continue'));
    const run = RunProcess.start(cli.bin, ['--topology', file]);
    expect(await run.exited).toBe(2);
    expect(run.stderr).toContain(
      `flowspec: serverX: cannot start poc-server-controlling: 127.0.0.1:${ports.serverA} is in use`,
    );
  });

  it('runs only the participants --roles names, and reports a flow deviation without stopping', async () => {
    const ports = await freePorts();
    const file = join(dir, 'refuse.topology.yaml');
    writeFileSync(file, topology(ports, 'continue'));
    // PoC Server X is SIPp here: it answers the BYE of Figure 16 step 8 with 500.
    const peer = sipp(dir, 'refuse-bye-uas.xml', ports, 1, 0, ports.serverX);
    const run = RunProcess.start(cli.bin, [
      '--topology',
      file,
      '--roles',
      'PoC Server A',
      '--status',
    ]);
    try {
      await run.waitFor('ready', (p) => p.stderr.includes('ready: 1 participant(s)'));
      expect(run.stderr).not.toContain('listening: serverX');
      const client = sipp(dir, 'poc-client-leave-uac.xml', ports, 1, 100);
      const [c, x] = [await client.exit, await peer.exit];
      expect(c.code, c.output).toBe(0);
      expect(x.code, x.output).toBe(0);
      await run.waitFor('the deviation', (p) =>
        p.stderr.includes(
          'error: serverA: BYE: FlowStepError: poc.leave.on-demand step 11: expected 200, got 500',
        ),
      );
      await run.waitFor('an idle status line', idle);
      expect(run.running).toBe(true);
      expect(await run.stop('SIGTERM')).toBe(0);
      expect(run.stderr).toMatch(
        /SIGTERM: stopping; sessions=0 dialogs=0 transactions=0 .* \| errors 1/,
      );
    } finally {
      peer.kill();
      await run.stop('SIGKILL');
    }
  });

  it('rejects --roles naming a participant the topology does not start', async () => {
    const ports = await freePorts();
    const file = join(dir, 'roles.topology.yaml');
    writeFileSync(file, topology(ports, 'continue'));
    const run = RunProcess.start(cli.bin, ['--topology', file, '--roles', 'serverA,coreA']);
    expect(await run.exited).toBe(2);
    expect(run.stderr).toContain('--roles serverA,coreA: coreA not under "run:"');
  });

  it('rejects a status interval that is not a positive number', async () => {
    const ports = await freePorts();
    const file = join(dir, 'interval.topology.yaml');
    writeFileSync(file, topology(ports, 'continue'));
    const run = RunProcess.start(cli.bin, ['--topology', file, '--status-interval', 'often']);
    expect(await run.exited).toBe(2);
    expect(run.stderr).toContain('--status-interval often: a number of seconds above 0');
  });

  it('rejects a bad topology with its place, before binding anything', async () => {
    const file = join(dir, 'bad.topology.yaml');
    writeFileSync(
      file,
      'participants:\n  serverA: 127.0.0.1:5070\nrun:\n  serverA: { role: poc-server }\n',
    );
    const run = RunProcess.start(cli.bin, ['--topology', file]);
    expect(await run.exited).toBe(2);
    expect(run.stderr).toContain(
      `flowspec: ${file}:4:20: run.serverA: no generated role "poc-server"`,
    );
    expect(run.stderr).not.toContain('listening');
  });
});
