export { compareFindings, hasErrors } from './finding.js';
export type { Finding, Severity } from './finding.js';
