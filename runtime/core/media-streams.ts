/**
 * Offer/answer edits for removing media streams (RFC 3264 8.2), used by the
 * CPM IWF policy case: a stream is removed by setting the port of its m-line
 * to zero, never by deleting the line, and each new description increments
 * the o= version (RFC 3264 8).
 */
import { parseSdp, serializeSdp } from '../sip/message/index.js';
import type { SessionDescription } from '../sip/message/index.js';

/** One media description of a parsed SDP. */
export type MediaDescription = SessionDescription['media'][number];

/** Chooses the streams to remove: by media description and m-line index. */
export type StreamMatch = (media: MediaDescription, index: number) => boolean;

/** The m-line media types (e.g. "audio", "message") whose port is not zero, in order. */
export function activeStreams(sdp: Uint8Array | string): string[] {
  return parseSdp(sdp)
    .media.filter((m) => m.port !== 0)
    .map((m) => m.type);
}

function nextVersion(sdp: SessionDescription): void {
  // RFC 3264 8: a modified description keeps the origin and increments its version by one.
  sdp.origin = {
    ...sdp.origin,
    sessionVersion: Number(sdp.origin?.sessionVersion ?? 0) + 1,
  } as SessionDescription['origin'];
}

/**
 * RFC 3264 8.2: a new offer that removes the matched streams (port 0, the
 * m-line kept with its format list) and leaves the others as they were.
 */
export function removeMediaStreams(previous: Uint8Array | string, match: StreamMatch): string {
  const sdp = parseSdp(previous);
  sdp.media = sdp.media.map((m, i) => (match(m, i) ? { ...m, port: 0 } : m));
  nextVersion(sdp);
  return serializeSdp(sdp).toString('utf8');
}

/**
 * RFC 3264 6 and 8.2: the answer to an offer that removed streams: the same
 * number of m-lines, port 0 wherever the offer has port 0, the rest as in
 * this side's previous description.
 */
export function answerStreamRemoval(
  offer: Uint8Array | string,
  previous: Uint8Array | string,
): string {
  const offered = parseSdp(offer);
  const sdp = parseSdp(previous);
  sdp.media = sdp.media.map((m, i) => (offered.media[i]?.port === 0 ? { ...m, port: 0 } : m));
  nextVersion(sdp);
  return serializeSdp(sdp).toString('utf8');
}
