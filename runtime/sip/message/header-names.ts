/**
 * Header names: compact forms (RFC 3261 7.3.3 and the registry of RFC 3261
 * 27.3), the canonical spelling used when we write a header, and which
 * headers hold comma-separated lists (RFC 3261 7.3.1).
 */

const compact: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

const canonical: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'message-uid': 'Message-UID',
  'mime-version': 'MIME-Version',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
  rack: 'RAck',
  rseq: 'RSeq',
};

// RFC 3261 7.3.1: only headers whose grammar is a comma-separated list may be
// split (and combined); Authorization and friends contain commas of their own.
const lists = new Set([
  'accept',
  'accept-contact',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'allow',
  'allow-events',
  'call-info',
  'contact',
  'content-encoding',
  'content-language',
  'error-info',
  'history-info',
  'in-reply-to',
  'p-asserted-identity',
  'p-associated-uri',
  'p-preferred-identity',
  'path',
  'proxy-require',
  'reason',
  'record-route',
  'reject-contact',
  'request-disposition',
  'require',
  'route',
  'security-client',
  'security-server',
  'security-verify',
  'service-route',
  'supported',
  'unsupported',
  'via',
  'warning',
]);

const keyCache = new Map<string, string>();

/** The lookup key of a header name: lower-cased long form ("v" and "VIA" give "via"). */
export function headerKey(name: string): string {
  const cached = keyCache.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  const key = compact[lower] ?? lower;
  if (keyCache.size < 4096) keyCache.set(name, key);
  return key;
}

/** The spelling we write for a header key: "call-id" gives "Call-ID". */
export function canonicalHeaderName(name: string): string {
  const key = headerKey(name);
  const special = canonical[key];
  if (special !== undefined) return special;
  return key.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

/** Whether the header's grammar is a comma-separated list. */
export function isListHeader(name: string): boolean {
  return lists.has(headerKey(name));
}

/**
 * Splits a list header value on commas outside quoted strings and angle
 * brackets (RFC 3261 7.3.1), trimming white space around each element.
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}
