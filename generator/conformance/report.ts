/** The result of checking observed traffic against a flow (the `flowspec diff` JSON shape). */
import type { FieldDiff } from './values.js';

/** Verdict of one step in one instance. */
export type StepStatus = 'matched' | 'missing' | 'mismatch' | 'out-of-order';

/** One step of one instance. */
export interface StepReport {
  /** Step id ("2"; "poc.disconnect.on-demand:4" inside a ref; "[2]" suffix for the second loop iteration). */
  readonly id: string;
  readonly status: StepStatus;
  /** What the step is: "BYE clientA -> coreA". */
  readonly summary: string;
  readonly frame: number | null;
  /** Capture time in seconds since the epoch. */
  readonly time: number | null;
  readonly diffs: readonly FieldDiff[];
  /** For out-of-order: the step that should have come first. */
  readonly violates: string | null;
  /** Retransmissions of the matched message seen (not deviations). */
  readonly retransmissions: number;
  /** Seconds since the previous matched step of this instance. */
  readonly delta: number | null;
}

/** A message inside an instance's dialogs that no step explains. */
export interface UnexpectedReport {
  readonly frame: number;
  readonly summary: string;
}

/** How a dialog (Call-ID) was joined to an instance. */
export interface DialogEvidence {
  readonly callId: string;
  readonly steps: readonly string[];
  readonly evidence: string;
}

/** One instance of the flow found in the traffic. */
export interface InstanceReport {
  readonly verdict: 'pass' | 'fail';
  readonly steps: readonly StepReport[];
  readonly unexpected: readonly UnexpectedReport[];
  readonly dialogs: readonly DialogEvidence[];
  readonly firstFrame: number;
}

/** A participant's address, from the map or inferred (with the evidence). */
export interface MappingReport {
  readonly label: string;
  readonly addresses: readonly string[];
  readonly source: 'map' | 'inferred' | 'unresolved';
  readonly evidence?: string;
}

/** The whole result. */
export interface ConformanceReport {
  readonly flow: string;
  readonly capture: string | null;
  readonly verdict: 'pass' | 'fail';
  readonly instances: readonly InstanceReport[];
  /** Messages that belong to no instance. */
  readonly unrelated: number;
  readonly mapping: Readonly<Record<string, MappingReport>>;
  /** Messages read, parse problems, and other counters. */
  readonly stats: Readonly<Record<string, number>>;
}
