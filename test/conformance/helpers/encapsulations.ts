/**
 * Synthesised messages written as captures in each encapsulation the
 * reader handles: pcap over UDP, over TCP, over IPv6, with IPv4 fragments
 * (every message split), and pcapng with two interfaces of different link
 * types and timestamp resolutions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthMessage } from '../../../bench/fixtures/synthesize-trace.js';
import { encodePcap, type PcapPacket } from '../../../runtime/trace/pcap-writer.js';
import {
  writePcap,
  writePcapng,
  type CraftedPacket,
} from '../../capture/helpers/capture-writer.js';
import {
  ETH_IPV4,
  ethernet,
  ipv4,
  ipv4Fragments,
  sll,
  udp,
} from '../../capture/helpers/packet-builder.js';

/** The encapsulations every seed flow is checked in. */
export const ENCAPSULATIONS = ['udp', 'tcp', 'ipv6', 'fragments', 'pcapng'] as const;
/** One encapsulation. */
export type Encapsulation = (typeof ENCAPSULATIONS)[number];

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
/** IPv4 fragment payload size: every SIP message of the seed flows spans several fragments. */
const FRAGMENT_SIZE = 128;

let dir: string | undefined;

/** A fresh file name in the tests' temporary directory. */
export function tempFile(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'flowspec-seed-'));
  return join(dir, name);
}

function packets(messages: readonly SynthMessage[]): PcapPacket[] {
  return messages.map((m) => (m.text ? { ...m.packet, payload: Buffer.from(m.text) } : m.packet));
}

function timeOf(p: PcapPacket): { sec: number; nsec: number } {
  return { sec: Number(p.timeNs / 1_000_000_000n), nsec: Number(p.timeNs % 1_000_000_000n) };
}

function udpDatagram(p: PcapPacket, id: number): Uint8Array {
  return ipv4(
    { src: p.src.address, dst: p.dst.address, protocol: 17, id },
    udp(p.src.port, p.dst.port, p.payload),
  );
}

/**
 * Writes messages synthesised for UDP (IPv4, or IPv6 for `ipv6`; TCP ones for `tcp`) in the
 * encapsulation; returns the file.
 */
export function writeEncapsulated(
  messages: readonly SynthMessage[],
  encapsulation: Encapsulation,
  name: string,
): string {
  const list = packets(messages);
  const file = tempFile(`${name}.${encapsulation === 'pcapng' ? 'pcapng' : 'pcap'}`);
  switch (encapsulation) {
    case 'udp':
    case 'tcp':
    case 'ipv6':
      writeFileSync(file, encodePcap(list));
      break;
    case 'fragments': {
      // RFC 791 3.2: each datagram split into fragments sharing its identification.
      const crafted: CraftedPacket[] = list.flatMap((p, i) =>
        ipv4Fragments(
          { src: p.src.address, dst: p.dst.address, protocol: 17, id: i + 1 },
          udp(p.src.port, p.dst.port, p.payload),
          FRAGMENT_SIZE,
        ).map((data) => ({ ...timeOf(p), data })),
      );
      writeFileSync(file, writePcap({ linkType: LINKTYPE_RAW, nanosecond: true }, crafted));
      break;
    }
    case 'pcapng': {
      // Two capture points: Ethernet with an 802.1Q tag at microseconds and Linux cooked at nanoseconds; a message
      // goes on the interface of its sender's parity so both carry every dialog.
      const blocks = list.map((p, i) => {
        const interfaceId = Number(p.src.address.split('.').at(-1) ?? 0) % 2;
        const ip = udpDatagram(p, i + 1);
        const data = interfaceId === 0 ? ethernet(ETH_IPV4, ip, [100]) : sll(ETH_IPV4, ip);
        return { kind: 'epb' as const, interfaceId, packet: { ...timeOf(p), data } };
      });
      writeFileSync(
        file,
        writePcapng([
          {
            interfaces: [
              { linkType: LINKTYPE_ETHERNET, tsresol: 6 },
              { linkType: LINKTYPE_LINUX_SLL, tsresol: 9 },
            ],
            blocks,
          },
        ]),
      );
      break;
    }
  }
  return file;
}
