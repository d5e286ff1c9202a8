export { computeOrder } from './happens-before.js';
export type { FlowEvent, OrderOptions, PartialOrder } from './happens-before.js';
