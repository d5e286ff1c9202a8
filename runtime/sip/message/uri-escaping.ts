import { isHex, isIn } from './char-classes.js';

/*
 * RFC 3261 19.1.2 escaping: %HH octets in URI parts. The raw text of a URI
 * is always kept; these give the parts their meaning and write new ones.
 */

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Resolves %HH escapes (RFC 3261 19.1.2). The octets are read as UTF-8;
 * sequences that are not UTF-8 become U+FFFD, while `raw` keeps the exact text.
 */
export function unescapeUri(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      c === 37 &&
      i + 2 < text.length &&
      isHex(text.charCodeAt(i + 1)) &&
      isHex(text.charCodeAt(i + 2))
    ) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      bytes.push(...Buffer.from(text[i] ?? '', 'utf8'));
    }
  }
  return decoder.decode(Uint8Array.from(bytes));
}

/** Escapes every character of `text` outside class `flag` as %HH of its UTF-8 octets. */
export function escapeUri(text: string, flag: number): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isIn(c, flag)) {
      out += text[i];
      continue;
    }
    for (const byte of Buffer.from(text[i] ?? '', 'utf8')) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Advances over characters of class `flag` and %HH escapes; returns the new index. */
export function scanEscaped(text: string, i: number, end: number, flag: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isIn(c, flag)) i++;
    else if (
      c === 37 &&
      i + 2 < end &&
      isHex(text.charCodeAt(i + 1)) &&
      isHex(text.charCodeAt(i + 2))
    )
      i += 3;
    else break;
  }
  return i;
}
