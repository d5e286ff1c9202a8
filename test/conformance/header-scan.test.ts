import { describe, expect, it } from 'vitest';
import { contactUri, tagOf } from '../../generator/conformance/dialog-summary.js';
import {
  bracketed,
  branchStart,
  cseqMethodOf,
  cseqNumber,
  hasTag,
  paramEnd,
  tagEnd,
  tagStart,
} from '../../generator/conformance/header-scan.js';

/** The regular expressions the scanners stand for. */
const BRANCH = /;\s*branch\s*=\s*([^;,\s]+)/i;
const TAG = /;\s*tag\s*=\s*([^;>\s,]+)/i;
const CSEQ = /^\s*(\d+)\s+(\S+)/;
const CSEQ_NUMBER = /^\s*(\d+)/;

function branchByRegex(via: string): string | undefined {
  const comma = via.indexOf(',');
  return BRANCH.exec(comma < 0 ? via : via.slice(0, comma))?.[1];
}

function branchByScan(via: string): string | undefined {
  const start = branchStart(via);
  return start < 0 ? undefined : via.slice(start, paramEnd(via, start, false));
}

function tagByScan(value: string): string | undefined {
  const start = tagStart(value);
  return start < 0 ? undefined : value.slice(start, tagEnd(value, start));
}

/** A small deterministic generator (xorshift), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Strings made of the pieces the grammars care about: separators, spaces of every kind, names. */
function texts(pieces: readonly string[], count: number, seed: number): string[] {
  const next = random(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const n = Math.floor(next() * 12);
    for (let j = 0; j < n; j++) s += pieces[Math.floor(next() * pieces.length)] ?? '';
    out.push(s);
  }
  return out;
}

const SPACES = [' ', '\t', '\u00a0', '\u2003', '\ufeff', '\r\n'];

describe('header scanning', () => {
  it('finds the branch the regular expression finds', () => {
    const pieces = [';', ',', '=', 'branch', 'BrAnCh', 'bra', 'z9hG4bK', 'x', '>', '<', ...SPACES];
    for (const via of [
      'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1;rport',
      'SIP/2.0/UDP a ; BRANCH = z9hG4bK-2 , SIP/2.0/UDP b;branch=z9hG4bK-3',
      'SIP/2.0/UDP a, SIP/2.0/UDP b;branch=z9hG4bK-4',
      'SIP/2.0/UDP a;branch=;branch=z9hG4bK-5',
      'SIP/2.0/UDP a;branch= ,x',
      ...texts(pieces, 5000, 7),
    ])
      expect(branchByScan(via), JSON.stringify(via)).toBe(branchByRegex(via));
  });

  it('finds the tag the regular expression finds', () => {
    const pieces = [';', ',', '=', 'tag', 'TAG', 'ta', 'abc', '<sip:a@b>', '>', ...SPACES];
    for (const value of [
      '<sip:alice@a.example>;tag=1928301774',
      '"Bob" <sip:bob@b.example;tag=uri> ; Tag = 42',
      '<sip:carol@c.example>',
      'sip:dave@d.example;tag=',
      ...texts(pieces, 5000, 11),
    ]) {
      const want = TAG.exec(value)?.[1];
      expect(tagByScan(value), JSON.stringify(value)).toBe(want);
      expect(tagOf(value)).toBe(value ? want : undefined);
      expect(hasTag(value, want)).toBe(true);
      expect(hasTag(value, `${want ?? ''}x`)).toBe(false);
    }
    expect(hasTag(undefined, undefined)).toBe(true);
    expect(hasTag(undefined, 'a')).toBe(false);
  });

  it('reads the CSeq number and method the regular expressions read', () => {
    const pieces = ['1', '42', '007', ' ', '\t', '\u00a0', 'INVITE', 'BYE', 'x', ';', ...SPACES];
    for (const cseq of [
      '1 INVITE',
      '  314159   BYE  ',
      '12a BYE',
      '99999999999999999999 ACK',
      '7',
      '',
      ...texts(pieces, 5000, 13),
    ]) {
      const m = CSEQ.exec(cseq);
      expect(cseqMethodOf(cseq), JSON.stringify(cseq)).toBe(m?.[2]);
      const n = CSEQ_NUMBER.exec(cseq);
      expect(cseqNumber(cseq)).toEqual(n ? Number(n[1]) : NaN);
    }
    expect(cseqMethodOf(undefined)).toBeUndefined();
  });

  it('reads a Contact URI as before', () => {
    const byRegex = (contact: string): string | undefined => {
      const m = /<([^>]*)>/.exec(contact);
      return (m ? m[1] : contact.split(';')[0])?.trim();
    };
    const pieces = ['<', '>', ';', 'sip:a@b', ' ', 'expires=3', '"A"'];
    for (const contact of ['<sip:a@b>;expires=3', 'sip:a@b;lr', ...texts(pieces, 3000, 17)]) {
      if (!contact) continue;
      expect(contactUri(contact), JSON.stringify(contact)).toBe(byRegex(contact));
      expect(bracketed(contact)).toBe(/<([^>]*)>/.exec(contact)?.[1]);
    }
  });
});
