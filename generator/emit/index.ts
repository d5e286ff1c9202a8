/** The ts-morph emitters: role modules, generated tests, and the generate/check pipeline. */
export {
  GenerateError,
  generateFiles,
  generateOutput,
  loadForGeneration,
  roleSpecs,
  staleFiles,
  writeGenerated,
} from './generate-files.js';
export type { GeneratedFile, GeneratedOutput } from './generate-files.js';
export { planRole } from './role-plan.js';
export type { Branch, Entry, Fact, Handler, RolePlan, TableRow } from './role-plan.js';
export { roleModule } from './role-module.js';
export { supportModule } from './support-module.js';
export {
  flowScenarios,
  flowTestSet,
  flowTests,
  harnessModule,
  untestedLine,
} from './flow-tests.js';
export type { FlowTestFile, FlowTestSet, UntestedFlow } from './flow-tests.js';
export { planScenario } from './scenario-plan.js';
export type { CallPlan, CasePlan, ScenarioPlan } from './scenario-plan.js';
export { compileReaction, cite } from './reaction-body.js';
export type { BodyMode, Compiled, CoreKind } from './reaction-body.js';
export { guardCode, guardExpression, evaluateGuard, guardVariablesOf } from './guard-code.js';
export { entryName, flowFileName, roleNames } from './role-catalog.js';
export type { RoleNames } from './role-catalog.js';
export { formatTypeScript, printSource, printStructure } from './print-source.js';
export { block, body, comment, line, writeStmts } from './code-block.js';
export type { Stmt } from './code-block.js';
export { previewFlow } from './preview.js';
