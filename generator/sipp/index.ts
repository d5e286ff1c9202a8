/** Export of a flow participant as a SIPp scenario. */
export {
  exportSipp,
  findParticipant,
  findParticipantOrThrow,
  parseAltChoice,
} from './export-sipp.js';
export type { ExportSippOptions, SippScenario } from './export-sipp.js';
export { IdleParticipantError, SippExportError, UnknownParticipantError } from './export-errors.js';
export type { PathChoices, PathDecision } from './path-selection.js';
