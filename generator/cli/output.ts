/** Writing findings for people (text) and for tools (JSON). */
import type { Finding } from '../findings/finding.js';

/** Output formats of commands that report findings. */
export const FINDING_FORMATS = ['text', 'json'] as const;
/** A finding output format. */
export type FindingFormat = (typeof FINDING_FORMATS)[number];

/** `file:line:column: severity rule: message (step N)`, one per line, then a summary. */
export function findingsText(findings: readonly Finding[], files: number, color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines = findings.map((f) => {
    const sev =
      f.severity === 'error'
        ? paint('31', 'error')
        : f.severity === 'warning'
          ? paint('33', 'warning')
          : paint('36', 'info');
    const where = [f.document, f.figure && `figure ${f.figure}`, f.clause && `clause ${f.clause}`]
      .filter(Boolean)
      .join(', ');
    const step =
      f.step !== undefined
        ? ` (step ${f.step}${where ? `; ${where}` : ''})`
        : where
          ? ` (${where})`
          : '';
    return `${f.file}:${f.line}:${f.column}: ${sev} ${paint('2', f.rule)}: ${f.message}${step}`;
  });
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const summary = `${files} file${files === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return `${[...lines, summary].join('\n')}\n`;
}

/** `{"findings":[{"rule","severity","message","file","line","column","step"}]}` plus optional keys where known. */
export function findingsJson(findings: readonly Finding[]): string {
  return `${JSON.stringify(
    {
      findings: findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        file: f.file,
        line: f.line,
        column: f.column,
        step: f.step ?? null,
        ...(f.document !== undefined ? { document: f.document } : {}),
        ...(f.figure !== undefined ? { figure: f.figure } : {}),
        ...(f.clause !== undefined ? { clause: f.clause } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}
