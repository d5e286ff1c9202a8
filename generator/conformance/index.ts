/** The conformance engine: observed traffic checked against a flow. */
export { addressMatches, AddressMapError, formatAddress, parseAddress } from './address-map.js';
export { parseAddressMap, parseMapFile, readAddressMap } from './map-file.js';
export type { AddressSpec, WireEndpoint } from './address-map.js';
export { checkConformance, ConformanceChecker } from './engine.js';
export type { ConformanceOptions } from './engine.js';
export { describeType, expandFlow } from './expected.js';
export type { ExpectedFlow, ExpectedMessage, FragmentContext } from './expected.js';
export { DIFF_FORMATS, reportJson, reportJunit, reportText } from './format.js';
export type { DiffFormat } from './format.js';
export { observedFromIngest, seconds, summarize } from './observed.js';
export type { ObservedMessage, ObservedTime } from './observed.js';
export type * from './report.js';
export type { FieldDiff } from './values.js';
