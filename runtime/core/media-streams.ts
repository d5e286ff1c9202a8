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

/** The answer a B2BUA gives on its client leg for the answers of its server legs, and whose streams each leg carries. */
export interface MergedAnswer {
  /** The SDP answer for the client leg; undefined when no leg answered with SDP. */
  readonly sdp: string | undefined;
  /** For each server leg, in order: the indexes of the m-lines its answer accepted. */
  readonly streams: readonly (readonly number[])[];
}

function acceptedStreams(sdp: SessionDescription): number[] {
  return sdp.media.flatMap((m, i) => (m.port !== 0 ? [i] : []));
}

/**
 * RFC 3264 6 for a B2BUA whose session is interworked to several IWFs (OMA
 * CPM 8.2.2.1): the client leg gets one answer with the m-lines of the offer;
 * each m-line is taken from the first server leg that accepted it (port not
 * zero), so the streams of each leg are known when it leaves (OMA CPM 8.2.2.3
 * 6.a). One answer with SDP is passed on as it came.
 */
export function mergeAnswers(answers: readonly (string | undefined)[]): MergedAnswer {
  const parsed = answers.map((answer) => {
    if (answer === undefined) return undefined;
    try {
      return parseSdp(answer);
    } catch {
      return undefined;
    }
  });
  const streams = parsed.map((sdp) => (sdp ? acceptedStreams(sdp) : []));
  const described = answers.filter((answer) => answer !== undefined);
  const [first] = parsed.filter((sdp) => sdp !== undefined);
  if (described.length <= 1 || !first) return { sdp: described[0], streams };
  const owners = first.media.map((_, i) =>
    parsed.findIndex((sdp) => (sdp?.media[i]?.port ?? 0) !== 0),
  );
  const merged: SessionDescription = {
    ...first,
    media: first.media.map((m, i) => {
      const owner = owners[i] ?? -1;
      return owner >= 0 ? (parsed[owner]?.media[i] ?? m) : m;
    }),
  };
  return {
    sdp: serializeSdp(merged).toString('utf8'),
    streams: streams.map((_, leg) => owners.flatMap((owner, i) => (owner === leg ? [i] : []))),
  };
}
