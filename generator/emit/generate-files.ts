/**
 * The generator end to end: flows in, the files of generated/ out (one
 * module per role, the support module, one test per runnable flow), and the
 * freshness check CI runs.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { hasErrors } from '../findings/finding.js';
import type { Flow } from '../model/flow-model.js';
import { loadFlowSet } from '../project/flow-set.js';
import { mergeRoles } from '../projection/merge-roles.js';
import type { RoleSpec } from '../projection/local-types.js';
import { validateFlow } from '../validate/validate-flow.js';
import { isLocalRole, localRoleModule, planLocalRole } from './local-role.js';
import { printSource } from './print-source.js';
import { roleModule } from './role-module.js';
import { planRole } from './role-plan.js';
import { rolesIndex, supportModule } from './support-module.js';
import { flowTestSet, type UntestedFlow } from './flow-tests.js';

/** A generated file, its path relative to the output folder. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** Flows that do not load or validate: nothing is generated from them. */
export class GenerateError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`cannot generate:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'GenerateError';
  }
}

/** Loads and validates the flows of a folder; throws {@link GenerateError} on errors. */
export async function loadForGeneration(
  flowsDir: string,
): Promise<{ flows: Flow[]; resolve: (id: string) => Flow | undefined }> {
  const set = await loadFlowSet([flowsDir]);
  const problems: string[] = [];
  const flows: Flow[] = [];
  for (const l of set.requested) {
    const findings = [
      ...l.findings,
      ...(l.flow ? validateFlow(l.flow, (id) => set.index.get(id)) : []),
    ];
    if (hasErrors(findings) || !l.flow) {
      for (const f of findings.filter((x) => x.severity === 'error'))
        problems.push(`${f.file}:${f.line}:${f.column}: ${f.message}`);
      if (!l.flow) problems.push(`${l.file}: does not load`);
      continue;
    }
    flows.push(l.flow);
  }
  if (problems.length > 0) throw new GenerateError(problems);
  return { flows, resolve: (id) => set.index.get(id) };
}

/** The role specs of a set of flows (projection and merge). */
export function roleSpecs(
  flows: readonly Flow[],
  resolve: (id: string) => Flow | undefined,
): RoleSpec[] {
  return mergeRoles(flows, resolve);
}

/** What one generation makes: the files, and the seed flows left without a generated test. */
export interface GeneratedOutput {
  /** Every file of generated/, in path order. */
  readonly files: GeneratedFile[];
  /** Seed flows with no generated test, each with why (for one line each on stderr). */
  readonly untested: readonly UntestedFlow[];
}

/** Every file of generated/, in path order. */
export async function generateFiles(
  flows: readonly Flow[],
  resolve: (id: string) => Flow | undefined,
): Promise<GeneratedFile[]> {
  return (await generateOutput(flows, resolve)).files;
}

/** Every file of generated/, and the seed flows that get no test with the reason. */
export async function generateOutput(
  flows: readonly Flow[],
  resolve: (id: string) => Flow | undefined,
): Promise<GeneratedOutput> {
  const specs = roleSpecs(flows, resolve);
  // A participant reached only by indications of the others is a local role (no SIP endpoint).
  const all = specs.map(planRole);
  const plans = all.filter((p) => p.local !== true);
  const locals = specs.filter(isLocalRole).map(planLocalRole);
  const files: GeneratedFile[] = [];
  files.push({
    path: 'roles/role-support.ts',
    text: await printSource('generated/roles/role-support.ts', supportModule()),
  });
  for (const plan of plans) {
    const path = `roles/${plan.names.file}.ts`;
    files.push({ path, text: await printSource(`generated/${path}`, roleModule(plan)) });
  }
  for (const plan of locals) {
    const path = `roles/${plan.names.file}.ts`;
    files.push({ path, text: await printSource(`generated/${path}`, localRoleModule(plan)) });
  }
  files.push({
    path: 'roles/index.ts',
    text: await printSource('generated/roles/index.ts', rolesIndex(plans, locals)),
  });
  const tests = flowTestSet(flows, resolve, all);
  for (const t of tests.files) {
    files.push({ path: t.path, text: await printSource(`generated/${t.path}`, t.structure) });
  }
  return { files: files.sort((a, b) => a.path.localeCompare(b.path)), untested: tests.untested };
}

async function listTs(dir: string, base: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await listTs(p, base, out);
    else if (e.name.endsWith('.ts')) out.push(relative(base, p).split('\\').join('/'));
  }
}

/** Files under `outDir` that differ from `files`, are missing, or would no longer be generated. */
export async function staleFiles(
  outDir: string,
  files: readonly GeneratedFile[],
): Promise<string[]> {
  const stale: string[] = [];
  for (const f of files) {
    let current: string | undefined;
    try {
      current = await readFile(join(outDir, f.path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== f.text) stale.push(f.path);
  }
  const present: string[] = [];
  await listTs(join(outDir, 'roles'), outDir, present);
  await listTs(join(outDir, 'tests'), outDir, present);
  const wanted = new Set(files.map((f) => f.path));
  for (const p of present) if (!wanted.has(p)) stale.push(p);
  return stale.sort();
}

/** Writes the files that changed and removes the ones no longer generated; returns their paths. */
export async function writeGenerated(
  outDir: string,
  files: readonly GeneratedFile[],
): Promise<string[]> {
  const changed = await staleFiles(outDir, files);
  const wanted = new Map(files.map((f) => [f.path, f.text]));
  for (const p of changed) {
    const text = wanted.get(p);
    if (text === undefined) {
      // A file this generator wrote before and no longer produces.
      await rm(join(outDir, p), { force: true });
      continue;
    }
    await mkdir(dirname(join(outDir, p)), { recursive: true });
    await writeFile(join(outDir, p), text);
  }
  return changed;
}
