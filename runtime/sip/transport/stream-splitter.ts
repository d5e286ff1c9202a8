import { SipStreamFramer } from '../message/index.js';
import type { StreamSplitter } from './tcp-transport.js';

/** RFC 3261 18.3: a new Content-Length framer for one TCP connection (the message layer's framer). */
export function createStreamSplitter(): StreamSplitter {
  return new SipStreamFramer();
}
