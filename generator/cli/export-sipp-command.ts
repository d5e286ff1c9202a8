/**
 * `flowspec export-sipp <flow> --participant LABEL [--peer LABEL] [--out FILE]
 * [--alt STEP=N ...] [--without-opt STEP ...]`: writes a SIPp scenario that
 * plays one participant of the flow. Exit 0 on success, 2 on a usage error
 * (unknown participant, a participant with nothing to play, a bad choice).
 */
import { writeFile } from 'node:fs/promises';
import { exportSipp, parseAltChoice, SippExportError } from '../sipp/index.js';
import { loadValidFlow } from './load-valid-flow.js';
import { UsageError } from './usage-error.js';

/** Options of the export-sipp command. */
export interface ExportSippCommandOptions {
  readonly participant: string;
  readonly peer?: string;
  readonly out?: string;
  readonly alt?: readonly string[];
  readonly withoutOpt?: readonly string[];
}

interface Io {
  out(s: string): void;
  err(s: string): void;
}

/** Runs the export; returns the exit code. */
export async function runExportSipp(
  flowPath: string,
  opts: ExportSippCommandOptions,
  io: Io,
): Promise<number> {
  const { flow, resolve } = await loadValidFlow(flowPath, io);
  try {
    const alt = new Map((opts.alt ?? []).map(parseAltChoice));
    const scenario = exportSipp(flow, resolve, {
      participant: opts.participant,
      ...(opts.peer !== undefined ? { peer: opts.peer } : {}),
      alt,
      withoutOpt: new Set(opts.withoutOpt ?? []),
    });
    if (opts.out !== undefined) {
      try {
        await writeFile(opts.out, scenario.xml);
      } catch (e) {
        throw new UsageError(`cannot write ${opts.out}: ${(e as Error).message}`);
      }
      io.err(
        `wrote ${opts.out}: ${scenario.participant.label} as ${scenario.mode.toUpperCase()} (peers: ${
          scenario.peers.join(', ') || 'none'
        })\n`,
      );
    } else {
      io.out(scenario.xml);
    }
    return 0;
  } catch (e) {
    if (e instanceof SippExportError) throw new UsageError(e.message);
    throw e;
  }
}
