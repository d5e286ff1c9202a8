/**
 * Findings only the text itself shows (a draft no longer has them): header
 * names without their colon, empty numbering, lists that start or skip wrong.
 */
import type { Finding } from '../findings/finding.js';
import { LINT_RULES, type LintRule } from '../lint/lint-rules.js';
import type { RawFigure } from './figure-text.js';
import type { RawProcedure } from './procedure-text.js';

/** Where import findings go: the seed file and its name as a document. */
export interface SeedRef {
  readonly file: string;
  readonly document: string;
}

/** A finding on a seed line. */
export function seedFinding(
  seed: SeedRef,
  rule: LintRule | 'schema',
  message: string,
  line: number,
  where: { figure?: string; clause?: string; step?: string; column?: number },
): Finding {
  return {
    rule,
    severity: rule === 'schema' ? 'error' : LINT_RULES[rule].severity,
    message,
    file: seed.file,
    line,
    column: where.column ?? 1,
    document: seed.document,
    ...(where.step !== undefined ? { step: where.step } : {}),
    ...(where.figure !== undefined ? { figure: where.figure } : {}),
    ...(where.clause !== undefined ? { clause: where.clause } : {}),
  };
}

/** header-name-no-colon: a header name without colon in a document whose other names have one. */
export function headerColonFindings(seed: SeedRef, figures: readonly RawFigure[]): Finding[] {
  const headers = figures.flatMap((f) =>
    f.steps.flatMap((s) => s.headers.map((h) => ({ f, s, h }))),
  );
  const withColon = new Set(headers.filter((x) => x.h.hasColon).map((x) => x.h.name));
  if (withColon.size === 0) return [];
  return headers
    .filter((x) => !x.h.hasColon)
    .map(({ f, s, h }) =>
      seedFinding(
        seed,
        'header-name-no-colon',
        `header name "${h.name}" has no colon${withColon.has(h.name) ? ` (written "${h.name}:" elsewhere)` : ''}; the other header names of the document have one`,
        h.nameLine,
        { figure: f.figure, step: s.number },
      ),
    );
}

/** empty-numbering and numbering-gap of the procedures. */
export function numberingFindings(seed: SeedRef, procedures: readonly RawProcedure[]): Finding[] {
  const out: Finding[] = [];
  for (const p of procedures) {
    if (p.splitHeading) {
      out.push(
        seedFinding(
          seed,
          'editing-residue',
          `clause number "${p.clause}" stands on its own line, its title "${p.title}" on the next`,
          p.line,
          { clause: p.clause },
        ),
      );
    }
    if (/\.X\b/.test(p.clause)) {
      out.push(
        seedFinding(
          seed,
          'editing-residue',
          `clause number "${p.clause}" is a placeholder`,
          p.line,
          { clause: p.clause },
        ),
      );
    }
    for (const e of p.empties) {
      out.push(
        seedFinding(
          seed,
          'empty-numbering',
          `numbering without text left in the procedure: ${e.markers.join(' ')}`,
          e.line,
          { clause: p.clause },
        ),
      );
    }
    for (const g of p.gaps) {
      out.push(
        seedFinding(seed, 'numbering-gap', g.message, g.line, { clause: p.clause, step: g.number }),
      );
    }
  }
  return out;
}
