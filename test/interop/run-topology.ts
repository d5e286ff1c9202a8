/**
 * Topology files for `flowspec run` in the interop runs: written into the
 * run's artifact dir with the run's own addresses, kept there, and used
 * both to start the generated servers and as the `flowspec diff --map` of
 * the capture (docs/run.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from './harness/index.js';

/** What a topology file holds (docs/run.md). */
export interface TopologySpec {
  /** Absolute path of the flow the ids come from. */
  readonly flow: string;
  /** Participant id -> "ip:port". */
  readonly participants: Readonly<Record<string, string>>;
  /** Participant id -> how `flowspec run` starts it. */
  readonly run: Readonly<
    Record<
      string,
      {
        readonly outbound?: readonly string[];
        readonly nextHop?: string;
        readonly served?: readonly string[];
      }
    >
  >;
  readonly policies?: Readonly<Record<string, string | boolean | number>>;
  readonly timers?: { readonly t1?: number; readonly t2?: number; readonly t4?: number };
}

/** Writes a topology file; returns its path. */
export function writeTopology(file: string, spec: TopologySpec, comment: string): string {
  writeFileSync(file, `# ${comment}\n${stringify(spec)}`);
  return file;
}

/**
 * Writes a shipped example topology (topologies/NAME) moved into the run's
 * address block: the example's 127.x.y prefix replaced by `prefix` (host
 * numbers kept), its flow path made absolute, `extra` YAML appended (timers).
 * So the interop runs start from the very files users are shown.
 */
export function topologyFromExample(
  example: string,
  file: string,
  prefix: string,
  extra: string,
): string {
  const path = join(REPO_ROOT, 'topologies', example);
  const text = readFileSync(path, 'utf8');
  const from = /^participants:\n\s+\w+: (127\.\d+\.\d+)\.\d+/m.exec(text)?.[1];
  if (from === undefined) throw new Error(`${path}: no 127.x.y address under participants:`);
  const moved = text
    .replaceAll(`${from}.`, `${prefix}.`)
    .replace(
      /^flow: (.+)$/m,
      (_, flow: string) => `flow: ${resolve(REPO_ROOT, 'topologies', flow)}`,
    );
  writeFileSync(file, `# ${example} moved to ${prefix}.0/24 for this run\n${moved}${extra}\n`);
  return file;
}
