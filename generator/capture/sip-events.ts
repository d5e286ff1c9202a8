/**
 * Ingest: turns the capture reader's raw SIP and MBCP events into parsed
 * events with the runtime's one SIP parser and MBCP codec. A message that
 * does not parse, and a capture that is malformed or cut short, become
 * located findings (frame number and reason); ingest itself never throws on
 * bad input and keeps every event read before a fault.
 */
import { MbcpDecodeError, decodeMbcp } from '../../runtime/mbcp/index.js';
import type { MbcpMessage } from '../../runtime/mbcp/index.js';
import { SipParseError } from '../../runtime/sip/message/index.js';
import type { SipMessage } from '../../runtime/sip/message/index.js';
import type { MessageLayout } from '../../runtime/sip/message/message-layout.js';
import type { CaptureInput } from './byte-window.js';
import { checkCapturedSip, parseCapturedSip } from './captured-sip.js';
import type { CapturedParseOptions } from './captured-sip.js';
import { CaptureError } from './capture-errors.js';
import type { CaptureLocation } from './capture-errors.js';
import type { CaptureReadOptions } from './capture-reader.js';
import { readCapture } from './capture-reader.js';
import type { CaptureEvent, CaptureStats, FoundMessage } from './capture-types.js';

/** Something wrong found while ingesting: where, and why. */
export interface IngestFinding {
  readonly kind: 'sip-parse-error' | 'mbcp-decode-error' | 'capture-error';
  /** Frame of the message (or of the record where the capture failed, when known). */
  readonly frame: number | undefined;
  readonly reason: string;
  /** For parse errors: the byte offset in the message; for capture errors: the file location. */
  readonly offset?: number;
  readonly location?: CaptureLocation;
}

/** A SIP event, parsed when it could be (`finding` says why not). */
export interface SipIngestEvent extends CaptureEvent {
  readonly kind: 'sip';
  readonly message?: SipMessage;
  readonly finding?: IngestFinding;
}

/** An MBCP event, decoded when it could be. */
export interface MbcpIngestEvent extends CaptureEvent {
  readonly kind: 'mbcp';
  readonly mbcp?: MbcpMessage;
  readonly finding?: IngestFinding;
}

/** One ingested event. */
export type IngestEvent = SipIngestEvent | MbcpIngestEvent;

/** Options of `ingestCapture`: the reader's, plus how many findings to keep. */
export interface IngestOptions extends CaptureReadOptions {
  /** Findings kept in `findings` (all are counted). Default 1000. */
  readonly maxFindings?: number;
  /**
   * Where the parts of the SIP message parsed last lie (`ParseOptions.layout`): read before the
   * next event is asked for (wire-batch.ts hands it to another thread with the bytes).
   */
  readonly layout?: MessageLayout;
  /**
   * With `layout`: SIP messages are only checked, as the parser would parse them, and laid out
   * there, not built (`checkMessage`): a SIP event that parsed is the capture's event as read,
   * without `message`, and one that did not has its `finding` as always. For a reader that hands
   * the bytes and their layout on (wire-batch.ts) and needs no message of its own.
   */
  readonly checkOnly?: boolean;
  /**
   * Takes each message that parsed as it is decoded, instead of an event
   * (`CaptureReadOptions.onMessage`): a SIP message is checked, not built (laid out in `layout`
   * when given, as with `checkOnly`), an MBCP packet decoded; one that did not has its finding
   * as always and goes no further. The iteration yields no event, but an empty batch per group
   * of records decoded.
   */
  readonly onMessage?: (m: FoundMessage) => void;
}

/** A capture being ingested: iterate for events; stats and findings fill as it goes. */
export interface CaptureIngest extends AsyncIterable<IngestEvent> {
  readonly stats: CaptureStats;
  /** The first `maxFindings` findings. */
  readonly findings: readonly IngestFinding[];
  /** Counts of SIP parse errors, MBCP decode errors and capture errors. */
  readonly counts: { parseErrors: number; mbcpErrors: number; captureErrors: number };
  /**
   * The same events a chunk of the capture at a time (one promise per chunk, not per event);
   * each chunk's events are parsed as they are iterated. Iterate each chunk before the next.
   */
  batches(): AsyncIterable<Iterable<IngestEvent>>;
}

export { parseCapturedSip };

/**
 * Parses one raw SIP event with the runtime parser; a parse error becomes the event's finding.
 * With `layout`, where the message's parts lie is kept there; with `checkOnly` too, the message is
 * checked, not built, and the event is `event` itself when it parsed (`IngestOptions.checkOnly`).
 */
export function toSipEvent(
  event: CaptureEvent,
  layout?: MessageLayout,
  checkOnly = false,
): SipIngestEvent {
  return sipEvent(event, { layout }, checkOnly);
}

/** {@link toSipEvent} with the parse options made once by the caller (`more.layout`: the layout). */
function sipEvent(
  event: CaptureEvent,
  more: CapturedParseOptions,
  checkOnly: boolean,
): SipIngestEvent {
  try {
    // Checked only: the raw event stands for the message (its kind is 'sip'), no object made.
    if (checkOnly && more.layout !== undefined) {
      checkCapturedSip(event.bytes, event.transport, more);
      return event as SipIngestEvent;
    }
    const message = parseCapturedSip(event.bytes, event.transport, more);
    // Spelled out rather than spread: one object of one shape per message.
    return {
      frame: event.frame,
      time: event.time,
      interface: event.interface,
      src: event.src,
      dst: event.dst,
      transport: event.transport,
      kind: 'sip',
      bytes: event.bytes,
      message,
    };
  } catch (error) {
    return { ...event, kind: 'sip', finding: sipFinding(error, event.frame) };
  }
}

/**
 * The finding of a SIP message that did not parse. The parser's contract is SipParseError; any
 * other error it raises on captured bytes is still bad input and becomes a finding, not a crash.
 */
function sipFinding(error: unknown, frame: number): IngestFinding {
  return error instanceof SipParseError
    ? {
        kind: 'sip-parse-error',
        frame,
        reason: `${error.reason} (line ${error.line}, column ${error.column})`,
        offset: error.offset,
      }
    : {
        kind: 'sip-parse-error',
        frame,
        reason: `${(error as Error).name}: ${(error as Error).message}`,
      };
}

/** Decodes one raw MBCP event with the runtime codec; a decode error becomes the event's finding. */
export function toMbcpEvent(event: CaptureEvent): MbcpIngestEvent {
  try {
    return { ...event, kind: 'mbcp', mbcp: decodeMbcp(event.bytes) };
  } catch (error) {
    return { ...event, kind: 'mbcp', finding: mbcpFinding(error, event.frame) };
  }
}

/** The finding of an MBCP packet that did not decode. */
function mbcpFinding(error: unknown, frame: number): IngestFinding {
  return error instanceof MbcpDecodeError
    ? {
        kind: 'mbcp-decode-error',
        frame,
        reason: `${error.reason} (${error.field})`,
        offset: error.offset,
      }
    : {
        kind: 'mbcp-decode-error',
        frame,
        reason: `${(error as Error).name}: ${(error as Error).message}`,
      };
}

class CaptureIngestImpl implements CaptureIngest {
  readonly findings: IngestFinding[] = [];
  readonly counts = { parseErrors: 0, mbcpErrors: 0, captureErrors: 0 };
  private readonly reader;
  private readonly maxFindings: number;
  /** The SIP messages' parse options (the layout), one object for all. */
  private readonly parseOptions: CapturedParseOptions;
  private readonly checkOnly: boolean;

  constructor(input: CaptureInput, options: IngestOptions) {
    const take = options.onMessage;
    this.reader = readCapture(
      input,
      take === undefined ? options : { ...options, onMessage: (m) => this.take(m, take) },
    );
    this.maxFindings = options.maxFindings ?? 1000;
    this.parseOptions = { layout: options.layout };
    this.checkOnly = options.checkOnly === true;
  }

  get stats(): CaptureStats {
    return this.reader.stats;
  }

  /** Events parsed one at a time as they are asked for: a chunk's parsed messages are never all held. */
  private *parsed(raws: readonly CaptureEvent[]): Generator<IngestEvent> {
    for (const raw of raws) {
      const event =
        raw.kind === 'sip' ? sipEvent(raw, this.parseOptions, this.checkOnly) : toMbcpEvent(raw);
      if (event.finding) this.record(event.finding);
      yield event;
    }
  }

  /** A message as it is decoded (`IngestOptions.onMessage`): to `consumer` if it parsed. */
  private take(m: FoundMessage, consumer: (m: FoundMessage) => void): void {
    try {
      if (m.kind === 'sip') checkCapturedSip(m.bytes, m.transport, this.parseOptions);
      else decodeMbcp(m.bytes);
    } catch (error) {
      this.record(m.kind === 'sip' ? sipFinding(error, m.frame) : mbcpFinding(error, m.frame));
      return;
    }
    consumer(m);
  }

  private record(finding: IngestFinding): void {
    if (finding.kind === 'sip-parse-error') this.counts.parseErrors++;
    else if (finding.kind === 'mbcp-decode-error') this.counts.mbcpErrors++;
    else this.counts.captureErrors++;
    if (finding.kind !== 'capture-error') this.reader.stats.parseErrors++;
    if (this.findings.length < this.maxFindings) this.findings.push(finding);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<IngestEvent> {
    for await (const batch of this.batches()) yield* batch;
  }

  async *batches(): AsyncGenerator<Iterable<IngestEvent>> {
    try {
      for await (const raws of this.reader.batches()) yield this.parsed(raws);
    } catch (error) {
      if (!(error instanceof CaptureError)) throw error;
      this.record({
        kind: 'capture-error',
        frame: error.location.frame,
        reason: error.reason,
        offset: error.location.offset,
        location: error.location,
      });
    }
  }
}

/**
 * Reads a capture and parses what it finds. Never throws on bad input: a
 * malformed capture ends the iteration early with a `capture-error`
 * finding, after every event before the fault.
 */
export function ingestCapture(input: CaptureInput, options: IngestOptions = {}): CaptureIngest {
  return new CaptureIngestImpl(input, options);
}
