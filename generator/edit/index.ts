/** Editing flow files: text-preserving edits of the YAML, saving, and model -> YAML. */
export { editableFlow, FlowEditError, type EditableFlow, type EditPath } from './flow-text.js';
export { deleteNode, setValue } from './node-edits.js';
export { flowToYaml, type FlowToYamlOptions } from './render.js';
export { renameParticipant } from './rename-participant.js';
export { saveFlowText, updateFlowText } from './save-flow.js';
export { insertStep, moveStep, wrapSteps, type WrapFragment } from './step-edits.js';
