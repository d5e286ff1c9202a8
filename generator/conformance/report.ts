/** The result of checking observed traffic against a flow (the `flowspec diff` JSON shape). */
import type { FieldDiff } from './values.js';

/** Messages listed in {@link ConformanceReport.notStarted} at most. */
export const MAX_NOT_STARTED_LISTED = 100;

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

/**
 * A message between two addresses of one participant (a SIP/IP Core the map lists with the
 * Participating Function it serves, and the flow leaves out): a hop inside that participant,
 * neither a step nor unexpected.
 */
export interface InsideHopReport {
  readonly frame: number;
  /** The participant both ends belong to. */
  readonly participant: string;
  /** What the message is, and its two ends: "BYE sip:... 127.0.0.30:5060 -> 127.0.0.3:5060". */
  readonly summary: string;
}

/**
 * A message that could be the flow's first message but differs from that step in a normative
 * value, so started no instance (and no instance took it later): counted as unrelated.
 */
export interface NotStartedReport {
  readonly frame: number;
  /** The start step it resembles. */
  readonly step: string;
  readonly summary: string;
  readonly diffs: readonly FieldDiff[];
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
  /** Hops inside one participant in the instance's dialogs (see {@link InsideHopReport}). */
  readonly inside: readonly InsideHopReport[];
  readonly firstFrame: number;
}

/** A participant's address, from the map or inferred (with the evidence). */
export interface MappingReport {
  readonly label: string;
  readonly addresses: readonly string[];
  readonly source: 'map' | 'inferred' | 'unresolved';
  readonly evidence?: string;
}

/** A fact of the case the check used (`--fact`, a map's `policies:`), with where it came from. */
export interface FactReport {
  readonly value: string | number | boolean;
  readonly source: 'map' | 'command line';
}

/** The whole result. */
export interface ConformanceReport {
  readonly flow: string;
  readonly capture: string | null;
  readonly verdict: 'pass' | 'fail';
  readonly instances: readonly InstanceReport[];
  /** Messages that belong to no instance. */
  readonly unrelated: number;
  /**
   * Of the unrelated messages, those that resembled the flow's first step but differed in a
   * normative value (the first {@link MAX_NOT_STARTED_LISTED}, by frame; `stats.notStarted` counts all).
   */
  readonly notStarted: readonly NotStartedReport[];
  readonly mapping: Readonly<Record<string, MappingReport>>;
  /**
   * The facts values' `when:` were decided by, by name (`flowspec diff` always lists them, empty
   * when none were given: then no value under a `when:` is required).
   */
  readonly facts?: Readonly<Record<string, FactReport>>;
  /** Messages read, parse problems, and other counters. */
  readonly stats: Readonly<Record<string, number>>;
}
