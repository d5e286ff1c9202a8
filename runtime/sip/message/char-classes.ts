/**
 * Character classes of the SIP grammar (RFC 3261 section 25.1), as one
 * lookup table of bit flags so the scanners test a class with one load.
 */

/** token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" */
export const TOKEN = 1;
/** word (Call-ID): token chars plus ( ) < > : \ DQUOTE / [ ] ? { } */
export const WORD = 2;
/** unreserved: alphanum / mark */
export const UNRESERVED = 4;
/** user: unreserved plus user-unreserved & = + $ , ; ? / */
export const USER = 8;
/** password: unreserved plus & = + $ , */
export const PASSWORD = 16;
/** paramchar: unreserved plus param-unreserved [ ] / : & + $ */
export const PARAM = 32;
/** hname / hvalue: unreserved plus hnv-unreserved [ ] / ? : + $ */
export const HNV = 64;
/** uric (RFC 2396): reserved / unreserved */
export const URIC = 128;

const table = new Uint8Array(256);

function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) {
    const code = chars.charCodeAt(i);
    table[code] = (table[code] ?? 0) | flag;
  }
}

const alphanum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const markChars = "-_.!~*'()";
mark(alphanum, TOKEN | WORD | UNRESERVED | USER | PASSWORD | PARAM | HNV | URIC);
mark("-.!%*_+`'~", TOKEN | WORD);
mark('()<>:\\"/[]?{}', WORD);
mark(markChars, UNRESERVED | USER | PASSWORD | PARAM | HNV | URIC);
mark('&=+$,;?/', USER);
mark('&=+$,', PASSWORD);
mark('[]/:&+$', PARAM);
mark('[]/?:+$', HNV);
mark(';/?:@&=+$,', URIC);

/** Whether the character code `code` is in class `flag`. */
export function isIn(code: number, flag: number): boolean {
  return code < 256 && ((table[code] as number) & flag) !== 0;
}

/** Whether every character of `text` is in class `flag` (and it is not empty). */
export function allIn(text: string, flag: number): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 256 || ((table[code] ?? 0) & flag) === 0) return false;
  }
  return true;
}

/** ASCII digit. */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** ASCII letter. */
export function isAlpha(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** HEXDIG, either case. */
export function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** SP or HTAB. */
export function isWsp(code: number): boolean {
  return code === 32 || code === 9;
}
