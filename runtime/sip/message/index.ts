/**
 * The SIP message layer (RFC 3261 section 7, 20, 25 and extensions): parse,
 * build, serialize and frame messages, and read their headers typed.
 */
export { SipParseError, SipHeaderCountError } from './sip-parse-error.js';
export type { SipParseErrorCode, SipErrorLocation } from './sip-parse-error.js';
export { SipRequest, SipResponse } from './sip-message.js';
export type { SipMessage } from './sip-message.js';
export { SipHeaders, SipHeaderField } from './sip-headers.js';
export { headerKey, canonicalHeaderName, isListHeader, splitHeaderList } from './header-names.js';
export { checkMessage, parseMessage } from './message-parser.js';
export type { ParseOptions } from './message-parser.js';
export { serializeMessage } from './message-serializer.js';
export {
  createRequest,
  createResponse,
  generateBranch,
  prependVia,
  generateTag,
  generateCallId,
  BRANCH_COOKIE,
  REASON_PHRASES,
} from './message-builders.js';
export type { RequestOptions, ResponseOptions } from './message-builders.js';
export { SipStreamFramer } from './stream-framer.js';
export type { FramerOptions } from './stream-framer.js';
export { parseUri } from './uri.js';
export { createSipUri, formatUri } from './uri-builder.js';
export type { SipUriParts } from './uri-builder.js';
export { unescapeUri } from './uri-escaping.js';
export type { Uri, SipUri, TelUri, UrnUri, AbsoluteUri, UriParams, UriContext } from './uri.js';
export { hostAddress, isIpv4, isIpv6, isHostname } from './host.js';
export type { HostKind, HostPort } from './host.js';
export { parseNameAddr, parseNameAddrList, formatNameAddr } from './name-addr.js';
export type { NameAddr, NameAddrParts } from './name-addr.js';
export { formatParams, quoteString } from './header-params.js';
export type { HeaderParams } from './header-params.js';
export { parseVias, formatVia } from './via.js';
export type { Via, ViaParts } from './via.js';
export { parseContacts, parseReferTo, parseRouteList, parseExpires } from './address-headers.js';
export type { SipContact, SipContacts, ReferTo } from './address-headers.js';
export {
  parseTargetDialog,
  parseSubscriptionState,
  parseEvent,
  parsePrivacy,
  parseReasons,
  parseMessageUid,
} from './extension-headers.js';
export type {
  TargetDialog,
  SubscriptionState,
  EventHeader,
  ReasonValue,
} from './extension-headers.js';
export {
  parseCSeq,
  parseCallId,
  parseMaxForwards,
  parseContentLength,
  parseDeltaSeconds,
  parseDate,
  parseMediaType,
  parseTokenWithParams,
  parseTokenList,
  isToken,
} from './simple-headers.js';
export type { CSeq, MediaType, TokenWithParams } from './simple-headers.js';
export {
  getVias,
  getTopVia,
  getFrom,
  getTo,
  getTag,
  getCallId,
  getCSeq,
  getMaxForwards,
  getContentLength,
  getExpires,
  getContentType,
  getContacts,
  getRoutes,
  getRecordRoutes,
  getReferTo,
  getTargetDialog,
  getSubscriptionState,
  getEvent,
  getPrivacy,
  getReasons,
  getMessageUid,
  getTokens,
} from './header-accessors.js';
export type { HasHeaders } from './header-accessors.js';
export { parseSipFrag, serializeSipFrag, statusSipFrag } from './sipfrag.js';
export type { SipFrag, SipFragParts } from './sipfrag.js';
export { parseSdp, serializeSdp } from './sdp-body.js';
export type { SessionDescription } from './sdp-body.js';
export { validateRequest, validateResponse } from './message-validation.js';
export type { ValidationPolicy, Rejection, Discard } from './message-validation.js';
