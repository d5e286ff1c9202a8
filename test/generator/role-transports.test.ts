/**
 * The transports of a generated role (RFC 3261 18: an element SHOULD listen on UDP and TCP):
 * `transports` in its configuration binds both on one address and port, the first named is the
 * one its URI advertises, and a list naming none is a located configuration error.
 */
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { SipCore } from '../../generated/roles/sip-core.js';
import { PocClient } from '../../generated/roles/poc-client.js';
import { RoleConfigError } from '../../generated/roles/role-support.js';

/** Whether a TCP connection to `port` on 127.0.0.1 is accepted. */
function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether the UDP port on 127.0.0.1 is taken (binding it fails). */
function udpTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(true));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
  });
}

describe('generated roles on UDP and TCP', () => {
  it('listen on both on one port and advertise the first transport in their URI and Contact', async () => {
    const core = await SipCore.start({
      label: 'core',
      address: '127.0.0.1',
      transports: ['tcp', 'udp'],
    });
    const client = await PocClient.start({
      label: 'client',
      address: '127.0.0.1',
      aor: 'sip:client@flowspec.test',
      user: 'client',
      transports: ['udp', 'tcp'],
    });
    try {
      expect(core.target.transport).toBe('tcp');
      expect(core.uri).toBe(`sip:127.0.0.1:${core.target.port};transport=tcp`);
      expect(await tcpAccepts(core.target.port)).toBe(true);
      expect(await udpTaken(core.target.port)).toBe(true);
      expect(client.target.transport).toBe('udp');
      expect(client.uri).toBe(`sip:client@127.0.0.1:${client.target.port}`);
      expect(await tcpAccepts(client.target.port)).toBe(true);
    } finally {
      await core.close();
      await client.close();
    }
  });

  it('listen on UDP only by default (a TCP connection is refused)', async () => {
    const core = await SipCore.start({ label: 'core', address: '127.0.0.1' });
    try {
      expect(core.target.transport).toBe('udp');
      expect(await tcpAccepts(core.target.port)).toBe(false);
    } finally {
      await core.close();
    }
  });

  it('reject a transports list that names none, or one twice, naming the role', async () => {
    await expect(
      SipCore.start({ label: 'core A', address: '127.0.0.1', transports: [] }),
    ).rejects.toThrow(new RoleConfigError('core A', 'transports', 'names no transport'));
    await expect(
      SipCore.start({ label: 'core A', address: '127.0.0.1', transports: ['tcp', 'tcp'] }),
    ).rejects.toBeInstanceOf(RoleConfigError);
  });
});
