/** What every validation rule gets: the flow, its steps by id, and a way to report. */
import type { Finding, Severity } from '../findings/finding.js';
import { childSteps } from '../load/normalize.js';
import type { Flow, SourceLocation, Step } from '../model/flow-model.js';

/** Looks up other flows by id (for refs and preconditions). */
export type FlowResolver = (id: string) => Flow | undefined;

/** Rules whose findings are warnings: the flow still means something definite. */
const WARNING_RULES = new Set(['relay-changes-header']);

/** Shared state of one validation run. */
export class RuleContext {
  readonly findings: Finding[] = [];
  /** Steps with explicit ids, first occurrence wins. */
  readonly byId = new Map<string, Step>();
  /** Every step, depth first, in document order. */
  readonly all: Step[] = [];

  constructor(
    readonly flow: Flow,
    readonly resolve: FlowResolver | undefined,
  ) {
    const walk = (list: readonly Step[]): void => {
      for (const s of list) {
        this.all.push(s);
        if (s.hasId && !this.byId.has(s.id)) this.byId.set(s.id, s);
        for (const c of childSteps(s)) walk(c);
      }
    };
    walk(flow.steps);
  }

  report(
    rule: string,
    message: string,
    loc: SourceLocation,
    step?: string,
    severity?: Severity,
  ): void {
    this.findings.push({
      rule,
      severity: severity ?? (WARNING_RULES.has(rule) ? 'warning' : 'error'),
      message,
      file: loc.file,
      line: loc.line,
      column: loc.column,
      endLine: loc.endLine,
      endColumn: loc.endColumn,
      ...(step !== undefined ? { step } : {}),
    });
  }
}

/** "step 4" or "the alt fragment at line 30" for messages. */
export function stepName(s: Step): string {
  return s.hasId ? `step ${s.id}` : `the ${s.kind} fragment at line ${s.loc.line}`;
}
