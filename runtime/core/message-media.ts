/**
 * The media of a CPM Session in SDP (OMA CPM: a session of MSRP message
 * streams, RFC 4975 8.1): an offer with one `message` stream on a user
 * agent's address, and the answer of a user agent that accepts the
 * `message` streams of an offer and rejects the others (RFC 3264 6: one
 * m-line per offered m-line, port 0 for a rejected stream).
 */
import { parseSdp, serializeSdp } from '../sip/message/index.js';
import type { SessionDescription } from '../sip/message/index.js';

/** Where a user agent receives a session's media. */
export interface MediaAddress {
  readonly address: string;
  readonly port: number;
}

/**
 * A session description of `media` from `local` (RFC 4566): origin and
 * connection on the local address, no timing; the SDP every offer and answer
 * of the generated roles shares.
 */
export function sessionSdp(
  local: MediaAddress,
  media: SessionDescription['media'],
  sessionId: number,
): string {
  const ip6 = local.address.includes(':');
  return serializeSdp({
    version: 0,
    origin: {
      username: '-',
      sessionId,
      sessionVersion: 1,
      netType: 'IN',
      ipVer: ip6 ? 6 : 4,
      address: local.address,
    },
    name: '-',
    connection: { version: ip6 ? 6 : 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  }).toString('utf8');
}

function messageStream(
  local: MediaAddress,
  sessionId: number,
): SessionDescription['media'][number] {
  const host = local.address.includes(':') ? `[${local.address}]` : local.address;
  return {
    type: 'message',
    port: local.port,
    protocol: 'TCP/MSRP',
    payloads: '*',
    rtp: [],
    fmtp: [],
    invalid: [
      { value: 'accept-types:message/cpim text/plain' },
      // RFC 4975 8.1: the MSRP URI of this end, a session id of its own.
      { value: `path:msrp://${host}:${String(local.port)}/${String(sessionId)};tcp` },
    ],
  };
}

/** An SDP offer with one MSRP `message` stream on `local` (OMA CPM Session media, RFC 4975 8.1). */
export function messageSdp(local: MediaAddress, sessionId: number = Date.now()): string {
  return sessionSdp(local, [messageStream(local, sessionId)], sessionId);
}

/**
 * RFC 3264 6: the answer to an offer: its `message` streams accepted on
 * `local`, every other stream rejected with port 0, in the offer's order.
 * Undefined when the offer is not SDP.
 */
export function answerMessageOffer(
  offer: Uint8Array | string,
  local: MediaAddress,
  sessionId: number = Date.now(),
): string | undefined {
  let offered: SessionDescription;
  try {
    offered = parseSdp(offer);
  } catch {
    return undefined;
  }
  const media = offered.media.map((m) =>
    m.type === 'message' && m.port !== 0
      ? messageStream(local, sessionId)
      : { ...m, port: 0, invalid: [] },
  );
  return sessionSdp(local, media, sessionId);
}
