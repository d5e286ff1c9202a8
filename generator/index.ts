/** The generator's public surface: the flow model, loading, validation and ordering. */
export { FlowSchema, STEP_KEYS } from './model/flow-schema.js';
export type { FlowDocument, StepDocument, StepKind, ValueDocument } from './model/flow-schema.js';
export type * from './model/flow-model.js';
export { flowJsonSchema, flowJsonSchemaText, SCHEMA_PATH } from './model/json-schema.js';
export {
  ACTIONS,
  DIALOG_PATHS,
  GUARD_VARIABLES,
  MBCP_MESSAGES,
  MODES,
  ROLES,
  SIP_METHODS,
  SIP_REASONS,
} from './model/vocabulary.js';
export type { ActionName, MbcpMessageName, Mode, Role, SipMethod } from './model/vocabulary.js';
export { checkGuard, parseGuard } from './model/guard.js';
export { parseDerivation } from './model/derivation.js';
export { ExpressionError } from './model/expression-lexer.js';
export { FlowReadError, loadFlowFile, loadFlowText } from './load/load-flow.js';
export type { LoadedFlow } from './load/load-flow.js';
export { validateFlow, VALIDATION_RULES } from './validate/validate-flow.js';
export { computeOrder } from './order/happens-before.js';
export type { FlowEvent, OrderOptions, PartialOrder } from './order/happens-before.js';
export { FlowPathError, loadFlowSet, validatePaths } from './project/flow-set.js';
export { compareFindings, hasErrors } from './findings/finding.js';
export type { Finding, Severity } from './findings/finding.js';
