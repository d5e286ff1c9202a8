/** `flowspec schema [--out FILE] [--check FILE]`. */
import { readFile, writeFile } from 'node:fs/promises';
import { flowJsonSchemaText } from '../model/json-schema.js';

/** Prints, writes or checks the published JSON Schema; returns the exit code. */
export async function runSchema(
  opts: { out?: string; check?: string },
  io: { out(s: string): void; err(s: string): void },
): Promise<number> {
  const text = flowJsonSchemaText();
  if (opts.check !== undefined) {
    let current: string;
    try {
      current = await readFile(opts.check, 'utf8');
    } catch {
      io.err(`flowspec: ${opts.check} is missing; run \`npm run schema\`\n`);
      return 1;
    }
    if (current !== text) {
      io.err(`flowspec: ${opts.check} is stale; run \`npm run schema\`\n`);
      return 1;
    }
    io.out(`${opts.check} is up to date\n`);
    return 0;
  }
  if (opts.out !== undefined) {
    await writeFile(opts.out, text);
    io.out(`wrote ${opts.out}\n`);
    return 0;
  }
  io.out(text);
  return 0;
}
