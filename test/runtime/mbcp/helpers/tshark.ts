import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One `<field>` of tshark's PDML output. */
export interface PdmlField {
  readonly name: string;
  readonly show: string;
  readonly showname: string;
  readonly value: string;
}

/** One RTCP packet (one `<proto name="rtcp">`) as tshark dissected it. */
export interface TsharkRtcp {
  readonly frame: number;
  readonly fields: readonly PdmlField[];
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&quot;': '"',
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&apos;': "'",
};

function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&(quot|amp|lt|gt|apos);/g, (m) => XML_ENTITIES[m] ?? m);
}

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(/(\w+)="([^"]*)"/g)) {
    if (m[1] !== undefined && m[2] !== undefined) attrs.set(m[1], unescapeXml(m[2]));
  }
  return attrs;
}

/**
 * Parses tshark's PDML (one element per line, as tshark prints it) into the
 * RTCP protos of each frame, with all fields of each proto flattened in order.
 */
export function parsePdmlRtcp(pdml: string): TsharkRtcp[] {
  const out: TsharkRtcp[] = [];
  let frame = 0;
  let current: PdmlField[] | undefined;
  for (const line of pdml.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('<packet>')) frame += 1;
    else if (trimmed.startsWith('<proto ')) {
      if (attributes(trimmed).get('name') === 'rtcp') {
        current = [];
        out.push({ frame, fields: current });
      } else current = undefined;
    } else if (trimmed.startsWith('</proto>')) current = undefined;
    else if (trimmed.startsWith('<field ') && current !== undefined) {
      const a = attributes(trimmed);
      current.push({
        name: a.get('name') ?? '',
        show: a.get('show') ?? '',
        showname: a.get('showname') ?? '',
        value: a.get('value') ?? '',
      });
    }
  }
  return out;
}

/** Runs `tshark -r FILE -d udp.port==PORT,rtcp -T pdml` and returns the RTCP protos. */
export async function tsharkRtcp(file: string, port: number): Promise<TsharkRtcp[]> {
  const { stdout } = await run(
    'tshark',
    ['-r', file, '-d', `udp.port==${port},rtcp`, '-T', 'pdml'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return parsePdmlRtcp(stdout);
}

/** Runs tshark and returns the UDP payload of every frame, as tshark extracts it. */
export async function tsharkUdpPayloads(file: string): Promise<Buffer[]> {
  const { stdout } = await run('tshark', ['-r', file, '-T', 'fields', '-e', 'udp.payload']);
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((hex) => Buffer.from(hex.replace(/:/g, ''), 'hex'));
}
