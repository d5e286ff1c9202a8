import { isDigit } from './char-classes.js';
import { checkNameAddrAt, scanNameAddr } from './name-addr.js';
import type { NameAddr } from './name-addr.js';
import { ParamList, scanParams } from './header-params.js';
import type { HeaderParams } from './header-params.js';
import type { Uri } from './uri.js';
import { parseDeltaSeconds } from './simple-headers.js';
import { checkList, checkScanner, scanList, ValueScanner } from './value-scanner.js';

/** One Contact value (RFC 3261 20.10) with the GRUU parameters of RFC 5627. */
export interface SipContact extends NameAddr {
  /**
   * The expires parameter in seconds. RFC 3261 20.19: a malformed or
   * out-of-range value is treated as 3600, which RFC 4475 3.1.2.4 confirms.
   */
  readonly expires: number | undefined;
  /** The q parameter (RFC 3261 20.10), 0 to 1. */
  readonly q: number | undefined;
  /** The `+sip.instance` parameter without quotes and angle brackets (RFC 5626 4.1). */
  readonly instance: string | undefined;
  /** Whether the URI carries the `gr` parameter, making it a GRUU (RFC 5627 3.1). */
  readonly isGruu: boolean;
  /** The value of the URI's `gr` parameter when it has one (RFC 5627 3.1). */
  readonly gr: string | undefined;
}

/** A Contact header: the wildcard of a REGISTER (RFC 3261 10.2.2) or a list. */
export type SipContacts = '*' | readonly SipContact[];

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return text.length > 0;
}

/** A Contact value whose URI and parameters are read when first used. */
class ContactValue implements SipContact {
  private readonly address: NameAddr;

  constructor(address: NameAddr) {
    this.address = address;
  }

  get displayName(): string | undefined {
    return this.address.displayName;
  }

  get params(): HeaderParams {
    return this.address.params;
  }

  get form(): NameAddr['form'] {
    return this.address.form;
  }

  get uri(): Uri {
    return this.address.uri;
  }

  get expires(): number | undefined {
    const text = this.address.params.get('expires');
    if (text === undefined || text === null) return undefined;
    // RFC 3261 20.19: malformed values SHOULD be treated as equivalent to 3600.
    const n = text.length <= 10 && isDigits(text) ? Number(text) : NaN;
    return n <= 4294967295 ? n : 3600;
  }

  get q(): number | undefined {
    const text = this.address.params.get('q');
    return text === undefined || text === null ? undefined : Number(text);
  }

  get instance(): string | undefined {
    const text = this.address.params.get('+sip.instance');
    if (text === undefined || text === null) return undefined;
    // RFC 5626 4.1: +sip.instance = DQUOTE "<" instance-val ">" DQUOTE
    return text.startsWith('<') && text.endsWith('>') ? text.slice(1, -1) : text;
  }

  get gr(): string | undefined {
    const uri = this.address.uri;
    return uri.kind === 'sip' ? (uri.params.get('gr') ?? undefined) : undefined;
  }

  get isGruu(): boolean {
    const uri = this.address.uri;
    return uri.kind === 'sip' && uri.params.has('gr');
  }
}

// RFC 3261 25.1: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Checks the contact-params with a grammar of their own (RFC 3261 20.10, 25.1). */
function checkContactParams(params: HeaderParams, scanner: ValueScanner): void {
  if (params instanceof ParamList) {
    const expires = params.indexOf('expires');
    if (expires >= 0 && params.rawValueAt(expires) === null)
      scanner.fail('bad-param', 'the expires parameter needs a value');
    const q = params.indexOf('q');
    if (q >= 0 && !QVALUE.test(params.rawValueAt(q) ?? ''))
      scanner.fail('bad-param', 'bad q value');
  }
}

function toContact(address: NameAddr, scanner: ValueScanner): SipContact {
  checkContactParams(address.params, scanner);
  return new ContactValue(address);
}

/** Whether a Contact value is the wildcard (RFC 3261 10.2.2), white space around it aside. */
function isStar(text: string, start: number, end: number): boolean {
  // Most values hold no "*": they need no trimmed copy to tell.
  const star = text.indexOf('*', start);
  if (star < 0 || star >= end) return false;
  return (start === 0 && end === text.length ? text : text.slice(start, end)).trim() === '*';
}

/** RFC 3261 20.10: Contact = ( STAR / (contact-param *(COMMA contact-param))). */
export function parseContacts(value: string, header = 'Contact'): SipContacts {
  if (isStar(value, 0, value.length)) return '*';
  return scanList(value, header, 'bad-name-addr', (scanner) =>
    toContact(scanNameAddr(scanner), scanner),
  );
}

/** One contact-param checked; its parameters are built only when it has some. */
function checkContact(scanner: ValueScanner): void {
  checkNameAddrAt(scanner, false);
  checkContactParams(scanParams(scanner), scanner);
}

/**
 * Checks the value at `start`..`end` of `text` as {@link parseContacts} parses it (the same
 * errors, located in `text`).
 */
export function checkContacts(text: string, start: number, end: number, header = 'Contact'): void {
  if (isStar(text, start, end)) return;
  checkList(checkScanner(text, header, start, end), 'bad-name-addr', checkContact);
}

/** Refer-To (RFC 3515 2.1) with the method the referred request must use. */
export interface ReferTo extends NameAddr {
  /**
   * The `method` URI parameter (RFC 3261 19.1.1), e.g. "BYE" for the OMA PoC
   * leave procedure. In the addr-spec form RFC 3261 20.10 makes everything
   * after ";" a header parameter; OMA PoC 1.0 (Figure 17) writes
   * `sip:...;method=BYE` that way, so a header parameter `method` is read
   * too and `methodSource` says which one it was.
   */
  readonly method: string | undefined;
  readonly methodSource: 'uri' | 'header-param' | undefined;
}

/** RFC 3515 2.1: Refer-To = ("Refer-To" / "r") HCOLON ( name-addr / addr-spec ) *(SEMI refer-param). */
export function parseReferTo(value: string, header = 'Refer-To'): ReferTo {
  const scanner: ValueScanner = new ValueScanner(value, header);
  const address = scanNameAddr(scanner);
  scanner.expectEnd('bad-name-addr', 'the Refer-To address');
  const fromUri = address.uri.kind === 'sip' ? address.uri.params.get('method') : undefined;
  const fromParam = address.form === 'addr-spec' ? address.params.get('method') : undefined;
  if (fromUri === null || fromParam === null)
    scanner.fail('bad-param', 'the method parameter needs a value');
  const base = {
    displayName: address.displayName,
    uri: address.uri,
    params: address.params,
    form: address.form,
  };
  if (fromUri !== undefined) return { ...base, method: fromUri.toUpperCase(), methodSource: 'uri' };
  if (fromParam !== undefined)
    return { ...base, method: fromParam.toUpperCase(), methodSource: 'header-param' };
  return { ...base, method: undefined, methodSource: undefined };
}

/** Route and Record-Route values (RFC 3261 20.30, 20.34): name-addr only, never addr-spec. */
export function parseRouteList(value: string, header = 'Route'): NameAddr[] {
  return scanList(value, header, 'bad-name-addr', (scanner) => {
    const address = scanNameAddr(scanner);
    routeForm(address.form, scanner);
    return address;
  });
}

/** RFC 3261 25.1: route-param = name-addr *( SEMI rr-param ), never an addr-spec. */
function routeForm(form: NameAddr['form'], scanner: ValueScanner): void {
  if (form !== 'name-addr') {
    scanner.fail('bad-name-addr', `${scanner.header} values must be enclosed in "<" and ">"`);
  }
}

const checkRoute = (scanner: ValueScanner): void => routeForm(checkNameAddrAt(scanner), scanner);

/**
 * Checks the value at `start`..`end` of `text` as {@link parseRouteList} parses it (the same
 * errors, located in `text`), building nothing.
 */
export function checkRouteList(text: string, start: number, end: number, header = 'Route'): void {
  checkList(checkScanner(text, header, start, end), 'bad-name-addr', checkRoute);
}

/** Parses an Expires header (RFC 3261 20.19). */
export function parseExpires(value: string, header = 'Expires'): number {
  return parseDeltaSeconds(value, header);
}
