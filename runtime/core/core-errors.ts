/** What a core error is about, for messages and assertions. */
export interface CoreErrorContext {
  /** The SIP method concerned. */
  readonly method?: string;
  /** The Call-ID of the dialog or request concerned. */
  readonly callId?: string;
  /** A status code received or sent. */
  readonly status?: number;
  /** The session (B2BUA) or response context (proxy) concerned. */
  readonly sessionId?: string;
}

/** An operation of a user agent, proxy or B2BUA core that cannot be carried out. */
export class CoreError extends Error {
  override readonly name: string = 'CoreError';
  constructor(
    message: string,
    /** What the error is about. */
    readonly context: CoreErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A request was sent in a state that forbids it (e.g. a response after the final one). */
export class CoreStateError extends CoreError {
  override readonly name = 'CoreStateError';
}

/** A request cannot be routed: no usable target (RFC 3261 8.1.2, 16.5, 16.6). */
export class RoutingError extends CoreError {
  override readonly name = 'RoutingError';
}
