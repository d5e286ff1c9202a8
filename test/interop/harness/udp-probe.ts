/**
 * One UDP request and its answer, for readiness probes of SIP peers: sent
 * from the test's own address so that the probe is inside the capture
 * filter only when the test wants it there.
 */
import { createSocket } from 'node:dgram';

/** Sends `build(localPort)` to host:port from `localAddress`; the first reply or undefined after `timeoutMs`. */
export function udpExchange(
  localAddress: string,
  host: string,
  port: number,
  build: (localPort: number) => string,
  timeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    let settled = false;
    const finish = (value: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('error', () => finish(undefined));
    socket.on('message', (msg) => finish(msg.toString('utf8')));
    socket.bind(0, localAddress, () => {
      socket.send(build(socket.address().port), port, host);
    });
  });
}

/** Sends one datagram and closes the socket (a capture sentinel). */
export function udpSend(
  localAddress: string,
  host: string,
  port: number,
  payload: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind(0, localAddress, () => {
      socket.send(payload, port, host, (err) => {
        socket.close();
        if (err) reject(err);
        else resolve();
      });
    });
  });
}
