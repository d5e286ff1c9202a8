/** Typed errors of the SIPp export, naming the flow, the step and the participant. */

/** The export cannot go on: an unknown participant, a bad alt choice, a ref that does not resolve. */
export class SippExportError extends Error {
  constructor(
    /** Flow id (or file) the problem is in. */
    readonly flow: string,
    /** Step id, when the problem is at a step. */
    readonly step: string | undefined,
    /** Participant being exported, when known. */
    readonly participant: string | undefined,
    readonly reason: string,
  ) {
    super(
      `${flow}${step !== undefined ? `: step ${step}` : ''}${
        participant !== undefined ? ` (participant ${participant})` : ''
      }: ${reason}`,
    );
    this.name = 'SippExportError';
  }
}

/** The participant asked for is not in the flow. */
export class UnknownParticipantError extends SippExportError {
  constructor(
    flow: string,
    participant: string,
    /** The flow's participants as `id (label)`. */
    readonly known: readonly string[],
  ) {
    super(
      flow,
      undefined,
      participant,
      `no participant "${participant}"; the participants are: ${known.join(', ')}`,
    );
    this.name = 'UnknownParticipantError';
  }
}

/** The participant sends and receives nothing in the flow (with the alt and opt choices made). */
export class IdleParticipantError extends SippExportError {
  constructor(flow: string, participant: string) {
    super(
      flow,
      undefined,
      participant,
      'this participant sends and receives no message in the flow (with the alt and opt choices made), so there is no scenario to play',
    );
    this.name = 'IdleParticipantError';
  }
}
