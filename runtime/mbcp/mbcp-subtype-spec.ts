import type { ByteReader, ByteWriter } from './byte-cursor.js';
import type { MbcpKind, MbcpMessageOf } from './mbcp-types.js';

/** The fields of a message that live in the APP application-dependent data. */
export type MbcpBody<K extends MbcpKind> = Omit<MbcpMessageOf<K>, 'kind' | 'ssrc' | 'ackRequired'>;

/** How one subtype is named and how its application-dependent data is laid out. */
export interface MbcpSubtypeSpec<K extends MbcpKind = MbcpKind> {
  /** The 5-bit subtype without the 0x10 acknowledgement bit. */
  readonly code: number;
  readonly kind: K;
  /** The name the Wireshark RTCP dissector prints for this subtype. */
  readonly tsharkName: string;
  /** The name the OMA PoC control plane text uses (Figure 19: "MBCP Disconnect"). */
  readonly mbcpName: string;
  /**
   * Whether the 0x10 acknowledgement bit may be set. Only messages a PoC
   * Server sends ask for an Acknowledgement; Wireshark names only 18 (Taken).
   */
  readonly mayRequireAck: boolean;
  encodeBody(msg: MbcpMessageOf<K>, w: ByteWriter): void;
  /** `packetStart` is the absolute offset of the RTCP header, for 32-bit alignment. */
  decodeBody(r: ByteReader, packetStart: number): MbcpBody<K>;
}
