/**
 * The generated tests: one vitest file per flow that has a runnable
 * scenario, the role starters every test uses, and the scenario harness
 * (a fixed module kept as a template and printed through ts-morph).
 */
import { StructureKind, type SourceFileStructure, type StatementStructures } from 'ts-morph';
import type { Flow } from '../model/flow-model.js';
import type { FlowResolver } from '../projection/project-flow.js';
import { flowFileName } from './role-catalog.js';
import type { RolePlan } from './role-plan.js';
import { templateModule } from './template-module.js';
import { planScenario, type CasePlan, type ScenarioPlan } from './scenario-plan.js';

/** A generated test file. */
export interface FlowTestFile {
  readonly path: string;
  readonly structure: SourceFileStructure;
}

/** The harness module, parsed from its template into a structure. */
export function harnessModule(): SourceFileStructure {
  return templateModule('scenario-harness.ts');
}

function startersModule(plans: readonly RolePlan[]): SourceFileStructure {
  const runnable = plans.filter((p) => p.local !== true);
  const locals = plans.filter((p) => p.local === true);
  const statements: StatementStructures[] = runnable.map((p) => ({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: `../roles/${p.names.file}.js`,
    namedImports: p.hasProxyMode
      ? [p.names.className, `${p.names.className}Proxy`]
      : [p.names.className],
  }));
  for (const p of locals) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `../roles/${p.names.file}.js`,
      namedImports: [p.names.className],
    });
  }
  statements.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: './scenario-harness.js',
    namedImports: [
      { name: 'LocalRoleStarter', isTypeOnly: true },
      { name: 'RoleStarter', isTypeOnly: true },
    ],
  });
  statements.push({
    kind: StructureKind.Function,
    isExported: true,
    isAsync: true,
    name: 'startRole',
    docs: ['Starts a generated role by its catalog name with a scenario configuration.'],
    parameters: [
      { name: 'role', type: 'string' },
      { name: 'c', type: 'Parameters<RoleStarter>[1]' },
    ],
    returnType: 'ReturnType<RoleStarter>',
    statements: (w) => {
      w.writeLine(
        'const base = { label: c.label, address: c.address, ...(c.transports ? { transports: c.transports } : {}), timers: c.timers, onTrace: c.onTrace, ...(c.onMbcp ? { onMbcp: c.onMbcp } : {}) };',
      );
      w.write('switch (role)').block(() => {
        for (const p of runnable) {
          const facts =
            (p.facts.length > 0 ? `, facts: c.facts as ${p.names.configName}['facts']` : '') +
            (p.variantFlows.length > 0 ? ', variants: c.variants' : '');
          w.writeLine(`case '${p.spec.role}':`);
          // The local roles this one gives indications to, by their configuration field.
          const peers = p.localPeers
            .map(
              (x) =>
                `, ...(c.locals?.['${x.peerField}'] ? { ${x.peerField}: c.locals['${x.peerField}'] } : {})`,
            )
            .join('');
          if (p.kind === 'ua') {
            const served = p.usesOrigin ? ', servedUsers: c.servedUsers' : '';
            w.indent()
              .write(
                `return ${p.names.className}.start({ ...base, aor: c.aor, user: c.user${served}${facts} });`,
              )
              .newLine();
          } else if (p.kind === 'b2bua') {
            if (p.hasProxyMode) {
              w.indent()
                .write(
                  `if (c.mode === 'proxy') return ${p.names.className}Proxy.start({ ...base${facts} });`,
                )
                .newLine();
            }
            w.indent()
              .write(
                `return ${p.names.className}.start({ ...base${p.usesOrigin ? ', servedUsers: c.servedUsers' : ''}, ...(c.outboundTarget ? { outboundProxy: c.outboundTarget } : {}), ...(c.nextProxy !== undefined ? { nextProxy: c.nextProxy } : {}), ...(c.nextHop !== undefined ? { nextHop: c.nextHop } : {}), ...(c.legTargets !== undefined ? { legTargets: c.legTargets } : {})${facts}${peers} });`,
              )
              .newLine();
          } else {
            w.indent().write(`return ${p.names.className}.start({ ...base${facts} });`).newLine();
          }
        }
        w.writeLine('default:');
        w.indent().write('throw new Error(`no generated role ${role}`);').newLine();
      });
    },
  });
  statements.push({
    kind: StructureKind.Function,
    isExported: true,
    isAsync: true,
    name: 'startLocalRole',
    docs: [
      'Starts a generated local role (a participant reached only by indications) by its catalog name.',
    ],
    parameters: [
      { name: 'role', type: 'string' },
      { name: 'c', type: 'Parameters<LocalRoleStarter>[1]' },
    ],
    returnType: 'ReturnType<LocalRoleStarter>',
    statements: (w) => {
      w.write('switch (role)').block(() => {
        for (const p of locals) {
          w.writeLine(`case '${p.spec.role}':`).block(() => {
            // A Message Storage in the scenario's JSON-lines file (OMA CPM Appendix C).
            w.writeLine(
              `const local = await ${p.names.className}.start({ label: c.label, file: c.file });`,
            );
            w.writeLine(
              `return { field: '${p.names.peerField}', peer: local, actions: local.actions, stored: (uid) => local.store.get(uid), count: () => local.store.count(), close: () => local.close() };`,
            );
          });
        }
        w.writeLine('default:');
        w.indent().write('throw new Error(`no generated local role ${role}`);').newLine();
      });
    },
  });
  // Config types are needed for the facts casts.
  for (const p of runnable.filter((x) => x.facts.length > 0)) {
    const imp = statements.find(
      (s) =>
        s.kind === StructureKind.ImportDeclaration &&
        s.moduleSpecifier === `../roles/${p.names.file}.js`,
    );
    if (imp && imp.kind === StructureKind.ImportDeclaration && Array.isArray(imp.namedImports)) {
      imp.namedImports.push({ name: p.names.configName, isTypeOnly: true });
    }
  }
  return {
    kind: StructureKind.SourceFile,
    leadingTrivia:
      '/** Role starters for the generated scenarios. Generated by `flowspec generate`; do not edit. */\n',
    statements,
  };
}

/** The pcap of a flow's case (`-2`, `-3` ... after the first; `-tcp` for the run over TCP). */
function pcapOf(flow: Flow, index: number, suffix = ''): string {
  return `test-output/generated/${flowFileName(flow.id)}${index === 0 ? '' : `-${index + 1}`}${suffix}.pcap`;
}

function scenarioOf(flow: Flow, c: CasePlan, index: number): Record<string, unknown> {
  return {
    flowFile: flow.file.split('\\').join('/'),
    roles: c.roles,
    outbound: c.outbound,
    served: c.served,
    nextHop: c.nextHop,
    ...(Object.keys(c.legs).length > 0 ? { legs: c.legs } : {}),
    establish: c.establish,
    trigger: c.trigger,
    teardown: c.teardown,
    actions: c.actions,
    facts: c.facts,
    ...(c.variants.length > 0 ? { variants: c.variants } : {}),
    ...(c.headers.length > 0 ? { headers: c.headers } : {}),
    pcap: pcapOf(flow, index),
  };
}

/**
 * The scenarios of a flow's cases split into what they share (written once,
 * as `shared`) and what each case sets.
 */
function splitScenarios(
  flow: Flow,
  cases: readonly CasePlan[],
): { shared: Record<string, unknown>; own: Record<string, unknown>[] } {
  const all = cases.map((c, i) => scenarioOf(flow, c, i));
  const first = all[0] ?? {};
  const shared: Record<string, unknown> = {};
  for (const key of Object.keys(first)) {
    const text = JSON.stringify(first[key]);
    if (all.every((s) => JSON.stringify(s[key]) === text)) shared[key] = first[key];
  }
  const own = all.map((s) => Object.fromEntries(Object.entries(s).filter(([k]) => !(k in shared))));
  return { shared, own };
}

function testModule(s: ScenarioPlan): SourceFileStructure {
  const flow = s.flow;
  const src = flow.source;
  const where = [
    src?.spec,
    src?.clause !== undefined ? `clause ${src.clause}` : undefined,
    src?.figure !== undefined ? `Figure ${src.figure}` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
  const lines = [
    `${flow.title} (${flow.id}, ${flow.file}${where ? `; ${where}` : ''}): every role of the flow`,
    'on 127.0.0.1 UDP (the first case also over TCP) with the generated handlers, the precondition',
    'built by real signalling, the trace checked by the conformance engine and written as a pcap,',
    'and no state left behind.',
    'Generated by `flowspec generate`; do not edit.',
  ];
  if (s.skipped.length > 0) {
    lines.push('', 'Cases not generated (the generated roles cannot run them yet):');
    for (const k of s.skipped) lines.push(`- ${k}`);
  }
  return {
    kind: StructureKind.SourceFile,
    leadingTrivia: `/**\n${lines.map((l) => (l ? ` * ${l}` : ' *')).join('\n')}\n */\n`,
    statements: [
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: 'vitest',
        namedImports: ['describe', 'it'],
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: './scenario-harness.js',
        namedImports: ['checkScenario', 'SCENARIO_TIMEOUT_MS'],
      },
      (w) => {
        w.write(`describe(${JSON.stringify(`${flow.id}: ${flow.title}`)}, () =>`)
          .inlineBlock(() => {
            const { shared, own } = splitScenarios(flow, s.cases);
            w.writeLine(`const shared = ${JSON.stringify(shared, null, 2)};`);
            for (const [index, c] of s.cases.entries()) {
              const fields = JSON.stringify(own[index] ?? {}, null, 2)
                .slice(1, -1)
                .trim();
              const scenario = `{ ...shared${fields ? `, ${fields}` : ''} }`;
              // The first case is named: its run over TCP below differs only in transport and pcap.
              if (index === 0) w.writeLine(`const first = ${scenario};`);
              w.writeLine(
                `it(${JSON.stringify(c.name)}, () => checkScenario(${index === 0 ? 'first' : scenario}), SCENARIO_TIMEOUT_MS);`,
              );
            }
            // RFC 3261 18: the first case again with every role reached over TCP.
            const first = s.cases[0];
            if (first) {
              w.writeLine(
                `it(${JSON.stringify(`${first.name}, over TCP`)}, () => checkScenario({ ...first, transport: 'tcp', pcap: ${JSON.stringify(pcapOf(flow, 0, '-tcp'))} }), SCENARIO_TIMEOUT_MS);`,
              );
            }
          })
          .write(');')
          .newLine();
      },
    ],
  };
}

/** A seed flow that gets no generated test, and why (the first reason its scenario gives). */
export interface UntestedFlow {
  readonly flow: string;
  readonly file: string;
  readonly reason: string;
  /** Every case left out, with its reason. */
  readonly skipped: readonly string[];
}

/** The test files of a flow set, and the seed flows left without one. */
export interface FlowTestSet {
  readonly files: readonly FlowTestFile[];
  readonly untested: readonly UntestedFlow[];
}

/**
 * Test files for the flows that have a runnable scenario, plus the starters
 * and the harness; and the seed flows that got none, with why.
 */
export function flowTestSet(
  flows: readonly Flow[],
  resolve: FlowResolver,
  plans: readonly RolePlan[],
): FlowTestSet {
  const files: FlowTestFile[] = [];
  const untested: UntestedFlow[] = [];
  for (const s of flowScenarios(flows, resolve, plans)) {
    if (s.cases.length === 0) {
      untested.push({
        flow: s.flow.id,
        file: s.flow.file.split('\\').join('/'),
        reason: s.skipped[0] ?? 'no case the generated roles can run',
        skipped: s.skipped,
      });
      continue;
    }
    files.push({ path: `tests/${flowFileName(s.flow.id)}.test.ts`, structure: testModule(s) });
  }
  if (files.length > 0) {
    files.push({ path: 'tests/role-starters.ts', structure: startersModule(plans) });
    files.push({ path: 'tests/scenario-harness.ts', structure: harnessModule() });
  }
  return { files, untested };
}

/** Test files for the flows that have a runnable scenario, plus the starters and the harness. */
export function flowTests(
  flows: readonly Flow[],
  resolve: FlowResolver,
  plans: readonly RolePlan[],
): FlowTestFile[] {
  return [...flowTestSet(flows, resolve, plans).files];
}

/** `flow (file): no generated test: reason`, one line for the user. */
export function untestedLine(u: UntestedFlow): string {
  return `${u.flow} (${u.file}): no generated test: ${u.reason}`;
}

/** The scenarios of every seed flow, runnable or not (for reports and docs). */
export function flowScenarios(
  flows: readonly Flow[],
  resolve: FlowResolver,
  plans: readonly RolePlan[],
): ScenarioPlan[] {
  return flows.filter((f) => f.origin === 'seed').map((f) => planScenario(f, resolve, plans));
}
