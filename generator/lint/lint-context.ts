/**
 * What every lint rule gets: the flow, its steps in document order with the
 * alternatives they sit in, and a way to report that adds the source
 * (document, figure, clause) and honours the flow's recorded problems.
 */
import type { Finding } from '../findings/finding.js';
import { childSteps } from '../load/normalize.js';
import type { Flow, SourceLocation, Step } from '../model/flow-model.js';
import { LINT_RULES, type LintRule } from './lint-rules.js';

/** A lint finding, with the piece of text that shows the problem (import-text locates it in the seed). */
export interface LintFinding extends Finding {
  readonly evidence?: string;
}

/** A step with its place: document order and the alt operands and guards around it. */
export interface PlacedStep {
  readonly step: Step;
  readonly index: number;
  /** `altId:operand` for every alt operand the step is inside. */
  readonly branches: readonly string[];
  /** Guards of the alt and opt operands around the step, outermost first. */
  readonly guards: readonly string[];
}

/** Shared state of linting one flow. */
export class LintContext {
  readonly findings: LintFinding[] = [];
  /** Every step, depth first in document order. */
  readonly placed: PlacedStep[] = [];
  readonly byId = new Map<string, PlacedStep>();

  constructor(readonly flow: Flow) {
    const walk = (list: readonly Step[], branches: string[], guards: string[]): void => {
      for (const s of list) {
        const p: PlacedStep = { step: s, index: this.placed.length, branches, guards };
        this.placed.push(p);
        if (s.hasId && !this.byId.has(s.id)) this.byId.set(s.id, p);
        if (s.kind === 'alt') {
          s.operands.forEach((o, i) =>
            walk(o.steps, [...branches, `${s.id}:${i}`], [...guards, o.guard]),
          );
        } else if (s.kind === 'opt') {
          walk(s.operand.steps, branches, [...guards, s.operand.guard]);
        } else {
          for (const c of childSteps(s)) walk(c, branches, guards);
        }
      }
    };
    walk(flow.steps, [], []);
  }

  /** Label of a participant id, or the id itself. */
  label(id: string | undefined): string {
    return id === undefined ? '' : (this.flow.participants.get(id)?.label ?? id);
  }

  /**
   * Reports a finding at `loc` about `step`. A problem recorded for the same
   * step (or, for flow-level findings, a problem without a step) turns it into info.
   */
  report(
    rule: LintRule,
    message: string,
    loc: SourceLocation,
    step?: Step,
    evidence?: string,
  ): void {
    const stepId = step?.hasId ? step.id : undefined;
    // A step without an id can only be pointed at by line, so no problem acknowledges it.
    const recorded =
      step === undefined
        ? this.flow.problems.some((p) => p.step === undefined)
        : stepId !== undefined && this.flow.problems.some((p) => p.step === stepId);
    const source = { ...this.flow.source, ...step?.source };
    this.findings.push({
      rule,
      severity: recorded ? 'info' : LINT_RULES[rule].severity,
      message: recorded ? `${message} [recorded under problems]` : message,
      file: loc.file,
      line: loc.line,
      column: loc.column,
      ...(stepId !== undefined ? { step: stepId } : {}),
      ...(source.document !== undefined ? { document: source.document } : {}),
      ...(source.figure !== undefined ? { figure: source.figure } : {}),
      ...(source.clause !== undefined ? { clause: source.clause } : {}),
      ...(evidence !== undefined ? { evidence } : {}),
    });
  }
}

/** True when two placed steps lie in different operands of one alt: they never both happen. */
export function exclusive(a: PlacedStep, b: PlacedStep): boolean {
  return a.branches.some((x) => {
    const [alt] = x.split(':');
    return b.branches.some((y) => y !== x && y.split(':')[0] === alt);
  });
}
