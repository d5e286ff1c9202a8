/**
 * Stable identifiers of every way a SIP message, header or URI can be
 * rejected. Tests, traces and the pcap diff match on these, never on text.
 */
export type SipParseErrorCode =
  | 'empty-message'
  | 'incomplete-headers'
  | 'bad-line-ending'
  | 'bad-start-line'
  | 'bad-request-line'
  | 'bad-status-line'
  | 'bad-method'
  | 'bad-version'
  | 'unsupported-version'
  | 'bad-status-code'
  | 'bad-reason-phrase'
  | 'bad-request-uri'
  | 'bad-header-line'
  | 'bad-header-name'
  | 'bad-header-value'
  | 'bad-utf8'
  | 'bad-uri'
  | 'bad-host'
  | 'bad-port'
  | 'bad-name-addr'
  | 'bad-display-name'
  | 'bad-quoted-string'
  | 'bad-param'
  | 'bad-via'
  | 'bad-cseq'
  | 'cseq-method-mismatch'
  | 'bad-call-id'
  | 'bad-max-forwards'
  | 'bad-content-length'
  | 'content-length-mismatch'
  | 'missing-content-length'
  | 'bad-date'
  | 'bad-media-type'
  | 'bad-number'
  | 'bad-sipfrag'
  | 'bad-sdp'
  | 'frame-too-large';

/** Where a problem sits: message offsets are bytes from the start of the input. */
export interface SipErrorLocation {
  /** Byte offset in the message (or character offset in a lone header value). */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in bytes. */
  readonly column: number;
  /** The header whose value is at fault, when one is. */
  readonly header?: string | undefined;
}

/**
 * A SIP message, header value, URI or body that does not follow its grammar
 * (RFC 3261 section 25 and the extension RFCs). The only error the message
 * layer's parsers throw.
 */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  /** Stable id of the rule that failed. */
  readonly code: SipParseErrorCode;
  /** Human readable reason, without location. */
  readonly reason: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** The header whose value is at fault, when one is. */
  readonly header: string | undefined;
  /**
   * The response a server should answer with when it still can (RFC 3261
   * 21.4.1 400 for syntax, 21.5.6 505 for the version).
   */
  readonly status: number;

  constructor(code: SipParseErrorCode, reason: string, location: SipErrorLocation, status = 400) {
    const where = location.header ? ` in ${location.header}` : '';
    super(
      `${reason}${where} (line ${location.line}, column ${location.column}, offset ${location.offset})`,
    );
    this.code = code;
    this.reason = reason;
    this.offset = location.offset;
    this.line = location.line;
    this.column = location.column;
    this.header = location.header;
    this.status = status;
  }

  /** An error at `offset` of a single-line text (a header value or URI). */
  static at(
    code: SipParseErrorCode,
    reason: string,
    offset: number,
    header?: string,
  ): SipParseError {
    return new SipParseError(code, reason, { offset, line: 1, column: offset + 1, header });
  }

  /**
   * The same error moved into a message: `base` is where the value that was
   * parsed starts in `text` (a latin1 view of the message bytes).
   */
  relocate(text: string, base: number, header?: string): SipParseError {
    return new SipParseError(
      this.code,
      this.reason,
      locate(text, base + this.offset, header ?? this.header),
      this.status,
    );
  }
}

/** A mandatory header is absent, or a singleton header occurs more than once. */
export class SipHeaderCountError extends Error {
  override readonly name = 'SipHeaderCountError';
  /** The header, in its canonical long form. */
  readonly header: string;
  /** How many occurrences were found. */
  readonly count: number;

  constructor(header: string, count: number) {
    super(
      count === 0
        ? `the message has no ${header} header`
        : `the message has ${count} ${header} headers where one is allowed`,
    );
    this.header = header;
    this.count = count;
  }
}

/** Line and column of `offset` in `text` (lines end in CRLF or LF). */
export function locate(text: string, offset: number, header?: string): SipErrorLocation {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, header };
}
