/** import-text: contribution text in, draft flows and findings about the text out. */
export { importJson, importText, importTextFile } from './import-text.js';
export type { ImportResult, ImportedFlow } from './import-text.js';
export { readFigures, seedLines } from './figure-text.js';
export type { RawFigure, RawHeader, RawStep, SeedLine } from './figure-text.js';
export { readProcedures } from './procedure-text.js';
export type { EmptyBlock, NumberingGap, RawItem, RawProcedure } from './procedure-text.js';
export { draftFigure, messageOf } from './draft-figure.js';
export type { Draft } from './draft-figure.js';
export { draftProcedure } from './draft-procedure.js';
export { HopGraph } from './hop-inference.js';
export type { Hop, HopRelations } from './hop-inference.js';
export { ParticipantTable, guessRole, idFromLabel } from './participants.js';
export type { DraftParticipant } from './participants.js';
