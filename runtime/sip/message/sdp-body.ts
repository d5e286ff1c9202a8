import { parse as parseSdpText, write as writeSdpText } from 'sdp-transform';
import type { SessionDescription } from 'sdp-transform';
import { SipParseError } from './sip-parse-error.js';

export type { SessionDescription } from 'sdp-transform';

/**
 * Parses an application/sdp body (RFC 4566) with the sdp-transform
 * package. It is lenient, so the mandatory v=, o=, s= and t= lines (RFC 4566
 * 5) are checked here; throws SipParseError (code `bad-sdp`).
 */
export function parseSdp(body: Uint8Array | string): SessionDescription {
  const text =
    typeof body === 'string'
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // RFC 4566 5: an SDP description starts with "v=0".
  if (!text.startsWith('v=0')) throw SipParseError.at('bad-sdp', 'SDP must start with "v=0"', 0);
  const sdp = parseSdpText(text);
  if (sdp.origin === undefined) throw SipParseError.at('bad-sdp', 'SDP has no o= line', 0);
  if (sdp.timing === undefined) throw SipParseError.at('bad-sdp', 'SDP has no t= line', 0);
  return sdp;
}

/** Writes an SDP body (CRLF line ends, RFC 4566 5). */
export function serializeSdp(sdp: SessionDescription): Buffer {
  return Buffer.from(writeSdpText(sdp), 'utf8');
}
