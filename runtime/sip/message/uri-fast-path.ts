/**
 * One compiled expression for the SIP URIs most messages carry: a strict
 * subset of RFC 3261 25.1 SIP-URI (user, password, hostname or IPv4, port,
 * parameters; no URI headers, no IPv6). What it does not match goes to the
 * full scanner in uri.ts, which accepts the rest of the grammar or says
 * precisely what is wrong.
 */

// RFC 3261 25.1: escaped = "%" HEXDIG HEXDIG
const ESC = '%[0-9A-Fa-f]{2}';
// Runs of a character class with escapes between them, written so that every
// string splits one way only (no nested quantifier can backtrack).
const run = (chars: string): string => `[${chars}]*(?:${ESC}[${chars}]*)*`;
const nonEmptyRun = (chars: string): string => `(?=[${chars}%])${run(chars)}`;
// user = 1*( unreserved / escaped / user-unreserved )
const USER = nonEmptyRun("A-Za-z0-9\\-_.!~*'()&=+$,;?/");
// password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
const PASSWORD = run("A-Za-z0-9\\-_.!~*'()&=+$,");
// hostname = *( domainlabel "." ) toplabel [ "." ]
const LABEL = '[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*';
const TOP = '[A-Za-z][A-Za-z0-9]*(?:-+[A-Za-z0-9]+)*';
/** RFC 3261 25.1 hostname, as a pattern. */
export const HOSTNAME = `(?:${LABEL}\\.)*${TOP}\\.?`;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/** RFC 3261 25.1 IPv4address without leading zeros, as a pattern. */
export const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
// Longest alternatives first: nothing anchors the end, so the first match wins.
export const PORT =
  '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})';
// uri-parameter = pname [ "=" pvalue ], both 1*paramchar
const PARAM = nonEmptyRun("A-Za-z0-9\\-_.!~*'()\\[\\]/:&+$");

const HOSTPORT_PARAMS = `(?:${IPV4}|${HOSTNAME})(?::${PORT})?(?:;${PARAM}(?:=${PARAM})?)*`;
// Two expressions, with and without userinfo, chosen by whether an "@" is
// there: a user part that turns out to be a host would otherwise be read twice.
const WITH_USER = new RegExp(`[Ss][Ii][Pp][Ss]?:${USER}(?::${PASSWORD})?@${HOSTPORT_PARAMS}`, 'y');
const WITHOUT_USER = new RegExp(`[Ss][Ii][Pp][Ss]?:${HOSTPORT_PARAMS}`, 'y');

/** Whether `text` from `start` to exactly `end` is a SIP URI of the common shape. */
export function isCommonSipUri(text: string, start: number, end: number): boolean {
  const at = text.indexOf('@', start);
  const pattern = at >= 0 && at < end ? WITH_USER : WITHOUT_USER;
  pattern.lastIndex = start;
  return pattern.test(text) && pattern.lastIndex === end;
}
