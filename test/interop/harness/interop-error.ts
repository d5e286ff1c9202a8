/**
 * The one error type of the interop harness: what went wrong with which
 * peer, with the peer's own output attached so that a failed run explains
 * itself without a rerun.
 */

/** What failed. */
export type InteropErrorKind =
  'start-failed' | 'not-ready' | 'exited' | 'timeout' | 'command-failed' | 'teardown-failed';

/** A peer (Kamailio, SIPp, dumpcap, a namespace) that did not do what the test needs. */
export class InteropError extends Error {
  override readonly name = 'InteropError';

  constructor(
    readonly kind: InteropErrorKind,
    /** The peer or command: "kamailio scscf", "sipp calling-ue-uac", "ip netns add". */
    readonly peer: string,
    message: string,
    /** The peer's output (tail), when there is one. */
    readonly log = '',
  ) {
    super(`${peer}: ${message}${log ? `\n--- ${peer} output ---\n${log}` : ''}`);
  }
}
