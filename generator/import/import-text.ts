/**
 * `import-text`: reads contribution text, writes draft flows, and reports what
 * is wrong with the text. The drafts are loaded like any flow and linted; each
 * lint finding is moved back to the seed line that shows it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Document } from 'yaml';
import { compareFindings, type Finding } from '../findings/finding.js';
import { lintFlow, lintPeers } from '../lint/lint-flow.js';
import type { LintFinding } from '../lint/lint-context.js';
import { FlowReadError, loadFlowText } from '../load/load-flow.js';
import type { Flow, Step } from '../model/flow-model.js';
import { childSteps } from '../load/normalize.js';
import { draftFigure, type Draft } from './draft-figure.js';
import { draftProcedure } from './draft-procedure.js';
import { readFigures, seedLines, type SeedLine } from './figure-text.js';
import { readProcedures } from './procedure-text.js';
import {
  headerColonFindings,
  numberingFindings,
  seedFinding,
  type SeedRef,
} from './seed-findings.js';

/** One draft written by the import. */
export interface ImportedFlow {
  readonly id: string;
  /** Path of the draft file (under the output folder). */
  readonly file: string;
  /** Number of steps with an id (the spec's numbered steps and items), at any depth. */
  readonly steps: number;
  readonly yaml: string;
  readonly flow: Flow | undefined;
}

/** What an import gives: the drafts and the findings about the text. */
export interface ImportResult {
  readonly flows: readonly ImportedFlow[];
  readonly findings: readonly Finding[];
}

/** Counts the steps with an id, inside fragments too. */
function numberedSteps(flow: Flow | undefined): number {
  const count = (steps: readonly Step[]): number =>
    steps.reduce(
      (n, s) => n + (s.hasId ? 1 : 0) + childSteps(s).reduce((m, c) => m + count(c), 0),
      0,
    );
  return flow ? count(flow.steps) : 0;
}

/** Key order of a draft step, as a reviewer reads it: what, who, then the spec's words. */
const STEP_KEYS = ['id', 'title', 'state', 'action', 'at', 'yields', 'relays', 'answers', 'after'];

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.some(([k]) => k === 'id' || k === 'par')) {
    return Object.fromEntries(entries.map(([k, v]) => [k, ordered(v)]));
  }
  const rank = (k: string): number => {
    const i = STEP_KEYS.indexOf(k);
    return i >= 0 ? i : k === 'text' || k === 'source' || k === 'note' ? 100 : 50;
  };
  return Object.fromEntries(
    entries.sort(([a], [b]) => rank(a) - rank(b)).map(([k, v]) => [k, ordered(v)]),
  );
}

/** Renders a draft document as YAML with a header that says what it is. */
function draftYaml(d: Draft, seedFile: string): string {
  const doc = new Document({ ...d.doc, steps: ordered(d.doc.steps) });
  doc.commentBefore = ` DRAFT imported by flowspec import-text from ${basename(seedFile)}: review before use.`;
  return doc.toString({ lineWidth: 0 });
}

/** Finds the seed line that shows a lint finding: the evidence in the step's lines, else the step's first line. */
function locate(
  f: LintFinding,
  d: Draft,
  lines: readonly SeedLine[],
): { line: number; column: number } {
  const range = f.step !== undefined ? d.lines.get(f.step) : undefined;
  if (!range) return { line: d.line, column: 1 };
  if (f.evidence !== undefined && f.evidence !== '') {
    const ev = f.evidence.toLowerCase();
    // Sentence rules look past the heading first: the heading names the same labels.
    const order = [...Array(range.end - range.start + 1).keys()].map((k) => range.start + k);
    if (f.rule.startsWith('text-') && order.length > 1) order.push(order.shift() ?? range.start);
    for (const n of order) {
      const at = (lines[n - 1]?.text ?? '').toLowerCase().indexOf(ev);
      if (at >= 0) return { line: n, column: at + 1 };
    }
  }
  return { line: range.start, column: 1 };
}

/** Imports seed text: drafts (not written) and findings located in the seed. */
export function importText(text: string, seedFile: string, outDir: string): ImportResult {
  const document = basename(seedFile);
  const seed: SeedRef = { file: seedFile, document };
  const docTag =
    /^(\d{3})_/.exec(document)?.[1] ??
    document
      .replace(/\.[^.]*$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-');
  const lines = seedLines(text);
  const figures = readFigures(lines);
  const procedures = readProcedures(lines);
  const drafts: Draft[] = [
    // A figure without a message step gives no flow (a flow needs participants and steps).
    ...figures
      .map((f) => draftFigure(f, document, docTag))
      .filter((d) => Object.keys(d.doc.participants).length > 0 && d.doc.steps.length > 0),
    ...procedures
      .filter((p) => p.items.length > 0 || p.paragraphs.length > 0)
      .map((p) => draftProcedure(p, document, docTag)),
  ];

  const findings: Finding[] = [
    ...headerColonFindings(seed, figures),
    ...numberingFindings(seed, procedures),
  ];
  const flows: ImportedFlow[] = drafts.map((d) => {
    const yaml = draftYaml(d, seedFile);
    const file = join(outDir, d.name);
    const loaded = loadFlowText(yaml, file);
    for (const f of loaded.findings.filter((x) => x.severity === 'error')) {
      findings.push(
        seedFinding(seed, 'schema', `the draft does not load: ${f.message}`, d.line, {
          ...(d.figure !== undefined ? { figure: d.figure } : {}),
          ...(d.clause !== undefined ? { clause: d.clause } : {}),
        }),
      );
    }
    return { id: d.doc.id, file, steps: numberedSteps(loaded.flow), yaml, flow: loaded.flow };
  });

  const loadedFlows = flows.flatMap((f) => (f.flow ? [f.flow] : []));
  const peers = lintPeers(loadedFlows);
  drafts.forEach((d, i) => {
    const flow = flows[i]?.flow;
    if (!flow) return;
    for (const f of lintFlow(flow, peers)) {
      const at = locate(f, d, lines);
      findings.push({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        file: seedFile,
        line: at.line,
        column: at.column,
        document,
        ...(f.step !== undefined ? { step: f.step } : {}),
        ...(d.figure !== undefined ? { figure: d.figure } : {}),
        ...(d.clause !== undefined ? { clause: d.clause } : {}),
      });
    }
  });
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.rule}|${f.line}|${f.step ?? ''}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { flows, findings: unique.sort(compareFindings) };
}

/** Reads a seed file, imports it and writes the drafts to `outDir`. */
export async function importTextFile(seedFile: string, outDir: string): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(seedFile, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FlowReadError(seedFile, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  const result = importText(text, seedFile, outDir);
  try {
    await mkdir(outDir, { recursive: true });
    for (const f of result.flows) await writeFile(f.file, f.yaml, 'utf8');
  } catch (e) {
    throw new FlowReadError(outDir, (e as Error).message);
  }
  return result;
}

/** The JSON report: `{"flows":[{"id","file","steps"}],"findings":[...]}`. */
export function importJson(result: ImportResult): string {
  return `${JSON.stringify(
    {
      flows: result.flows.map((f) => ({ id: f.id, file: f.file, steps: f.steps })),
      findings: result.findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        document: f.document ?? null,
        figure: f.figure ?? null,
        clause: f.clause ?? null,
        step: f.step ?? null,
        line: f.line,
      })),
    },
    null,
    2,
  )}\n`;
}
