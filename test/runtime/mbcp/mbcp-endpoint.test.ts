import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MbcpAckTimeoutError,
  MbcpDecodeError,
  MbcpEndpoint,
  MbcpEndpointClosedError,
  MbcpEndpointOptionError,
  MbcpReceiveTimeoutError,
  encodeMbcp,
  type MbcpMessage,
  type MbcpPacketRecord,
} from '../../../runtime/mbcp/index.js';
import { LossyUdpRelay } from './helpers/lossy-udp-relay.js';

const SERVER_SSRC = 0x0b0b0b0b;
const CLIENT_SSRC = 0x0c0c0c0c;

// Figure 19 step A: PoC Server B sends the MBCP Disconnect to PoC Client B, asking for an acknowledgement.
const DISCONNECT: MbcpMessage = { kind: 'Disconnect', ssrc: SERVER_SSRC, ackRequired: true };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

// Intervals far above loopback round trips, so no retransmission fires that the test does not cause.
async function endpoint(retransmitIntervalMs = 150, maxTransmissions = 6, ssrc = CLIENT_SSRC) {
  const records: MbcpPacketRecord[] = [];
  const ep = await MbcpEndpoint.open({
    ssrc,
    retransmitIntervalMs,
    maxTransmissions,
    onPacket: (r) => records.push(r),
  });
  closers.push(() => ep.close());
  return { ep, records };
}

async function relay(a: MbcpEndpoint, b: MbcpEndpoint, dropFromA: number, dropFromB: number) {
  const r = await LossyUdpRelay.open({ a: a.local, b: b.local, dropFromA, dropFromB });
  closers.push(() => r.close());
  return r;
}

const summary = (records: MbcpPacketRecord[]) =>
  records.map((r) => `${r.direction} ${r.message?.kind ?? '-'} ${r.note}`);

describe('MbcpEndpoint over loopback UDP', () => {
  it('hands messages no receive waits for to its onMessage takers instead of queueing them', async () => {
    const server = await endpoint(150, 6, SERVER_SSRC);
    const client = await endpoint();
    const taken: string[] = [];
    const stop = client.ep.onMessage((r) => taken.push(r.message.kind));
    await server.ep.send(DISCONNECT, client.ep.local);
    expect(taken).toEqual(['Disconnect']);
    // A waiting receive still comes first (another message: the same bytes again are a duplicate);
    // without takers a message is queued again.
    const waiting = client.ep.receive((r) => r.message.kind === 'Disconnect');
    const second: MbcpMessage = { ...DISCONNECT, ssrc: SERVER_SSRC + 1 };
    await server.ep.send(second, client.ep.local);
    expect((await waiting).message).toEqual(second);
    stop();
    await server.ep.send({ ...DISCONNECT, ackRequired: false }, client.ep.local);
    const queued = await client.ep.receive((r) => r.message.kind === 'Disconnect');
    expect(queued.message.ackRequired).toBe(false);
    expect(taken).toEqual(['Disconnect']);
  });

  it('runs Figure 19 steps A and B: Disconnect, then the Media Burst Acknowledgement', async () => {
    const server = await endpoint(150, 6, SERVER_SSRC);
    const client = await endpoint();
    const sent = server.ep.send(DISCONNECT, client.ep.local);
    const got = await client.ep.receive((r) => r.message.kind === 'Disconnect');
    const result = await sent;

    expect(got.message).toEqual(DISCONNECT);
    expect(got.remote).toEqual(server.ep.local);
    expect(result.transmissions).toBe(1);
    expect(client.ep.ssrc).toBe(CLIENT_SSRC);
    expect(result.acknowledgement).toEqual({
      kind: 'Acknowledgement',
      ssrc: CLIENT_SSRC,
      ackRequired: false,
      acknowledgedSubtype: 27,
      reasonCode: 0,
    });
    expect(summary(server.records)).toEqual(['out Disconnect first', 'in Acknowledgement first']);
    expect(summary(client.records)).toEqual(['in Disconnect first', 'out Acknowledgement first']);
    const [out] = server.records;
    expect(out?.local).toEqual(server.ep.local);
    expect(out?.remote).toEqual(client.ep.local);
    expect(out?.bytes).toEqual(encodeMbcp(DISCONNECT));
    expect(client.records[0]?.bytes).toEqual(out?.bytes);
    expect(client.records[0]?.time).toBeGreaterThanOrEqual(out?.time ?? Infinity);
  });

  it('retransmits the Disconnect until it gets through when the first 2 are lost', async () => {
    const server = await endpoint();
    const client = await endpoint();
    const lossy = await relay(server.ep, client.ep, 2, 0);
    const result = await server.ep.send(DISCONNECT, lossy.address);

    expect(result.transmissions).toBe(3);
    expect(lossy.dropped.fromA).toHaveLength(2);
    expect(summary(server.records)).toEqual([
      'out Disconnect first',
      'out Disconnect retransmission',
      'out Disconnect retransmission',
      'in Acknowledgement first',
    ]);
    expect(summary(client.records)).toEqual(['in Disconnect first', 'out Acknowledgement first']);
    await client.ep.receive((r) => r.message.kind === 'Disconnect');
    await expect(client.ep.receive(() => true, 100)).rejects.toBeInstanceOf(
      MbcpReceiveTimeoutError,
    );
  });

  it('suppresses duplicates and acknowledges them again when the Acknowledgements are lost', async () => {
    const server = await endpoint();
    const client = await endpoint();
    const lossy = await relay(server.ep, client.ep, 0, 2);
    const result = await server.ep.send(DISCONNECT, lossy.address);

    expect(result.transmissions).toBe(3);
    expect(lossy.dropped.fromB).toHaveLength(2);
    expect(summary(client.records)).toEqual([
      'in Disconnect first',
      'out Acknowledgement first',
      'in Disconnect duplicate',
      'out Acknowledgement retransmission',
      'in Disconnect duplicate',
      'out Acknowledgement retransmission',
    ]);
    const delivered = await client.ep.receive((r) => r.message.kind === 'Disconnect');
    expect(delivered.message).toEqual(DISCONNECT);
    await expect(client.ep.receive(() => true, 100)).rejects.toBeInstanceOf(
      MbcpReceiveTimeoutError,
    );
  });

  it('gives up with a typed timeout after maxTransmissions', async () => {
    const server = await endpoint(10, 3);
    const client = await endpoint();
    const lossy = await relay(server.ep, client.ep, 100, 0);
    const error: unknown = await server.ep.send(DISCONNECT, lossy.address).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MbcpAckTimeoutError);
    const timeout = error as MbcpAckTimeoutError;
    expect(timeout.transmissions).toBe(3);
    expect(timeout.subtype).toBe(27);
    expect(timeout.location).toEqual({
      local: `127.0.0.1:${server.ep.local.port}`,
      remote: `127.0.0.1:${lossy.address.port}`,
    });
    expect(lossy.dropped.fromA).toHaveLength(3);
    expect(client.records).toEqual([]);
  });

  it('sends a message that asks for no acknowledgement once, and the peer does not acknowledge it', async () => {
    const server = await endpoint();
    const client = await endpoint();
    const idle: MbcpMessage = { kind: 'Idle', ssrc: SERVER_SSRC, ackRequired: false };
    const result = await server.ep.send(idle, client.ep.local);
    const got = await client.ep.receive();

    expect(result).toEqual({ transmissions: 1 });
    expect(got.message).toEqual(idle);
    expect(summary(client.records)).toEqual(['in Idle first']);
  });

  it('delivers an Acknowledgement nobody waits for to the application', async () => {
    const server = await endpoint();
    const client = await endpoint();
    const ack: MbcpMessage = {
      kind: 'Acknowledgement',
      ssrc: CLIENT_SSRC,
      ackRequired: false,
      acknowledgedSubtype: 15,
      reasonCode: 2,
    };
    await client.ep.send(ack, server.ep.local);
    expect((await server.ep.receive()).message).toEqual(ack);
  });

  it('reports a datagram that is not MBCP through the hook with a located error', async () => {
    const client = await endpoint();
    const raw = createSocket('udp4');
    closers.push(() => new Promise((resolve) => raw.close(() => resolve())));
    await new Promise<void>((resolve) => raw.bind(0, '127.0.0.1', resolve));
    raw.send(Buffer.from('BYE sip:b@x SIP/2.0\r\n'), client.ep.local.port, '127.0.0.1');
    await expect(client.ep.receive(() => true, 200)).rejects.toBeInstanceOf(
      MbcpReceiveTimeoutError,
    );

    expect(client.records).toHaveLength(1);
    expect(client.records[0]?.note).toBe('invalid');
    expect(client.records[0]?.error).toBeInstanceOf(MbcpDecodeError);
    expect(client.records[0]?.error?.field).toBe('version');
  });

  it('rejects a pending send with a typed error when closed', async () => {
    const server = await endpoint(1_000, 5);
    const client = await endpoint();
    const lossy = await relay(server.ep, client.ep, 100, 0);
    const pending = server.ep.send(DISCONNECT, lossy.address);
    await server.ep.close();
    await expect(pending).rejects.toBeInstanceOf(MbcpEndpointClosedError);
    await expect(server.ep.send(DISCONNECT, lossy.address)).rejects.toBeInstanceOf(
      MbcpEndpointClosedError,
    );
  });

  it.each([
    ['maxTransmissions', { maxTransmissions: 0 }],
    ['retransmitIntervalMs', { retransmitIntervalMs: 0.5 }],
    ['ssrc', { ssrc: 2 ** 32 }],
  ])('rejects option %s out of range before binding', async (option, options) => {
    const error: unknown = await MbcpEndpoint.open(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MbcpEndpointOptionError);
    expect((error as MbcpEndpointOptionError).option).toBe(option);
  });

  it('works on ::1 as well', async () => {
    const a = await MbcpEndpoint.open({ address: '::1', retransmitIntervalMs: 150 });
    closers.push(() => a.close());
    const b = await MbcpEndpoint.open({ address: '::1' });
    closers.push(() => b.close());
    const result = await a.send(DISCONNECT, b.local);
    expect(result.acknowledgement?.acknowledgedSubtype).toBe(27);
    expect((await b.receive()).remote).toEqual(a.local);
  });
});
