/**
 * `flowspec diff` of an interop capture, text and JSON, with the reports and
 * the one-line findings (diff-findings.ts) kept next to the capture. The
 * kept text has the run's address block written as `127.A.B`, the
 * repository's path left out and any further run-specific text replaced, so
 * that reports compare across runs and quote well in docs/interop.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from '../../generator/conformance/index.js';
import { diffFindings } from './diff-findings.js';
import { REPO_ROOT, runFlowspec } from './harness/index.js';

/** What to diff and where to keep it. */
export interface CaptureDiffOptions {
  /** The run's artifact dir. */
  readonly dir: string;
  readonly capture: string;
  /** The flow file, relative to the repository. */
  readonly flow: string;
  /** The address map or topology (`--map`). */
  readonly map: string;
  /** Names the kept files: diff-<label>.txt, diff-<label>.json, findings-<label>.txt. */
  readonly label: string;
  /** The run's 127.x.y prefix. */
  readonly prefix: string;
  /** Further run-specific text and what it is written as (an ephemeral port). */
  readonly replace?: readonly (readonly [string, string])[];
}

/** A diff's outcome: both exit codes (they must agree), the JSON report, the findings, the text report. */
export interface CaptureDiff {
  readonly exitCode: number;
  readonly jsonExitCode: number;
  readonly report: ConformanceReport;
  readonly findings: string[];
  /** The text report as kept, then standard error. */
  readonly text: string;
}

/** Runs `flowspec diff FLOW CAPTURE --map MAP` as text and as JSON and keeps both. */
export async function diffCapture(o: CaptureDiffOptions): Promise<CaptureDiff> {
  const args = ['diff', join(REPO_ROOT, o.flow), o.capture, '--map', o.map];
  const text = await runFlowspec(args);
  const json = await runFlowspec([...args, '--format', 'json']);
  const anonymous = (t: string): string =>
    (o.replace ?? [])
      .reduce((s, [from, to]) => s.replaceAll(from, to), t.replaceAll(`${REPO_ROOT}/`, ''))
      .replaceAll(`${o.prefix}.`, '127.A.B.');
  const kept = anonymous(text.stdout);
  writeFileSync(join(o.dir, `diff-${o.label}.txt`), kept);
  writeFileSync(join(o.dir, `diff-${o.label}.json`), json.stdout);
  const report = JSON.parse(json.stdout) as ConformanceReport;
  const findings = diffFindings(report, anonymous);
  writeFileSync(join(o.dir, `findings-${o.label}.txt`), `${findings.join('\n')}\n`);
  return {
    exitCode: text.exitCode,
    jsonExitCode: json.exitCode,
    report,
    findings,
    text: `${kept}${text.stderr}`,
  };
}
