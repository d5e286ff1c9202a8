/**
 * `flowspec run --commands` (issue 8): the compiled CLI as a child process
 * takes command lines on standard input after `ready:` and calls the started
 * participants' entry points. Two generated UEs on 127.0.0.1: the calling
 * UE's `establishSession` (ims.establish.session step 1, an INVITE to the
 * Request-URI `to=` names) is answered 200 by the called UE (steps 2-4);
 * every bad command gets an `error:` line naming what is known, and the
 * servers keep running, also after standard input closes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, parseCommand } from '../../launcher/run-commands.js';
import { entryPointsOf, getCatalogRole } from '../../launcher/role-catalog.js';
import { SCSCF_REACTIONS, UE_REACTIONS } from '../../generated/roles/index.js';
import { freeUdpPort } from '../sipp/sipp-runner.js';
import { buildRunCli, RunProcess, type BuiltRun } from './run-process.js';

describe('command lines of flowspec run --commands', () => {
  it('parses call with its optional call-id= and to=', () => {
    expect(parseCommand('  call scscf scscfReleaseCalling call-id=a@b to=ueB ')).toEqual({
      kind: 'call',
      participant: 'scscf',
      entry: 'scscfReleaseCalling',
      callId: 'a@b',
      to: 'ueB',
    });
    expect(parseCommand('status')).toEqual({ kind: 'status' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
    expect(parseCommand('')).toEqual({ kind: 'empty' });
    expect(parseCommand('# a comment')).toEqual({ kind: 'empty' });
  });

  it.each([
    ['release scscf', 'unknown command "release" (commands: call <participant> <entry>'],
    ['call scscf', 'call needs a participant and an entry point'],
    ['call scscf x via=p', 'call: "via=p" is not call-id=<Call-ID> or to=<participant>'],
    ['call scscf x to=', 'call: "to=" is not call-id=<Call-ID> or to=<participant>'],
    ['call scscf x to=a to=b', 'call: to= given twice'],
    ['status now', 'status takes no arguments'],
  ])('rejects %j: %s', (line, message) => {
    expect(() => parseCommand(line)).toThrow(CommandError);
    expect(() => parseCommand(line)).toThrow(message);
  });

  it('finds the entry points of a reactions table that the role has as methods, not its request handlers', () => {
    const scscf = { scscfReleaseCalling: () => 0, scscfReleaseCalled: () => 0 };
    expect(entryPointsOf(scscf, SCSCF_REACTIONS)).toEqual([
      'scscfReleaseCalled',
      'scscfReleaseCalling',
    ]);
    // onInvite answers a received INVITE (ims.establish.session step 2): not an entry point.
    const ue = { establishSession: () => 0, onInvite: () => 0, onBye: () => 0 };
    expect(entryPointsOf(ue, UE_REACTIONS)).toEqual(['establishSession']);
    // A row whose method the class does not have (a proxy variant) is left out.
    expect(entryPointsOf({}, SCSCF_REACTIONS)).toEqual([]);
  });

  it('gives each started catalog role its entry points (the S-CSCF: both releases)', async () => {
    const role = await getCatalogRole('s-cscf')?.start({
      label: 'scscf',
      address: '127.0.0.1',
      port: 0,
      onTrace: () => undefined,
      onFailure: () => undefined,
      timers: {},
      aor: 'sip:scscf@127.0.0.1',
      user: 'scscf',
      servedUsers: [],
      route: [],
      facts: {},
    });
    try {
      expect(role?.entryPoints).toEqual(['scscfReleaseCalled', 'scscfReleaseCalling']);
      // No session stored: the release has no dialog to act on (TS 24.229 5.4.5.1.2).
      await expect(role?.call('scscfReleaseCalling', {})).rejects.toThrow(/dialog/);
      await expect(role?.call('onInvite', {})).rejects.toThrow(
        'no entry point onInvite (entry points: scscfReleaseCalled, scscfReleaseCalling)',
      );
    } finally {
      await role?.close();
    }
  });
});

describe('flowspec run --commands as a child process', () => {
  let cli: BuiltRun;
  let dir: string;

  beforeAll(() => {
    cli = buildRunCli();
    dir = mkdtempSync(join(tmpdir(), 'flowspec-run-commands-'));
  }, 120_000);

  afterAll(() => {
    cli.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls an entry point end to end, answers bad commands with precise errors and keeps running after standard input closes', async () => {
    const [a, b] = [await freeUdpPort(), await freeUdpPort()];
    const file = join(dir, 'ues.topology.yaml');
    writeFileSync(
      file,
      [
        'participants:',
        `  ueA: 127.0.0.1:${a}`,
        `  ueB: 127.0.0.1:${b}`,
        '  elsewhere: 127.0.0.9',
        'run:',
        '  ueA: { role: ue, user: alice }',
        '  ueB: { role: ue, user: bob }',
        'timers: { t1: 40, t2: 320, t4: 400 }',
        '',
      ].join('\n'),
    );
    const run = RunProcess.start(cli.bin, ['--topology', file, '--commands'], true);
    try {
      await run.waitFor('ready', (p) => p.stderr.includes('ready: 2 participant(s)'));
      /** Writes a command; resolves with its answer line (once the line `until` starts has come too). */
      const answer = async (line: string, prefix: string, until = prefix): Promise<string> => {
        const before = run.stderr.length;
        run.write(line);
        const lines = (): string[] => run.stderr.slice(before).split('\n');
        await run.waitFor(`the answer to "${line}"`, () =>
          lines().some((l) => l.startsWith(until)),
        );
        return lines().find((l) => l.startsWith(prefix)) ?? '';
      };
      expect(await answer('help', 'commands:', '  ueB:')).toBe(
        'commands: call <participant> <entry> [call-id=<Call-ID>] [to=<participant>]; status; help',
      );
      expect(run.stderr).toContain('  ueA: establishSession\n');
      expect(await answer('call ueC establishSession', 'error:')).toBe(
        'error: ueC: establishSession: no participant "ueC" runs here (participants: ueA, ueB)',
      );
      expect(await answer('call ueA leave', 'error:')).toBe(
        'error: ueA: leave: ue has no entry point "leave" (entry points: establishSession)',
      );
      expect(await answer('call ueA establishSession to=ueZ', 'error:')).toBe(
        `error: ueA: establishSession: to=ueZ: not a participant of ${file} (participants: ueA, ueB, elsewhere)`,
      );
      expect(await answer('dial ueB', 'error:')).toMatch(/^error: unknown command "dial"/);
      // Without to= the UE has nowhere to send its INVITE: the entry point's own error.
      expect(await answer('call ueA establishSession', 'error:')).toBe(
        'error: ueA: establishSession: Error: Ue: an INVITE needs options.target',
      );
      const result = await answer('call ueA establishSession to=ueB', 'result:');
      expect(result).toMatch(/^result: ueA establishSession 200 call-id=\S+$/);
      const callId = result.split('call-id=')[1] ?? '';
      // The INVITE went to bob at ueB's address, and ueB answered it.
      expect(run.stdout).toMatch(
        new RegExp(
          `ueA -> udp 127\\.0\\.0\\.1:${b} INVITE sip:bob@127\\.0\\.0\\.1:${b} \\| Call-ID ${callId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} CSeq`,
        ),
      );
      expect(run.stdout).toMatch(new RegExp(`ueB -> udp 127\\.0\\.0\\.1:${a} 200 OK`));
      const before = run.stderr.length;
      // The failed establishSession counts as an error; both UEs hold the dialog.
      expect(await answer('status', 'status:', '  ueB:')).toMatch(
        /^status: sessions=\d+ dialogs=2 transactions=\d+ \| messages in \d+ out \d+ \| errors 1$/,
      );
      expect(run.stderr.slice(before)).toMatch(
        /\n {2}ueA: dialogs=1 transactions=\d+ sessions=\d+ \| actions -\n {2}ueB: dialogs=1 /,
      );
      run.endInput();
      await run.waitFor('standard input closed', (p) =>
        p.stderr.includes('commands: standard input closed; running until SIGINT or SIGTERM'),
      );
      expect(run.running).toBe(true);
      expect(await run.stop('SIGTERM')).toBe(0);
      expect(run.stderr).toContain('stopped: sockets closed');
    } finally {
      await run.stop('SIGKILL');
    }
  });
});
