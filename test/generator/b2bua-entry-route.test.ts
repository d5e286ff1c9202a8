/**
 * A B2BUA's own INVITE (an entry point: OMA CPM 8.3.2.3, CPM Participating Function A as the
 * other CPM entity starting the session) takes the path of its server legs: sent to the first
 * `outbound` hop (`outboundProxy`), with the second (`nextProxy`) as a loose Route (RFC 3261
 * 8.1.2, docs/run.md `run.<id>.outbound`), not straight to the second hop. Both hops are UDP
 * sockets on 127.0.0.1 that record what reaches them; the first answers 486 so the INVITE
 * transaction ends.
 */
import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { CpmPfOriginating } from '../../generated/roles/cpm-pf-originating.js';
import { FlowStepError } from '../../generated/roles/role-support.js';
import {
  createResponse,
  parseMessage,
  serializeMessage,
  SipRequest,
} from '../../runtime/sip/message/index.js';

/** A UDP socket on 127.0.0.1 standing for a proxy: it records the first request it receives. */
async function hop(): Promise<{ socket: Socket; port: number; first: Promise<SipRequest> }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const first = new Promise<SipRequest>((resolve) => {
    socket.on('message', (bytes) => {
      const message = parseMessage(bytes);
      if (message instanceof SipRequest && message.method === 'INVITE') resolve(message);
    });
  });
  return { socket, port: socket.address().port, first };
}

describe('a B2BUA entry point INVITE and its outbound hops', () => {
  it('goes to the first outbound hop with the second as a loose Route', async () => {
    const first = await hop();
    const second = await hop();
    const nextProxy = `sip:127.0.0.1:${second.port}`;
    const pf = await CpmPfOriginating.start({
      label: 'CPM Participating Function A',
      address: '127.0.0.1',
      timers: { t1: 20, t2: 80, t4: 100 },
      outboundProxy: { transport: 'udp', address: '127.0.0.1', port: first.port },
      nextProxy,
    });
    try {
      const requestUri = 'sip:clientB@127.0.0.1:5099';
      const started = pf.establishPfTerminating({ target: { requestUri } });
      const outcome = started.catch((e: unknown) => e);
      // Whichever hop the INVITE reaches first tells where it was sent.
      const reached = await Promise.race([
        first.first.then((invite) => ({ at: 'first', invite })),
        second.first.then((invite) => ({ at: 'second', invite })),
      ]);
      expect(reached.at).toBe('first');
      expect(reached.invite.requestUri).toBe(requestUri);
      expect(reached.invite.headers.getAll('Route')).toEqual([`<${nextProxy};lr>`]);
      // The first hop answers 486: the entry point's check of its 200 fails on it.
      const busy = createResponse(reached.invite, 486, 'Busy Here', { toTag: 'hop1' });
      first.socket.send(serializeMessage(busy), pf.target.port, '127.0.0.1');
      const error = await outcome;
      expect(error).toBeInstanceOf(FlowStepError);
      expect((error as FlowStepError).got).toBe(486);
    } finally {
      await pf.close();
      first.socket.close();
      second.socket.close();
    }
  });
});
