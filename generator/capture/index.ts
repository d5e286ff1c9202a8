/**
 * Capture ingest: a streaming pcap/pcapng reader that finds SIP (by
 * content, over UDP, TCP and WebSocket) and MBCP (RTCP APP `PoC1`), and the
 * ingest that parses them with the runtime's parser and codec.
 */
export { readCapture } from './capture-reader.js';
export type { CaptureReadOptions, CaptureReader } from './capture-reader.js';
export { ingestCapture, parseCapturedSip, toMbcpEvent, toSipEvent } from './sip-events.js';
export type {
  CaptureIngest,
  IngestEvent,
  IngestFinding,
  IngestOptions,
  MbcpIngestEvent,
  SipIngestEvent,
} from './sip-events.js';
export {
  CaptureError,
  CaptureFormatError,
  CaptureIoError,
  CaptureTruncatedError,
} from './capture-errors.js';
export type { CaptureLocation } from './capture-errors.js';
export { emptyStats, FoundMessage } from './capture-types.js';
export type {
  CaptureEvent,
  CaptureEventKind,
  CaptureStats,
  CaptureTime,
  CaptureTransport,
  Endpoint,
} from './capture-types.js';
export type { CaptureInput } from './byte-window.js';
export { DEFAULT_REASSEMBLY_LIMITS } from './ip-reassembly.js';
export type { ReassemblyLimits } from './ip-reassembly.js';
export { DEFAULT_TCP_LIMITS } from './tcp-reassembly.js';
export type { TcpLimits } from './tcp-reassembly.js';
export { DEFAULT_FRAMER_LIMITS } from './stream-framer.js';
export type { FramerLimits } from './stream-framer.js';
export { LINKTYPE } from './link-layer.js';
export { isSipStartLine } from './sip-detect.js';
