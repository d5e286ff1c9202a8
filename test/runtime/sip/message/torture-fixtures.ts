import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SipParseErrorCode } from '../../../../runtime/sip/message/index.js';

/** The torture corpus, next to the checkout (../shared/fixtures/sip-torture). */
export const TORTURE_DIR = fileURLToPath(
  new URL('../../../../../shared/fixtures/sip-torture/', import.meta.url),
);

/** One torture message and what RFC 4475 / RFC 5118 say about it. */
export interface TortureCase {
  readonly rfc: 'rfc4475' | 'rfc5118';
  readonly name: string;
  readonly file: string;
  /** Must the parser reject it? */
  readonly invalid: boolean;
  /** For invalid ones: the error code we give. */
  readonly code?: SipParseErrorCode;
}

/** RFC 4475 3.1.2 and RFC 5118 4.x invalid messages, with the rule each breaks. */
export const INVALID: Readonly<Record<string, SipParseErrorCode>> = {
  badinv01: 'bad-param',
  clerr: 'content-length-mismatch',
  ncl: 'bad-content-length',
  scalar02: 'bad-cseq',
  scalarlg: 'bad-cseq',
  quotbal: 'bad-quoted-string',
  ltgtruri: 'bad-uri',
  lwsruri: 'bad-request-line',
  lwsstart: 'bad-request-line',
  trws: 'bad-request-line',
  escruri: 'bad-uri',
  baddate: 'bad-date',
  regbadct: 'bad-uri',
  badaspec: 'bad-uri',
  baddn: 'bad-uri',
  badvers: 'unsupported-version',
  mismatch01: 'cseq-method-mismatch',
  mismatch02: 'cseq-method-mismatch',
  bigcode: 'bad-status-code',
  'ipv6-bad': 'bad-host',
  'ipv6-bug-abnf-3-colons': 'bad-host',
};

/** Every file of the corpus. */
export function tortureCases(): TortureCase[] {
  const out: TortureCase[] = [];
  for (const rfc of ['rfc4475', 'rfc5118'] as const) {
    for (const file of readdirSync(`${TORTURE_DIR}${rfc}`).sort()) {
      const name = file.replace(/\.dat$/, '');
      const code = INVALID[name];
      out.push({
        rfc,
        name,
        file: `${TORTURE_DIR}${rfc}/${file}`,
        invalid: code !== undefined,
        code,
      });
    }
  }
  return out;
}

/** The bytes of one torture message by name (e.g. "wsinv"). */
export function torture(name: string): Buffer {
  const found = tortureCases().find((c) => c.name === name);
  if (!found) throw new TypeError(`no torture message ${name}`);
  return readFileSync(found.file);
}
