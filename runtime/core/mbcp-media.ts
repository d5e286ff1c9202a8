/**
 * The MBCP media of a session in SDP (RFC 4566, RFC 3264): a PoC user agent
 * offers the UDP port its MBCP endpoint listens on as an `application`
 * stream with the format `MBCP` (OMA PoC user plane: Media Burst Control
 * over the session's media path), and the answer gives the other end's
 * port. The peer of a session's MBCP is read from the other side's SDP.
 */
import { parseSdp } from '../sip/message/index.js';
import { sessionSdp } from './message-media.js';
import type { MbcpAddress } from '../mbcp/index.js';

/** The m-line format that names MBCP (OMA PoC user plane). */
export const MBCP_SDP_FORMAT = 'MBCP';

/**
 * An SDP description (offer or answer) with one `application` stream on the
 * MBCP endpoint's address and port (RFC 3264 5 and 6: the same stream in
 * offer and answer).
 */
export function mbcpSdp(local: MbcpAddress, sessionId: number = Date.now()): string {
  return sessionSdp(
    local,
    [
      {
        type: 'application',
        port: local.port,
        protocol: 'udp',
        payloads: MBCP_SDP_FORMAT,
        rtp: [],
        fmtp: [],
      },
    ],
    sessionId,
  );
}

/**
 * Where the other end receives MBCP: the address and port of the first
 * active `application` stream with the MBCP format, from its connection
 * line (media level first, RFC 4566 5.7). Undefined when the body is not
 * SDP or has no such stream.
 */
export function mbcpPeerOf(body: Uint8Array | string | undefined): MbcpAddress | undefined {
  if (body === undefined || body.length === 0) return undefined;
  let sdp;
  try {
    sdp = parseSdp(body);
  } catch {
    return undefined;
  }
  const media = sdp.media.find(
    (m) =>
      m.type === 'application' &&
      m.port !== 0 &&
      String(m.payloads ?? '')
        .split(/\s+/)
        .includes(MBCP_SDP_FORMAT),
  );
  const ip = media?.connection?.ip ?? sdp.connection?.ip;
  if (media === undefined || ip === undefined) return undefined;
  return { address: ip, port: media.port };
}
