/**
 * Which wire endpoints are which participants. The map fixes some; the
 * others are inferred per instance at first sight (so each session of a
 * capture may have its own PoC Client), and per loop iteration for
 * `multiple` participants. The report aggregates what was inferred, with
 * the evidence of its first sighting.
 */
import {
  addressMatches,
  formatAddress,
  type AddressSpec,
  type WireEndpoint,
} from './address-map.js';
import type { ExpectedFlow } from './expected.js';
import type { MappingReport } from './report.js';

/** Endpoint equality: UDP compares ports, TCP and WebSocket only addresses (ephemeral client ports). */
export function sameEndpoint(a: WireEndpoint, b: WireEndpoint, transport: string): boolean {
  return a.ip === b.ip && (transport !== 'udp' || a.port === b.port);
}

/**
 * The iteration a `multiple` participant is bound in for message `m`: its loop iteration, or -1
 * outside loops, where it is the one participant that acted on its own (the IWF whose BYE starts
 * 8.2.2.3 item 6), not one of those a loop goes through ("each of the remaining IWFs").
 */
export function bindingIteration(
  m: { readonly context: { readonly loop?: string } },
  iteration: number,
): number {
  return m.context.loop === undefined ? -1 : iteration;
}

/**
 * The bindings one instance has made: participant -> endpoint, per iteration for multiple
 * participants; a participant's SIP endpoint and its media endpoint (where its MBCP comes from
 * and goes to, `media` set) are bound apart.
 */
export interface LocalBindings {
  get(participant: string, iteration: number, media?: boolean): WireEndpoint | undefined;
  set(participant: string, iteration: number, endpoint: WireEndpoint, media?: boolean): void;
  /** Every endpoint bound in the instance (SIP and media) with its participant. */
  all(): readonly Binding[];
  /** Whether a participant other than `p` has an endpoint (SIP or media) on address `ip`. */
  otherOnIp(p: string, ip: string): boolean;
  /** Whether a participant other than `p` is bound to `seen` (address and port). */
  otherAt(p: string, seen: WireEndpoint): boolean;
  /**
   * Whether `seen` (address and port) is bound to anything but participant `p` in iteration `it`:
   * another participant, or the same `multiple` participant in another iteration.
   */
  heldByOther(p: string, it: number, seen: WireEndpoint): boolean;
}

/** One binding of an instance: participant `participant` is at `endpoint`. */
export interface Binding {
  readonly participant: string;
  readonly endpoint: WireEndpoint;
  /** Its loop iteration for a `multiple` participant, -1 for any other. */
  readonly it: number;
  /** Set for the media endpoint (see {@link ParticipantBindings.mediaFits}). */
  readonly media: boolean;
}

/** Things {@link InstanceBindings} keeps per binding: participant, endpoint, iteration and media. */
const BOUND = 3;

/** The bindings of an instance that has made none: shared, never written. */
const NO_BINDINGS: unknown[] = [];

/**
 * {@link LocalBindings} of one instance, as one list: an instance binds a handful of endpoints,
 * which a scan finds sooner than a map finds a key it must first build ("p@it#media"). Per
 * binding three things rather than an object: the participant, the endpoint, and its iteration
 * and whether it is media in one small integer ((iteration + 1) * 2 + media); the list is made
 * with room for a binding per participant, as an open instance keeps it (promoted with it on a
 * busy capture) and a list grown by push reserves room for 17.
 */
export class InstanceBindings implements LocalBindings {
  /** The bindings in the order they were made, {@link BOUND} things each. */
  private bound: unknown[] = NO_BINDINGS;
  private size = 0;

  constructor(
    private readonly multiple: ReadonlySet<string>,
    /** Bindings made room for at the first: a flow's participants, say. */
    private readonly expected = 4,
  ) {}

  /** The iteration a binding of `p` is kept under: its own for a `multiple` participant. */
  private at(p: string, it: number): number {
    return this.multiple.has(p) ? it : -1;
  }

  get(p: string, it: number, media = false): WireEndpoint | undefined {
    // Whether `p` is `multiple` is asked only once a binding of it is found.
    let code: number | undefined;
    const bound = this.bound;
    for (let i = 0, end = this.size * BOUND; i < end; i += BOUND) {
      if (bound[i] !== p) continue;
      code ??= (this.at(p, it) + 1) * 2 + (media ? 1 : 0);
      if (bound[i + 2] === code) return bound[i + 1] as WireEndpoint;
    }
    return undefined;
  }

  set(p: string, it: number, e: WireEndpoint, media = false): void {
    if (this.get(p, it, media) !== undefined) return;
    const at = this.size * BOUND;
    if (this.bound === NO_BINDINGS)
      this.bound = new Array<unknown>(Math.max(1, this.expected) * BOUND).fill(undefined);
    else if (at >= this.bound.length)
      this.bound = this.bound.concat(new Array<unknown>(this.bound.length).fill(undefined));
    this.bound[at] = p;
    this.bound[at + 1] = e;
    this.bound[at + 2] = (this.at(p, it) + 1) * 2 + (media ? 1 : 0);
    this.size++;
  }

  all(): readonly Binding[] {
    const out: Binding[] = [];
    const bound = this.bound;
    for (let i = 0, end = this.size * BOUND; i < end; i += BOUND) {
      const code = bound[i + 2] as number;
      out.push({
        participant: bound[i] as string,
        endpoint: bound[i + 1] as WireEndpoint,
        it: Math.floor(code / 2) - 1,
        media: code % 2 === 1,
      });
    }
    return out;
  }

  otherOnIp(p: string, ip: string): boolean {
    const bound = this.bound;
    for (let i = 0, end = this.size * BOUND; i < end; i += BOUND)
      if (bound[i] !== p && (bound[i + 1] as WireEndpoint).ip === ip) return true;
    return false;
  }

  otherAt(p: string, seen: WireEndpoint): boolean {
    const bound = this.bound;
    for (let i = 0, end = this.size * BOUND; i < end; i += BOUND)
      if (bound[i] !== p && sameEndpoint(bound[i + 1] as WireEndpoint, seen, 'udp')) return true;
    return false;
  }

  heldByOther(p: string, it: number, seen: WireEndpoint): boolean {
    const at = this.at(p, it);
    const bound = this.bound;
    for (let i = 0, end = this.size * BOUND; i < end; i += BOUND) {
      const bit = Math.floor((bound[i + 2] as number) / 2) - 1;
      if (
        !(bound[i] === p && bit === at) &&
        sameEndpoint(bound[i + 1] as WireEndpoint, seen, 'udp')
      )
        return true;
    }
    return false;
  }
}

/** Endpoints counted per inferred participant for the report, at most. */
const MAX_ENDPOINTS_COUNTED = 4096;

/** Participant bindings of one check run: the map, and what instances inferred. */
export class ParticipantBindings {
  /**
   * Per participant its inferred endpoints (ip -> port -> instances, at most
   * {@link MAX_ENDPOINTS_COUNTED} of them: memory stays flat however many sessions a capture
   * holds), instances bound to endpoints past those, and the first evidence.
   */
  private readonly seen = new Map<
    string,
    {
      endpoints: Map<string, Map<number, number>>;
      distinct: number;
      uncounted: number;
      evidence: string;
    }
  >();

  /** Mapped participants whose every address in the map has one IP, with that IP. */
  private readonly oneIp = new Map<string, string>();

  constructor(
    private readonly expected: ExpectedFlow,
    private readonly map: ReadonlyMap<string, readonly AddressSpec[]>,
  ) {
    for (const [p, specs] of map) {
      const ip = specs[0]?.ip;
      if (ip !== undefined && specs.every((s) => s.ip === ip)) this.oneIp.set(p, ip);
    }
  }

  /**
   * Does `seen` fit participant `p` in an instance (iteration `it`)? Ports are compared; over TCP
   * (and WebSocket) a participant also sends from ephemeral ports, so there the address alone is
   * enough when no other participant uses it. MBCP (`rtcp`) comes from the participant's media
   * port, bound apart from its SIP endpoint (see {@link mediaFits}).
   */
  fits(
    p: string,
    seen: WireEndpoint,
    transport: string,
    local: LocalBindings,
    it: number,
  ): boolean {
    const stream = transport !== 'udp';
    const mapped = this.map.size === 0 ? undefined : this.map.get(p);
    if (mapped) {
      if (addressMatches(mapped, seen)) return true;
      return stream && mapped.some((m) => m.ip === seen.ip) && !this.ipSharedInMap(p, seen.ip);
    }
    if (transport === 'rtcp') return this.mediaFits(p, seen, local, it);
    const b = local.get(p, it);
    if (b) {
      if (sameEndpoint(b, seen, 'udp')) return true;
      if (!stream || b.ip !== seen.ip) return false;
      if (local.otherOnIp(p, seen.ip)) return false;
      return !this.ipSharedInMap(p, seen.ip);
    }
    // An unbound participant may not take an endpoint another participant holds in this instance or in the map.
    if (local.otherAt(p, seen)) return false;
    return !this.mappedElsewhere(seen);
  }

  /**
   * MBCP of a participant the map leaves out (OMA PoC UP: RTCP APP between the media ports the
   * SDP offered, not the SIP ports): its media endpoint once bound; before, an endpoint no other
   * participant holds, on the address of the participant's SIP endpoint when that is bound. A
   * PoC Client B whose Pre-established Session was set up before the capture started shows only
   * MBCP (Figure 19 steps A and B), and participants sharing one host stay apart by port.
   */
  private mediaFits(p: string, seen: WireEndpoint, local: LocalBindings, it: number): boolean {
    const media = local.get(p, it, true);
    if (media) return sameEndpoint(media, seen, 'udp');
    const sip = local.get(p, it);
    if (sip && sip.ip !== seen.ip) return false;
    if (local.heldByOther(p, it, seen)) return false;
    return !this.mappedElsewhere(seen);
  }

  /** True when the map gives `seen` (address and port) to a participant. */
  private mappedElsewhere(seen: WireEndpoint): boolean {
    // Without a map (every participant inferred), asked for every step tried: no iterator.
    if (this.map.size === 0) return false;
    for (const [, specs] of this.map) if (addressMatches(specs, seen)) return true;
    return false;
  }

  /** True when the map fixes the participant's address. */
  isMapped(p: string): boolean {
    return this.map.has(p);
  }

  /**
   * The IP address the map gives `p`, when all its addresses there have one; undefined for a
   * participant the map leaves out or gives several. No message from another address {@link fits}
   * it, whatever the transport: a quick test can rule a step out on that alone.
   */
  mappedIp(p: string): string | undefined {
    return this.oneIp.size === 0 ? undefined : this.oneIp.get(p);
  }

  /**
   * The IP address `p` has in an instance whose bindings are `local` (iteration `it`): the one
   * the map gives it, else the one it is bound to; undefined when it is free or mapped to several.
   */
  knownIp(p: string, local: LocalBindings, it: number): string | undefined {
    const mapped = this.mappedIp(p);
    if (mapped !== undefined) return mapped;
    return this.isMapped(p) ? undefined : local.get(p, it)?.ip;
  }

  private ipSharedInMap(p: string, ip: string): boolean {
    for (const [q, specs] of this.map) if (q !== p && specs.some((s) => s.ip === ip)) return true;
    return false;
  }

  /**
   * Binds `p` to `seen` in the instance when the map does not fix it, and records the sighting;
   * `evidence` is asked for only at the participant's first sighting (as `evidence(role, step)`).
   */
  bind<T>(
    p: string,
    seen: WireEndpoint,
    evidence: (role: T) => string,
    role: T,
    local: LocalBindings,
    it: number,
    media = false,
  ): void {
    if (this.map.has(p) || local.get(p, it, media)) return;
    local.set(p, it, seen, media);
    let entry = this.seen.get(p);
    if (entry === undefined) {
      entry = { endpoints: new Map(), distinct: 0, uncounted: 0, evidence: evidence(role) };
      this.seen.set(p, entry);
    }
    // Counted by address and port, formatted only for the report.
    const ports = entry.endpoints.get(seen.ip);
    const n = ports?.get(seen.port);
    if (n !== undefined) ports?.set(seen.port, n + 1);
    else if (entry.distinct >= MAX_ENDPOINTS_COUNTED) entry.uncounted++;
    else {
      entry.distinct++;
      if (ports) ports.set(seen.port, 1);
      else entry.endpoints.set(seen.ip, new Map([[seen.port, 1]]));
    }
  }

  /** The mapping as reported: mapped addresses, or the inferred ones (most seen first, at most 8). */
  report(): Record<string, MappingReport> {
    const out: Record<string, MappingReport> = {};
    for (const [id, p] of this.expected.flow.participants) {
      const mapped = this.map.get(id);
      const inf = this.seen.get(id);
      if (mapped) out[id] = { label: p.label, addresses: mapped.map(formatAddress), source: 'map' };
      else if (inf) {
        const all: [string, number][] = [];
        for (const [ip, ports] of inf.endpoints)
          for (const [port, n] of ports) all.push([formatAddress({ ip, port }), n]);
        all.sort((a, b) => b[1] - a[1]);
        const shown = all.slice(0, 8).map(([a]) => a);
        const onePerInstance = inf.uncounted === 0 && all.every(([, n]) => n === 1);
        const more =
          inf.uncounted > 0
            ? `; more than ${all.length} addresses in all (${all.length + inf.uncounted} instances)`
            : all.length > 8
              ? `; ${all.length} addresses in all${onePerInstance ? ', one per instance' : ''}`
              : '';
        out[id] = {
          label: p.label,
          addresses: shown,
          source: 'inferred',
          evidence: `${inf.evidence}${more}`,
        };
      } else out[id] = { label: p.label, addresses: [], source: 'unresolved' };
    }
    return out;
  }
}
