/**
 * `flowspec run --commands`: lines on standard input that call the started
 * participants' entry points from outside the process (a network internal
 * indication such as the S-CSCF's release, TS 24.229 5.4.5.1.2; a PoC
 * Client leaving, OMA PoC Figure 16 step 1). One command a line:
 *
 * - `call <participant> <entry> [call-id=<Call-ID>] [to=<participant>]`
 * - `status`: the status line, then each participant's state and actions
 * - `help`: the commands and each participant's entry points
 *
 * Every answer goes to standard error; a bad command gets an `error:` line
 * naming what is known, never an exit.
 */
import type { EntryOptions } from '../generated/roles/index.js';
import type { Launcher, RunningParticipant } from './launcher.js';
import type { Topology } from './topology.js';

/** A parsed `call` command. */
export interface CallCommand {
  readonly kind: 'call';
  readonly participant: string;
  readonly entry: string;
  readonly callId?: string;
  /** The participant whose address gives the Request-URI. */
  readonly to?: string;
}

/** A parsed command line. */
export type RunCommand =
  | CallCommand
  | { readonly kind: 'status' }
  | { readonly kind: 'help' }
  | { readonly kind: 'empty' };

/** A command line that does not parse, with the reason. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

const CALL_USAGE = 'call <participant> <entry> [call-id=<Call-ID>] [to=<participant>]';

/** The commands, as `help` lists them. */
export const COMMAND_USAGE = [CALL_USAGE, 'status', 'help'] as const;

/** Parses one command line; throws {@link CommandError} naming what is wrong. */
export function parseCommand(line: string): RunCommand {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const [verb, ...args] = words;
  if (verb === undefined || verb.startsWith('#')) return { kind: 'empty' };
  if (verb === 'status' || verb === 'help') {
    if (args.length > 0) throw new CommandError(`${verb} takes no arguments`);
    return { kind: verb };
  }
  if (verb !== 'call')
    throw new CommandError(`unknown command "${verb}" (commands: ${COMMAND_USAGE.join('; ')})`);
  const [participant, entry, ...rest] = args;
  if (participant === undefined || entry === undefined)
    throw new CommandError(`call needs a participant and an entry point: ${CALL_USAGE}`);
  let callId: string | undefined;
  let to: string | undefined;
  for (const arg of rest) {
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq) : '';
    const value = arg.slice(eq + 1);
    if (value === '' || (key !== 'call-id' && key !== 'to'))
      throw new CommandError(`call: "${arg}" is not call-id=<Call-ID> or to=<participant>`);
    if ((key === 'call-id' ? callId : to) !== undefined)
      throw new CommandError(`call: ${key}= given twice`);
    if (key === 'call-id') callId = value;
    else to = value;
  }
  return {
    kind: 'call',
    participant,
    entry,
    ...(callId !== undefined ? { callId } : {}),
    ...(to !== undefined ? { to } : {}),
  };
}

/** Runs parsed commands against the started participants of a topology. */
export class CommandRunner {
  constructor(
    private readonly launcher: Launcher,
    private readonly topology: Topology,
    private readonly err: (s: string) => void,
    /** The status line with the error count, as the run prints it. */
    private readonly statusText: () => string,
    /** Told of an entry point that ended in an error (counted with the flow deviations). */
    private readonly onEntryError: () => void,
  ) {}

  /** Runs one command line; resolves once it is answered (a call: once its responses are in). */
  async run(line: string): Promise<void> {
    let command: RunCommand;
    try {
      command = parseCommand(line);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      this.err(`error: ${e.message}\n`);
      return;
    }
    switch (command.kind) {
      case 'empty':
        return;
      case 'help':
        this.err(`commands: ${COMMAND_USAGE.join('; ')}\n`);
        for (const p of this.launcher.participants)
          this.err(`  ${p.spec.id}: ${p.role.entryPoints.join(', ') || '(no entry point)'}\n`);
        return;
      case 'status': {
        this.err(`status: ${this.statusText()}\n`);
        const states = this.launcher.states();
        this.launcher.participants.forEach((p, i) => {
          const actions = p.role.actions();
          this.err(`  ${states[i] ?? p.spec.id} | actions ${actions.join(' ') || '-'}\n`);
        });
        return;
      }
      case 'call':
        return this.call(command);
    }
  }

  private participant(name: string): RunningParticipant | undefined {
    const id = this.idOf(name);
    return this.launcher.participants.find((p) => p.spec.id === id);
  }

  /** A participant id, or the id of a figure label of the topology's flow. */
  private idOf(name: string): string {
    for (const p of this.topology.flow?.participants.values() ?? [])
      if (p.label === name) return p.id;
    return name;
  }

  /** `sip:<user>@<address>:<port>` of a topology participant (its user when started here, else its id). */
  private requestUri(name: string): string | undefined {
    const id = this.idOf(name);
    const address = this.topology.addresses.get(id)?.[0];
    if (!address) return undefined;
    const user = this.topology.run.find((r) => r.id === id)?.user ?? id.replace(/\W/g, '');
    const host = address.ip.includes(':') ? `[${address.ip}]` : address.ip;
    // RFC 3261 19.1.2: no port written means 5060 for sip: over UDP.
    return `sip:${user}@${host}:${address.port ?? 5060}`;
  }

  private async call(c: CallCommand): Promise<void> {
    const p = this.participant(c.participant);
    if (!p) {
      const known = this.launcher.participants.map((q) => q.spec.id).join(', ');
      this.err(
        `error: ${c.participant}: ${c.entry}: no participant "${c.participant}" runs here (participants: ${known})\n`,
      );
      return;
    }
    const id = p.spec.id;
    if (!p.role.entryPoints.includes(c.entry)) {
      this.err(
        `error: ${id}: ${c.entry}: ${p.spec.role} has no entry point "${c.entry}" (entry points: ${p.role.entryPoints.join(', ') || 'none'})\n`,
      );
      return;
    }
    let requestUri: string | undefined;
    if (c.to !== undefined) {
      requestUri = this.requestUri(c.to);
      if (requestUri === undefined) {
        const known = [...this.topology.addresses.keys()].join(', ');
        this.err(
          `error: ${id}: ${c.entry}: to=${c.to}: not a participant of ${this.topology.file} (participants: ${known})\n`,
        );
        return;
      }
    }
    const options: EntryOptions = {
      ...(c.callId !== undefined ? { callId: c.callId } : {}),
      ...(requestUri !== undefined ? { target: { requestUri } } : {}),
    };
    try {
      const outcome = await p.role.call(c.entry, options);
      const statuses = outcome.responses.map((r) => ` ${r.status}`).join('');
      const callId = outcome.dialog?.id.callId;
      this.err(
        `result: ${id} ${c.entry}${statuses}${callId !== undefined ? ` call-id=${callId}` : ''}\n`,
      );
    } catch (e) {
      this.onEntryError();
      const error = e instanceof Error ? e : new Error(String(e));
      this.err(`error: ${id}: ${c.entry}: ${error.name}: ${error.message}\n`);
    }
  }
}
