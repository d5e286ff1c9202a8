export { buildMalformedRequestReply } from './malformed-reply.js';
export { SipTransport } from './sip-transport.js';
export type { SipTransportOptions, TransportErrorListener } from './sip-transport.js';
export { CLOSE_LINGER_MS, INCOMPLETE_MESSAGE_TIMEOUT_MS } from './tcp-transport.js';
export type { TcpConnectionTiming } from './tcp-transport.js';
export { MalformedMessageError, TransportError } from './transport-errors.js';
export type {
  BindOptions,
  Endpoint,
  MessageTransport,
  ReceivedMessage,
  TraceDirection,
  TransportDelegate,
  TransportProtocol,
  TransportTarget,
  TransportTraceEvent,
  TransportTraceHook,
} from './transport-types.js';
export { targetOfUri, UnresolvableTargetError } from './target-of-uri.js';
