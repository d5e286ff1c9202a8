/** Free UDP ports on loopback and probes for processes that bind them. */
import { createSocket } from 'node:dgram';

/** A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Whether some process has bound 127.0.0.1:`port` (our own bind attempt fails with EADDRINUSE). */
export async function isUdpPortBound(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(true);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
  });
}

/** Sends `payload` to 127.0.0.1:`port` and resolves with the first datagram back, or undefined after `timeoutMs`. */
export async function udpExchange(
  port: number,
  payload: (localPort: number) => string,
  timeoutMs: number,
): Promise<string | undefined> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (reply: string | undefined): void => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    socket.once('message', (data) => finish(data.toString('utf8')));
    socket.send(payload(socket.address().port), port, '127.0.0.1');
  });
}
