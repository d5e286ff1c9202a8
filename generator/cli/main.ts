/**
 * The `flowspec` command line. Every command lives here; each loads what it
 * needs lazily so start-up stays fast for scripts.
 *
 * Exit codes: 0 success, 1 findings of severity error (or a failed check),
 * 2 usage or I/O errors.
 */
import { Command, CommanderError, Option } from 'commander';
import { FINDING_FORMATS, type FindingFormat } from './output.js';

/** A command failed for a reason the user must fix (bad path, unreadable file): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Io {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
}

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
};

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
    .command('schema')
    .description('Print the flow JSON Schema (the one published at schema/flow.schema.json).')
    .option('--out <file>', 'write it to a file instead of standard output')
    .option('--check <file>', 'exit 1 when the file differs from the schema (CI freshness check)')
    .action(async (opts: { out?: string; check?: string }) => {
      const { runSchema } = await import('./schema-command.js');
      setExit(await runSchema(opts, io));
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
