/**
 * The user plane of a PoC Client that SIPp plays: SIPp speaks no MBCP, so
 * the test opens the client's MBCP endpoint (runtime/mbcp) on the client's
 * address, on a port of its own that the SIPp scenario offers in its SDP
 * (OMA PoC user plane: MBCP in RTCP APP "PoC1"). The endpoint acknowledges
 * every message that asks for it on receipt (Connect, Disconnect) and keeps
 * a record of each packet in and out.
 */
import { MbcpEndpoint, type MbcpPacketRecord } from '../../../runtime/mbcp/index.js';
import type { Teardown } from './teardown.js';

/** An MBCP packet the peer sent or received. */
export interface MbcpPeerPacket {
  readonly direction: 'in' | 'out';
  /** The message kind ("Connect", "Acknowledgement"), "invalid" when it did not decode. */
  readonly kind: string;
  /** "first", "retransmission", "duplicate" or "invalid". */
  readonly note: string;
  /** "ip:port" of the other end. */
  readonly remote: string;
}

/** A running MBCP peer. */
export interface MbcpPeer {
  /** The UDP port it listens on: the port of the client's SDP offer. */
  readonly port: number;
  /** Every packet so far, in order. */
  readonly packets: readonly MbcpPeerPacket[];
}

/** Opens the MBCP endpoint of a client on `address`; registers its close with `teardown`. */
export async function startMbcpPeer(address: string, teardown: Teardown): Promise<MbcpPeer> {
  const packets: MbcpPeerPacket[] = [];
  const endpoint = await MbcpEndpoint.open({
    address,
    onPacket: (r: MbcpPacketRecord) =>
      packets.push({
        direction: r.direction,
        kind: r.message?.kind ?? 'invalid',
        note: r.note,
        remote: `${r.remote.address}:${r.remote.port}`,
      }),
  });
  teardown.add(`MBCP peer ${address}`, () => endpoint.close());
  // What it receives is in `packets`, not queued for a receive that never comes.
  endpoint.onMessage(() => undefined);
  return { port: endpoint.local.port, packets };
}
