/** Lint: what a careful reviewer of the seed documents flags, on curated flows and drafts. */
export { LINT_RULES } from './lint-rules.js';
export type { LintRule, LintRuleInfo } from './lint-rules.js';
export { LintContext, exclusive } from './lint-context.js';
export type { LintFinding, PlacedStep } from './lint-context.js';
export { lintFlow, lintPaths, lintPeers } from './lint-flow.js';
export type { LintPeers } from './lint-flow.js';
export {
  figureRefs,
  identityTokens,
  labelKey,
  labelsAgree,
  labelsIn,
  normalizeTitle,
  parseTitleHop,
  requestTargets,
  residueIn,
  sameIdentity,
  sentenceEnds,
  statusIssues,
  unbracketedUri,
  uriWhitespace,
} from './text-patterns.js';
export type { FigureRef, SentenceEnds, TextIssue, TitleHop } from './text-patterns.js';
