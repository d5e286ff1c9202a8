/**
 * A buffer that is not a well-formed MBCP (RTCP APP `PoC1`) packet. `offset`
 * is the absolute byte offset in the decoded buffer where the problem lies,
 * `field` the name of the field being read there.
 */
export class MbcpDecodeError extends Error {
  override readonly name = 'MbcpDecodeError';

  constructor(
    readonly offset: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`MBCP decode error at byte ${offset} (${field}): ${reason}`);
  }
}

/** A message object that cannot be put on the wire, naming the offending field. */
export class MbcpEncodeError extends Error {
  override readonly name = 'MbcpEncodeError';

  constructor(
    readonly kind: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`MBCP encode error in ${kind}.${field}: ${reason}`);
  }
}

/** Where an MBCP endpoint error happened: the local and remote UDP addresses. */
export interface MbcpErrorLocation {
  readonly local: string;
  readonly remote: string;
}

/**
 * A message that asked for an Acknowledgement got none after the configured
 * number of transmissions (OMA PoC user plane: the sender retransmits until
 * the MBCP Acknowledgement arrives or it gives up).
 */
export class MbcpAckTimeoutError extends Error {
  override readonly name = 'MbcpAckTimeoutError';

  constructor(
    readonly location: MbcpErrorLocation,
    readonly kind: string,
    readonly subtype: number,
    readonly transmissions: number,
  ) {
    super(
      `no MBCP Acknowledgement from ${location.remote} to ${location.local} for ${kind} ` +
        `(subtype ${subtype}) after ${transmissions} transmission(s)`,
    );
  }
}

/** An operation on an endpoint that is closed, or a wait cut short by closing it. */
export class MbcpEndpointClosedError extends Error {
  override readonly name = 'MbcpEndpointClosedError';

  constructor(
    readonly local: string,
    readonly operation: string,
  ) {
    super(`MBCP endpoint ${local} is closed (${operation})`);
  }
}

/** No matching message arrived within the time a caller was prepared to wait. */
export class MbcpReceiveTimeoutError extends Error {
  override readonly name = 'MbcpReceiveTimeoutError';

  constructor(
    readonly local: string,
    readonly waitedMs: number,
    readonly expected: string,
  ) {
    super(`MBCP endpoint ${local} received no ${expected} within ${waitedMs} ms`);
  }
}

/** An MBCP endpoint option out of its range, named with the value given. */
export class MbcpEndpointOptionError extends Error {
  override readonly name = 'MbcpEndpointOptionError';

  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`MBCP endpoint option ${option} = ${String(value)}: ${reason}`);
  }
}
