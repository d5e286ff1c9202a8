/**
 * Loading a flow file: YAML with source positions (the yaml Document API),
 * schema check with located findings, then normalisation into the model.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Finding } from '../findings/finding.js';
import type { Flow } from '../model/flow-model.js';
import type { FlowDocument } from '../model/flow-schema.js';
import { normalizeFlow } from './normalize.js';
import { checkSchema } from './schema-check.js';
import { locate } from './yaml-location.js';

/** A loaded flow file: its text, its YAML document, and the model when it could be built. */
export interface LoadedFlow {
  readonly file: string;
  readonly text: string;
  readonly document: Document;
  readonly lineCounter: LineCounter;
  /** The model; undefined when the YAML or the schema check failed. */
  readonly flow: Flow | undefined;
  /** YAML, schema and normalisation findings. */
  readonly findings: readonly Finding[];
}

/** A flow file that could not be read at all. */
export class FlowReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'FlowReadError';
  }
}

/** Parses and checks flow text. Never throws for bad content: problems are findings. */
export function loadFlowText(text: string, file: string): LoadedFlow {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const findings: Finding[] = [];
  for (const e of [...document.errors, ...document.warnings]) {
    const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    findings.push({
      rule: 'yaml-syntax',
      severity: document.errors.includes(e as never) ? 'error' : 'warning',
      message: firstLine(e.message),
      file,
      line: pos.line,
      column: pos.col,
    });
  }
  if (document.errors.length > 0)
    return { file, text, document, lineCounter, flow: undefined, findings };

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (e) {
    findings.push({
      rule: 'yaml-syntax',
      severity: 'error',
      message: (e as Error).message,
      file,
      line: 1,
      column: 1,
    });
    return { file, text, document, lineCounter, flow: undefined, findings };
  }
  if (data === null || data === undefined) {
    findings.push({
      rule: 'schema',
      severity: 'error',
      message: 'the file is empty; a flow needs id, title, participants and steps',
      file,
      line: 1,
      column: 1,
    });
    return { file, text, document, lineCounter, flow: undefined, findings };
  }
  const problems = checkSchema(data);
  for (const p of problems) {
    const l = locate(document, lineCounter, file, p.path, p.atKey);
    findings.push({
      rule: 'schema',
      severity: 'error',
      message: p.message,
      file,
      line: l.line,
      column: l.column,
      ...stepIdAt(data, p.path),
    });
  }
  if (problems.length > 0) return { file, text, document, lineCounter, flow: undefined, findings };

  const { flow, findings: normal } = normalizeFlow(
    data as FlowDocument,
    document,
    lineCounter,
    file,
  );
  findings.push(...normal);
  return { file, text, document, lineCounter, flow, findings };
}

/** Reads and loads a flow file; throws {@link FlowReadError} when it cannot be read. */
export async function loadFlowFile(file: string): Promise<LoadedFlow> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FlowReadError(file, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  return loadFlowText(text, file);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** The id of the innermost step on a path, for findings. */
function stepIdAt(data: unknown, path: readonly (string | number)[]): { step?: string } {
  let node: unknown = data;
  let id: string | undefined;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string | number, unknown>)[path[i] as string | number];
    const parentKey = path[i - 1];
    if (
      typeof path[i] === 'number' &&
      (parentKey === 'steps' || typeof parentKey === 'number') &&
      node &&
      typeof node === 'object'
    ) {
      const sid = (node as Record<string, unknown>)['id'];
      if (typeof sid === 'string' || typeof sid === 'number') id = String(sid);
    }
  }
  return id === undefined ? {} : { step: id };
}
