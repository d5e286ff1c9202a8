import { HNV, PARAM, PASSWORD, USER } from './char-classes.js';
import { SipParseError } from './sip-parse-error.js';
import { parseUri } from './uri.js';
import type { SipUri, Uri } from './uri.js';
import { escapeUri } from './uri-escaping.js';

/** The parts from which `createSipUri` builds a SIP URI. */
export interface SipUriParts {
  readonly scheme?: 'sip' | 'sips';
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** Host; IPv6 addresses with or without brackets. */
  readonly host: string;
  readonly port?: number | undefined;
  readonly params?: Iterable<readonly [string, string | null]>;
  readonly headers?: Iterable<readonly [string, string]>;
}

/** Builds a SIP URI, escaping each part as RFC 3261 19.1.2 requires, and validates it. */
export function createSipUri(parts: SipUriParts): SipUri {
  const host =
    parts.host.includes(':') && !parts.host.startsWith('[') ? `[${parts.host}]` : parts.host;
  let text = `${parts.scheme ?? 'sip'}:`;
  if (parts.user !== undefined) {
    text += escapeUri(parts.user, USER);
    if (parts.password !== undefined) text += `:${escapeUri(parts.password, PASSWORD)}`;
    text += '@';
  }
  text += host;
  if (parts.port !== undefined) text += `:${parts.port}`;
  for (const [name, value] of parts.params ?? []) {
    text += `;${escapeUri(name, PARAM)}${value === null ? '' : `=${escapeUri(value, PARAM)}`}`;
  }
  let sep = '?';
  for (const [name, value] of parts.headers ?? []) {
    text += `${sep}${escapeUri(name, HNV)}=${escapeUri(value, HNV)}`;
    sep = '&';
  }
  const uri = parseUri(text, 'name-addr');
  if (uri.kind !== 'sip') throw SipParseError.at('bad-uri', 'not a SIP URI', 0);
  return uri;
}

/** The URI as text (its `raw` form). */
export function formatUri(uri: Uri): string {
  return uri.raw;
}
