/** Runs the CLI in-process with captured output (shared by the lint and import-text CLI tests). */
import { run } from '../../generator/cli/main.js';

/** The exit code and what the CLI printed. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    isTTY: false,
  });
  return { code, out, err };
}
