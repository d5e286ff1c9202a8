import type { SipMessage } from './sip-message.js';

/**
 * Writes a message in wire form. Header lines keep their order and
 * spelling; Content-Length is set to the body's length (RFC 3261 18.3,
 * 20.14), in place of the first existing one or at the end.
 */
export function serializeMessage(msg: SipMessage): Buffer {
  let head =
    msg.kind === 'request'
      ? `${msg.method} ${msg.requestUri} ${msg.version}\r\n`
      : `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  let lengthWritten = false;
  for (const field of msg.headers) {
    if (field.key === 'content-length') {
      if (!lengthWritten) head += `${field.name}: ${msg.body.length}\r\n`;
      lengthWritten = true;
      continue;
    }
    head += `${field.name}: ${field.value}\r\n`;
  }
  if (!lengthWritten) head += `Content-Length: ${msg.body.length}\r\n`;
  head += '\r\n';
  const headBytes = Buffer.from(head, 'utf8');
  if (msg.body.length === 0) return headBytes;
  return Buffer.concat([headBytes, msg.body]);
}
