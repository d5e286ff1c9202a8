/**
 * A capture checked against the open flow, as the backend hands it to the
 * renderer: the conformance report of `flowspec diff` in a wire shape of its
 * own, so the renderer does not depend on the engine's internals.
 */

/** Verdict of one step in one instance (as `flowspec diff` names them). */
export const STEP_DIFF_STATUSES = ['matched', 'missing', 'mismatch', 'out-of-order'] as const;
/** Verdict of one step in one instance. */
export type StepDiffStatus = (typeof STEP_DIFF_STATUSES)[number];

/** A field whose observed value differs from the flow's. */
export interface CaptureFieldDiff {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

/** One step of one instance. */
export interface CaptureStepDiff {
  /** Step id as the report names it: "2", "poc.disconnect.on-demand:4" inside a ref, "5[2]" for a second loop iteration. */
  readonly id: string;
  readonly status: StepDiffStatus;
  /** What the step is: "BYE clientA -> coreA". */
  readonly summary: string;
  /** Frame number of the matched message (1-based, as Wireshark counts). */
  readonly frame: number | null;
  /** Capture time, seconds since the epoch. */
  readonly time: number | null;
  readonly diffs: readonly CaptureFieldDiff[];
  /** For out-of-order: the step that should have come first. */
  readonly violates: string | null;
}

/** A message of an instance's dialogs that no step explains. */
export interface CaptureUnexpected {
  readonly frame: number;
  readonly summary: string;
}

/** One instance of the flow found in the capture. */
export interface CaptureInstanceDiff {
  readonly verdict: 'pass' | 'fail';
  readonly firstFrame: number;
  readonly steps: readonly CaptureStepDiff[];
  readonly unexpected: readonly CaptureUnexpected[];
}

/** The whole diff of a capture against a flow. */
export interface CaptureDiff {
  readonly flowId: string;
  /** Name of the capture (file name, or the project path). */
  readonly capture: string;
  readonly verdict: 'pass' | 'fail';
  readonly instances: readonly CaptureInstanceDiff[];
  /** Messages that belong to no instance of the flow. */
  readonly unrelated: number;
  /** Participant id -> addresses, with where each came from. */
  readonly mapping: Readonly<
    Record<string, { readonly addresses: readonly string[]; readonly source: string }>
  >;
  /** SIP and MBCP messages read from the capture. */
  readonly messages: number;
  /** Problems the capture reader reported (first ones only). */
  readonly warnings: readonly string[];
}

/** Where the capture comes from: a file of the project, or bytes the user picked. */
export type CaptureSource =
  /** A `.pcap`, `.pcapng` or `.cap` file under the project root (forward slashes). */
  | { readonly kind: 'path'; readonly path: string }
  /** An uploaded capture: its file name and its bytes in base64. */
  | { readonly kind: 'upload'; readonly name: string; readonly base64: string };

/** Largest uploaded capture (bytes, before base64); larger ones are opened by path. */
export const MAX_CAPTURE_UPLOAD = 16 * 1024 * 1024;
