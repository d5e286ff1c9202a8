/** `flowspec ladder <capture> [--out FILE] [--map-out FILE] [--max-steps N] [--call-id ID...]`. */
import { stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ingestCapture } from '../capture/index.js';
import { ladderFromTrace } from '../conformance/ladder.js';
import { observedFromIngest, type ObservedMessage } from '../conformance/observed.js';
import { flowToYaml } from '../edit/render.js';
import { UsageError } from './usage-error.js';

/** Options of the ladder command. */
export interface LadderCommandOptions {
  readonly out?: string;
  readonly mapOut?: string;
  readonly maxSteps?: string;
  readonly callId?: string[];
}

/** Writes a capture as a draft flow; returns the exit code. */
export async function runLadder(
  capture: string,
  opts: LadderCommandOptions,
  io: { out(s: string): void; err(s: string): void },
): Promise<number> {
  try {
    if (!(await stat(capture)).isFile()) throw new UsageError(`${capture} is not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${capture}: no such file`);
  }
  const maxSteps = opts.maxSteps === undefined ? 500 : Number(opts.maxSteps);
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    throw new UsageError(`--max-steps takes a positive whole number, not ${opts.maxSteps}`);
  const ingest = ingestCapture(capture);
  const messages: ObservedMessage[] = [];
  for await (const e of ingest) {
    const o = observedFromIngest(e);
    if (o) messages.push(o);
    if (messages.length > maxSteps * 4) break;
  }
  if (ingest.counts.captureErrors > 0 && ingest.stats.packets === 0) {
    throw new UsageError(
      `${capture}: ${ingest.findings.find((f) => f.kind === 'capture-error')?.reason ?? 'not a capture'}`,
    );
  }
  if (ingest.counts.parseErrors > 0) {
    const first = ingest.findings.find((f) => f.kind === 'sip-parse-error');
    io.err(
      `${capture}: ${ingest.counts.parseErrors} SIP message(s) did not parse and are left out (first: frame ${first?.frame ?? '?'}: ${first?.reason ?? ''})\n`,
    );
  }
  const name = basename(capture).replace(/\.(pcapng|pcap|cap)$/i, '');
  const id = `ladder.${
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'capture'
  }`;
  const ladder = ladderFromTrace(messages, {
    id: /^ladder\.[a-z]/.test(id) ? id : `ladder.c-${id.slice(7)}`,
    title: `Ladder of ${basename(capture)}`,
    capture: basename(capture),
    maxSteps,
    ...(opts.callId && opts.callId.length > 0 ? { callIds: new Set(opts.callId) } : {}),
  });
  // Point the editor at the project's schema when there is one (VS Code completion).
  const schemaFile = resolve('schema/flow.schema.json');
  const schema = existsSync(schemaFile)
    ? relative(dirname(resolve(opts.out ?? 'x')), schemaFile)
    : undefined;
  const text = flowToYaml(ladder.flow, schema === undefined ? {} : { schema });
  if (opts.out !== undefined) {
    await writeFile(opts.out, text);
    io.err(
      `wrote ${opts.out}: ${ladder.flow.steps.length} steps, ${Object.keys(ladder.flow.participants).length} participants${ladder.omitted ? `, ${ladder.omitted} messages left out (--max-steps)` : ''}\n`,
    );
  } else io.out(text);
  if (opts.mapOut !== undefined) {
    await writeFile(opts.mapOut, stringify({ participants: ladder.map }));
    io.err(`wrote ${opts.mapOut}\n`);
  }
  return 0;
}
