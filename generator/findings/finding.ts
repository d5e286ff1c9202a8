/**
 * Findings: what validation, lint, import and diff report. Every finding has
 * a rule id, a severity and a location in a file (1-based line and column).
 */

/** How bad a finding is: errors fail `flowspec validate` (exit 1). */
export type Severity = 'error' | 'warning' | 'info';

/** One finding. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  /** Step id the finding is about, when there is one. */
  readonly step?: string;
  /** Source document, figure and clause, when known (lint and import findings). */
  readonly document?: string;
  readonly figure?: string;
  readonly clause?: string;
}

/** Order findings by file, line, column, then rule, so output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

/** True when any finding is an error. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
