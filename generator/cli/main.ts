/**
 * The `flowspec` command line. Every command lives here; each loads what it
 * needs lazily so start-up stays fast for scripts.
 *
 * Exit codes: 0 success, 1 findings of severity error (or a failed check),
 * 2 usage or I/O errors.
 */
import { Command, CommanderError, Option } from 'commander';
import { FINDING_FORMATS, type FindingFormat } from './output.js';

import { UsageError } from './usage-error.js';

export { UsageError };

interface Io {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
  errIsTTY?: boolean;
}

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  errIsTTY: Boolean(process.stderr.isTTY),
};

/** Options of `flowspec run`, as the launcher reads them. */
interface RunCommandOptions {
  readonly topology: string;
  readonly roles?: string;
  readonly status?: boolean;
  readonly statusInterval?: string;
  readonly quiet?: boolean;
  readonly commands?: boolean;
}

/** The launcher module's entry (launcher/run-command.ts), typed here without importing it. */
interface LauncherModule {
  runLauncher(options: RunCommandOptions, io: Io): Promise<number>;
}

function program(io: Io, setExit: (code: number) => void): Command {
  const cmd = new Command('flowspec')
    .description('Typed telecom call flows: validate, lint, generate, diff.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  cmd
    .command('validate')
    .description(
      'Check flow files: YAML, schema and semantic rules. Exit 1 when any finding is an error.',
    )
    .argument('<paths...>', 'flow files or folders (folders: every *.flow.yaml inside)')
    .addOption(
      new Option('--format <format>', 'output format').choices(FINDING_FORMATS).default('text'),
    )
    .action(async (paths: string[], opts: { format: FindingFormat }) => {
      const { runValidate } = await import('./validate-command.js');
      setExit(await runValidate(paths, opts.format, io));
    });

  cmd
    .command('lint')
    .description(
      'Review flows as a careful reader of the seeds would: sentences vs hops, malformed values, spellings, ranges, cross-references, contradictions. Exit 1 when any finding is an error.',
    )
    .argument('<paths...>', 'flow files or folders (folders: every *.flow.yaml inside)')
    .addOption(
      new Option('--format <format>', 'output format').choices(FINDING_FORMATS).default('text'),
    )
    .action(async (paths: string[], opts: { format: FindingFormat }) => {
      const { runLint } = await import('./lint-command.js');
      setExit(await runLint(paths, opts.format, io));
    });

  cmd
    .command('import-text')
    .description(
      'Read OMA/3GPP contribution text (figure step lists, numbered procedures) and write draft flows; report findings about the text. Exit 1 when any finding is an error.',
    )
    .argument('<seed>', 'the text file')
    .option('--out <dir>', 'folder for the draft flow files (default: drafts/<seed name>)')
    .addOption(
      new Option('--format <format>', 'output format').choices(FINDING_FORMATS).default('text'),
    )
    .action(async (seed: string, opts: { out?: string; format: FindingFormat }) => {
      const { runImportText } = await import('./import-command.js');
      setExit(await runImportText(seed, opts, io));
    });

  cmd
    .command('diff')
    .description(
      'Check a capture (pcap or pcapng) against a flow. Exit 0 when every instance conforms, 1 when any deviates, 2 on unusable input.',
    )
    .argument('<flow>', 'the flow file')
    .argument('<capture>', 'the capture file (pcap or pcapng)')
    .option(
      '--map <file>',
      'YAML: participants: { <id or label>: "ip" | "ip:port" | "[ipv6]:port" }; without it the mapping is inferred',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'junit'])
        .default('text'),
    )
    .option('--out <file>', 'write the report to a file')
    .option(
      '--idle <seconds>',
      'capture seconds after which an unfinished instance is given up (default 300)',
    )
    .option(
      '--in-flight <sessions>',
      'instances of the flow kept open unfinished at most: past it the oldest is finished early, its missing steps reported (default 10000)',
    )
    .option(
      '--all-instances',
      'list every passing instance (default: the first 1000; failing ones are always listed)',
    )
    .option(
      '--fact <name=value>',
      "a fact of the case a value's when: reads (policy.allowOfflineStorage=true); repeatable, over the map's policies:",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(
      async (
        flow: string,
        capture: string,
        opts: {
          map?: string;
          format: 'text' | 'json' | 'junit';
          out?: string;
          allInstances?: boolean;
          idle?: string;
          inFlight?: string;
          fact?: string[];
        },
      ) => {
        const { runDiff } = await import('./diff-command.js');
        setExit(await runDiff(flow, capture, opts, io));
      },
    );

  cmd
    .command('ladder')
    .description(
      'Draw a capture as a draft flow: participants from addresses, steps from messages, dialogs grouped.',
    )
    .argument('<capture>', 'the capture file (pcap or pcapng)')
    .option('--out <file>', 'write the flow to a file instead of standard output')
    .option(
      '--map-out <file>',
      'also write the participant addresses as a map for `flowspec diff --map`',
    )
    .option('--max-steps <n>', 'steps written at most (default 500)')
    .option('--call-id <id...>', 'only these Call-IDs')
    .action(
      async (
        capture: string,
        opts: { out?: string; mapOut?: string; maxSteps?: string; callId?: string[] },
      ) => {
        const { runLadder } = await import('./ladder-command.js');
        setExit(await runLadder(capture, opts, io));
      },
    );

  cmd
    .command('generate')
    .description(
      'Project the flows onto their roles and write generated/: one handler module per role and one vitest file per runnable flow. With --check, write nothing and exit 1 when generated/ is stale.',
    )
    .option('--flows <dir>', 'folder of flow files', 'flows')
    .option('--out <dir>', 'output folder', 'generated')
    .option('--check', 'exit 1 when the output folder differs from what would be generated')
    .action(async (opts: { flows: string; out: string; check?: boolean }) => {
      const { runGenerate } = await import('./generate-command.js');
      setExit(await runGenerate(opts, io));
    });

  cmd
    .command('schema')
    .description('Print the flow JSON Schema (the one published at schema/flow.schema.json).')
    .option('--out <file>', 'write it to a file instead of standard output')
    .option('--check <file>', 'exit 1 when the file differs from the schema (CI freshness check)')
    .action(async (opts: { out?: string; check?: string }) => {
      const { runSchema } = await import('./schema-command.js');
      setExit(await runSchema(opts, io));
    });

  cmd
    .command('export-sipp')
    .description(
      'Write a SIPp scenario that plays one participant of a flow (its part of the establishing flows first). Exit 2 on an unknown or idle participant.',
    )
    .argument('<flow>', 'the flow file')
    .requiredOption('--participant <label>', 'participant id or figure label to play')
    .option('--peer <label>', 'keep only the messages exchanged with this participant')
    .option('--out <file>', 'write the scenario to a file instead of standard output')
    .option(
      '--alt <step=n>',
      'alt operand to play, 1-based (STEP or FLOW:STEP; repeatable); default the first',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option(
      '--without-opt <step>',
      'leave out this opt fragment (STEP or FLOW:STEP; repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .action(
      async (
        flow: string,
        opts: {
          participant: string;
          peer?: string;
          out?: string;
          alt?: string[];
          withoutOpt?: string[];
        },
      ) => {
        const { runExportSipp } = await import('./export-sipp-command.js');
        setExit(await runExportSipp(flow, opts, io));
      },
    );

  cmd
    .command('run')
    .description(
      'Start participants of a topology (the diff map with roles, proxies, served users and policies) as SIP servers: one line per message, live counts, graceful stop on SIGINT/SIGTERM. Exit 0 after a signal, 2 for a bad topology.',
    )
    .requiredOption('--topology <file>', 'the topology file (docs/run.md)')
    .option(
      '--roles <ids>',
      'comma-separated participant ids or labels to start (default: all under "run:")',
    )
    .option('--status', 'print the status line even when standard error is not a terminal')
    .option('--status-interval <seconds>', 'seconds between status lines (default 1)')
    .option('--quiet', 'no line per message')
    .option(
      '--commands',
      'after "ready:", read commands from standard input: call <participant> <entry> [call-id=<Call-ID>] [to=<participant>], status, help',
    )
    .action(async (opts: RunCommandOptions) => {
      // docs/adr/0005-run-command-dispatch.md: the launcher imports generated/, which the generator
      // may not; it is found next to this module's build output at run time, never imported statically.
      const url = new URL('../../launcher/run-command.js', import.meta.url);
      const launcher = (await import(url.href).catch((e: unknown) => {
        throw new UsageError(
          `run: cannot load the launcher ${url.pathname} (${(e as Error).message}); run \`npm run build\``,
        );
      })) as LauncherModule;
      setExit(await launcher.runLauncher(opts, io));
    });

  return cmd;
}

/** Runs the CLI on arguments (without node and script); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const cmd = program(io, (c) => {
    code = c;
  });
  try {
    await cmd.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every other parse problem is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.err(`flowspec: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    if (err.name === 'FlowPathError' || err.name === 'FlowReadError') {
      io.err(`flowspec: ${err.message}\n`);
      return 2;
    }
    throw e;
  }
}
