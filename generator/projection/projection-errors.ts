/** Typed errors of projection and merging, naming the flow file and step. */

/** A flow could not be projected: a ref that does not resolve, an unknown participant. */
export class ProjectionError extends Error {
  constructor(
    readonly file: string,
    readonly step: string,
    readonly reason: string,
  ) {
    super(`${file}: step ${step}: ${reason}`);
    this.name = 'ProjectionError';
  }
}

/** One side of a contradiction: where a flow gives a role its behaviour for a trigger. */
export interface ConflictSide {
  readonly flow: string;
  /** `file:line`. */
  readonly at: string;
  /** Step ids of the reaction, trigger first. */
  readonly steps: readonly string[];
  /** The reaction as text (`send 200 -> sip-core; send BYE -> sip-core`). */
  readonly behaviour: string;
}

/** Two flows give one role contradictory behaviour for the same trigger, and neither records which wins. */
export class ContradictionError extends Error {
  constructor(
    readonly role: string,
    readonly trigger: string,
    readonly first: ConflictSide,
    readonly second: ConflictSide,
  ) {
    super(
      `role ${role}, trigger ${trigger}: contradictory behaviour\n` +
        `  ${first.at} (${first.flow}, steps ${first.steps.join(', ')}): ${first.behaviour}\n` +
        `  ${second.at} (${second.flow}, steps ${second.steps.join(', ')}): ${second.behaviour}\n` +
        `  record which one wins with a problems: entry (or a note) on one of these steps`,
    );
    this.name = 'ContradictionError';
  }
}
