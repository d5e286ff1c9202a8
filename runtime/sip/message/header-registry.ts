import {
  checkContacts,
  checkRouteList,
  parseContacts,
  parseExpires,
  parseReferTo,
  parseRouteList,
} from './address-headers.js';
import {
  parseEvent,
  parseMessageUid,
  parsePrivacy,
  parseReasons,
  parseSubscriptionState,
  parseTargetDialog,
} from './extension-headers.js';
import { checkNameAddr, parseNameAddr } from './name-addr.js';
import {
  checkCallId,
  contentLengthAt,
  maxForwardsAt,
  parseCallId,
  parseContentLength,
  parseCSeq,
  parseDate,
  parseMaxForwards,
  parseMediaType,
  parseTokenList,
  readCSeq,
} from './simple-headers.js';
import { headerKey } from './header-names.js';
import type { SipHeaderField } from './sip-headers.js';
import { SipParseError } from './sip-parse-error.js';
import { checkVias, parseVias } from './via.js';

/** Parses one header line's value; the header name is for error messages. */
export type HeaderValueParser = (value: string, header: string) => unknown;

/**
 * The one parser for each header the message layer understands, by lookup
 * key. A field's parsed form is cached on it, so each line is parsed once.
 */
export const headerParsers: ReadonlyMap<string, HeaderValueParser> = new Map<
  string,
  HeaderValueParser
>([
  ['via', parseVias],
  ['from', parseNameAddr],
  ['to', parseNameAddr],
  ['contact', parseContacts],
  ['route', parseRouteList],
  ['record-route', parseRouteList],
  ['call-id', parseCallId],
  ['cseq', parseCSeq],
  ['max-forwards', parseMaxForwards],
  ['content-length', parseContentLength],
  ['date', parseDate],
  ['content-type', parseMediaType],
  ['expires', parseExpires],
  ['refer-to', parseReferTo],
  ['target-dialog', parseTargetDialog],
  ['subscription-state', parseSubscriptionState],
  ['event', parseEvent],
  ['privacy', parsePrivacy],
  ['reason', parseReasons],
  ['message-uid', parseMessageUid],
  ['require', parseTokenList],
  ['proxy-require', parseTokenList],
  ['supported', parseTokenList],
  ['unsupported', parseTokenList],
  ['allow', parseTokenList],
]);

/**
 * Headers checked while a message is parsed. RFC 4475 3.1.2 expects a
 * parser to reject messages whose To, From, Contact, Via, CSeq, Call-ID,
 * Max-Forwards, Content-Length or Date are malformed; the rest are parsed
 * when first read.
 */
export const eagerHeaders: ReadonlySet<string> = new Set([
  'via',
  'from',
  'to',
  'contact',
  'route',
  'record-route',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'date',
]);

/**
 * Checks the value at `start`..`end` of `text` as the header's parser parses it: the same
 * errors, located in `text`, without building its parsed form (nor, mostly, any string).
 */
export type HeaderValueChecker = (text: string, start: number, end: number, header: string) => void;

/** A parser run on the value cut out of `text`, its errors moved to where they are in `text`. */
function onSlice(parse: HeaderValueParser): HeaderValueChecker {
  return (text, start, end, header) => {
    try {
      parse(text.slice(start, end), header);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      throw SipParseError.at(error.code, error.reason, start + error.offset, error.header);
    }
  };
}

/**
 * The check of each eager header (the message parser's when it builds nothing, see
 * `checkMessage`): the same grammar as its parser in {@link headerParsers}, sharing its code.
 */
const headerCheckers: ReadonlyMap<string, HeaderValueChecker> = new Map<string, HeaderValueChecker>(
  [
    ['via', checkVias],
    ['from', checkNameAddr],
    ['to', checkNameAddr],
    ['contact', checkContacts],
    ['route', checkRouteList],
    ['record-route', checkRouteList],
    ['call-id', checkCallId],
    ['cseq', readCSeq],
    ['max-forwards', maxForwardsAt],
    ['content-length', contentLengthAt],
    // Rare, and short: checked on a copy of the value.
    ['date', onSlice(parseDate)],
  ],
);

/** The parsed form of a field, parsing and caching it on first use. */
export function parsedField(field: SipHeaderField): unknown {
  if (field.parsed === undefined) {
    const parser = headerParsers.get(field.key);
    field.parsed = parser ? parser(field.value, field.name) : field.value;
  }
  return field.parsed;
}

/** What the parser needs to know about a header name, looked up once per line. */
export interface HeaderInfo {
  readonly key: string;
  /** The parser to run while the message is parsed, when the header is eager. */
  readonly eager: HeaderValueParser | undefined;
  /** Its check, for a message checked rather than built (set when `eager` is). */
  readonly check: HeaderValueChecker | undefined;
}

const infoCache = new Map<string, HeaderInfo>();

/** A header name as written, with what the parser needs to know about it. */
export interface HeaderSpelling {
  readonly spelling: string;
  readonly info: HeaderInfo;
}

/** A spelling we expect often, found without slicing or hashing the name. */
export interface KnownSpelling extends HeaderSpelling {
  /** Its place in {@link knownSpellings}: the same in every thread, so it can stand for the name. */
  readonly id: number;
}

// Indexed by name length, then by the lower-cased first letter.
const known: KnownSpelling[][][] = [];

/** The common spellings, by id. */
export const knownSpellings: readonly KnownSpelling[] = [];

for (const spelling of [
  'Via',
  'v',
  'From',
  'f',
  'To',
  't',
  'Call-ID',
  'Call-Id',
  'i',
  'CSeq',
  'Contact',
  'm',
  'Max-Forwards',
  'Content-Length',
  'l',
  'Content-Type',
  'c',
  'Route',
  'Record-Route',
  'Date',
  'Expires',
  'Allow',
  'Supported',
  'k',
  'Require',
  'Accept',
  'User-Agent',
  'Server',
  'Event',
  'o',
  'Subscription-State',
  'Refer-To',
  'r',
  'Target-Dialog',
  'Privacy',
  'Reason',
  'Message-UID',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Accept-Contact',
  'Session-Expires',
  'Min-SE',
  'Referred-By',
  'Allow-Events',
]) {
  const first = spelling.charCodeAt(0) | 0x20;
  const byFirst = (known[spelling.length] ??= []);
  const entry = { spelling, info: headerInfo(spelling), id: knownSpellings.length };
  (knownSpellings as KnownSpelling[]).push(entry);
  (byFirst[first] ??= []).push(entry);
}

/**
 * The header at `start`..`end` of `text` when it is spelled as one of the
 * common names: returns the interned spelling and its info without
 * allocating, or undefined.
 */
export function knownHeaderAt(text: string, start: number, end: number): KnownSpelling | undefined {
  const candidates = known[end - start]?.[text.charCodeAt(start) | 0x20];
  if (candidates === undefined) return undefined;
  // A loop of charCodeAt compiles to plain loads; startsWith is a builtin call per candidate.
  search: for (const candidate of candidates) {
    const spelling = candidate.spelling;
    for (let i = 1; i < spelling.length; i++)
      if (text.charCodeAt(start + i) !== spelling.charCodeAt(i)) continue search;
    if (text.charCodeAt(start) === spelling.charCodeAt(0)) return candidate;
  }
  return undefined;
}

/** A name as written on the wire, with its key and eager parser (see {@link headerInfo}). */
export function headerSpelling(name: string): HeaderSpelling {
  return { spelling: name, info: headerInfo(name) };
}

/** Key and eager parser of a header name as written on the wire (cached per spelling). */
export function headerInfo(name: string): HeaderInfo {
  let info = infoCache.get(name);
  if (info === undefined) {
    const key = headerKey(name);
    const eager = eagerHeaders.has(key);
    info = {
      key,
      eager: eager ? headerParsers.get(key) : undefined,
      check: eager ? headerCheckers.get(key) : undefined,
    };
    // Bounded: unknown header names come from the network.
    if (infoCache.size < 4096) infoCache.set(name, info);
  }
  return info;
}
