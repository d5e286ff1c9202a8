/**
 * Participant addresses: "ip", "ip:port" or "[ipv6]:port" as a map gives
 * them (map-file.ts reads the `--map` file), and as the engine matches and
 * shows the endpoints it sees on the wire. Nothing here reads YAML: the
 * engine's thread of `flowspec diff` loads this, not the map's reader.
 */
import { isIP } from 'node:net';

/** An address a participant uses: an IP, with a port when the map gives one. */
export interface AddressSpec {
  readonly ip: string;
  readonly port?: number;
}

/** A transport endpoint seen on the wire. */
export interface WireEndpoint {
  readonly ip: string;
  readonly port: number;
}

/** A map file that cannot be used, with its place. */
export class AddressMapError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'AddressMapError';
  }
}

/** Parses "ip", "ip:port", "[ipv6]:port" or a bare IPv6 address. */
export function parseAddress(text: string): AddressSpec | undefined {
  const t = text.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) {
    const ip = bracket[1] ?? '';
    if (isIP(ip) !== 6) return undefined;
    return bracket[2] === undefined
      ? { ip: normalizeIp(ip) }
      : { ip: normalizeIp(ip), port: Number(bracket[2]) };
  }
  if (isIP(t)) return { ip: normalizeIp(t) };
  const m = /^([^:]+):(\d+)$/.exec(t);
  if (m && isIP(m[1] ?? '') === 4) return { ip: m[1] ?? '', port: Number(m[2]) };
  return undefined;
}

/** IPv6 in a canonical compressed form, so "::1" and "0:0::1" compare equal. */
export function normalizeIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

/** Formats an address spec as written in a map. */
export function formatAddress(a: AddressSpec | WireEndpoint): string {
  const host = a.ip.includes(':') ? `[${a.ip}]` : a.ip;
  return a.port === undefined ? a.ip : `${host}:${a.port}`;
}

/** True when an endpoint seen on the wire is one of the participant's addresses. */
export function addressMatches(specs: readonly AddressSpec[], seen: WireEndpoint): boolean {
  return specs.some((s) => s.ip === seen.ip && (s.port === undefined || s.port === seen.port));
}
