/**
 * The editor's live preview: the role modules one flow gives on its own,
 * printed by ts-morph without the prettier pass (which `generate` adds), so
 * a warm regeneration stays well under the editor's budget.
 */
import type { Flow } from '../model/flow-model.js';
import { mergeRoles } from '../projection/merge-roles.js';
import type { FlowResolver } from '../projection/project-flow.js';
import type { GeneratedFile } from './generate-files.js';
import { isLocalRole, localRoleModule, planLocalRole } from './local-role.js';
import { printStructure } from './print-source.js';
import { roleModule } from './role-module.js';
import { planRole } from './role-plan.js';

/** The role modules of one flow, unformatted. */
export function previewFlow(flow: Flow, resolve: FlowResolver): GeneratedFile[] {
  return mergeRoles([flow], resolve).map((spec) => {
    if (isLocalRole(spec)) {
      const local = planLocalRole(spec);
      const path = `roles/${local.names.file}.ts`;
      return { path, text: printStructure(`generated/${path}`, localRoleModule(local)) };
    }
    const plan = planRole(spec);
    const path = `roles/${plan.names.file}.ts`;
    return { path, text: printStructure(`generated/${path}`, roleModule(plan)) };
  });
}
