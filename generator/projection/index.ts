/** Projection of flows onto participants, and the merged handler spec of each role. */
export {
  baseParticipant,
  messageLabel,
  originOf,
  projectFlow,
  projectFlowAll,
  sentHeadersOf,
} from './project-flow.js';
export type { FlowResolver } from './project-flow.js';
export { describeEvent, mergeRoles, reactionsOf, triggerKey } from './merge-roles.js';
export { formatProjection, formatRoleSpec } from './format-projection.js';
export { ContradictionError, ProjectionError } from './projection-errors.js';
export type { ConflictSide } from './projection-errors.js';
export { indexFlowSteps, sessionOf } from './step-context.js';
export type { FlowSteps, RawGuard, StepContext } from './step-context.js';
export type * from './local-types.js';
