/**
 * Picks one path through a flow for a scenario: SIPp plays one run, so each
 * alt keeps one operand (the first unless chosen otherwise) and each opt is
 * kept or dropped. The result is a flow without alt and opt fragments, whose
 * chosen steps stand where the fragment stood; refs are left to the order.
 */
import type { Flow, Step } from '../model/flow-model.js';
import { SippExportError } from './export-errors.js';

/** One alt or opt decision, listed in the scenario header. */
export interface PathDecision {
  readonly flow: string;
  readonly step: string;
  readonly kind: 'alt' | 'opt';
  /** Alt: 1-based operand chosen; opt: 1 when kept, 0 when left out. */
  readonly chosen: number;
  /** Alt: number of operands. */
  readonly of: number;
  readonly guard: string;
  readonly label?: string;
}

/** Choices given by the user: keys are `STEP` (the exported flow) or `FLOW:STEP` (any flow). */
export interface PathChoices {
  /** Alt step -> 1-based operand. */
  readonly alt: ReadonlyMap<string, number>;
  /** Opt steps to leave out. */
  readonly withoutOpt: ReadonlySet<string>;
}

/** Selects paths through flows, remembering every decision and which choices were used. */
export class PathSelector {
  private readonly memo = new Map<string, Flow>();
  private readonly used = new Set<string>();
  readonly decisions: PathDecision[] = [];

  constructor(
    private readonly rootFlow: string,
    private readonly choices: PathChoices,
  ) {}

  /** The flow with one path chosen (memoised per flow id). */
  select(flow: Flow): Flow {
    const done = this.memo.get(flow.id);
    if (done) return done;
    const selected: Flow = { ...flow, steps: this.steps(flow, flow.steps) };
    this.memo.set(flow.id, selected);
    return selected;
  }

  /** Throws for a choice that named no alt or opt of the flows seen. */
  checkAllUsed(): void {
    const keys = [...this.choices.alt.keys(), ...this.choices.withoutOpt];
    for (const k of keys) {
      if (this.used.has(k)) continue;
      const seen = this.decisions.map((d) => `${d.flow}:${d.step} (${d.kind})`);
      throw new SippExportError(
        this.rootFlow,
        k,
        undefined,
        `no alt or opt step "${k}" on the exported path; alts and opts: ${seen.join(', ') || 'none'}`,
      );
    }
  }

  private lookup<T>(flow: Flow, step: string, get: (key: string) => T | undefined): T | undefined {
    for (const key of flow.id === this.rootFlow
      ? [step, `${flow.id}:${step}`]
      : [`${flow.id}:${step}`]) {
      const v = get(key);
      if (v !== undefined) {
        this.used.add(key);
        return v;
      }
    }
    return undefined;
  }

  private steps(flow: Flow, steps: readonly Step[]): Step[] {
    const out: Step[] = [];
    for (const s of steps) {
      switch (s.kind) {
        case 'alt': {
          const n = this.lookup(flow, s.id, (k) => this.choices.alt.get(k)) ?? 1;
          const operand = s.operands[n - 1];
          if (!operand) {
            throw new SippExportError(
              flow.id,
              s.id,
              undefined,
              `alt has ${s.operands.length} operands; --alt ${s.id}=${n} is out of range (1..${s.operands.length})`,
            );
          }
          this.decisions.push({
            flow: flow.id,
            step: s.id,
            kind: 'alt',
            chosen: n,
            of: s.operands.length,
            guard: operand.guard,
            ...(operand.label !== undefined ? { label: operand.label } : {}),
          });
          out.push(...this.steps(flow, operand.steps));
          break;
        }
        case 'opt': {
          const drop = this.lookup(flow, s.id, (k) =>
            this.choices.withoutOpt.has(k) ? true : undefined,
          );
          this.decisions.push({
            flow: flow.id,
            step: s.id,
            kind: 'opt',
            chosen: drop ? 0 : 1,
            of: 1,
            guard: s.operand.guard,
            ...(s.operand.label !== undefined ? { label: s.operand.label } : {}),
          });
          if (!drop) out.push(...this.steps(flow, s.operand.steps));
          break;
        }
        case 'par':
          out.push({ ...s, operands: s.operands.map((o) => this.steps(flow, o)) });
          break;
        case 'loop':
          out.push({ ...s, steps: this.steps(flow, s.steps) });
          break;
        default:
          out.push(s);
      }
    }
    return out;
  }
}
