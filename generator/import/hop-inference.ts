/**
 * Relations between the hops of a figure, inferred where they are obvious: a
 * request that arrives at a participant and leaves it again unanswered is
 * relayed (RFC 3261 16.6); a response retraces its request's path (RFC 3261
 * 16.7); a participant that answered what it received and then sends the same
 * method starts a new request (a B2BUA), after what it received.
 */

/** One hop as the text gives it. */
export interface Hop {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly kind: 'request' | 'response' | 'other';
  readonly method?: string;
}

/** What was inferred for a hop. */
export interface HopRelations {
  relays?: string;
  answers?: string;
  after?: string;
  /** Method of the request a response belongs to. */
  method?: string;
}

interface State {
  readonly hop: Hop;
  readonly rel: HopRelations;
  relayed: boolean;
  answered: boolean;
}

/** Infers relays, answers and after for hops in text order. */
export class HopGraph {
  private readonly states: State[] = [];

  /** Adds the next hop and returns what it relays, answers or follows. */
  add(hop: Hop): HopRelations {
    const rel: HopRelations = {};
    const at = (s: State): boolean => s.hop.to === hop.from;
    const pending = [...this.states].reverse();
    if (hop.kind === 'request') {
      const incoming = pending.find(
        (s) =>
          at(s) &&
          s.hop.kind === 'request' &&
          s.hop.method === hop.method &&
          !s.relayed &&
          !s.answered,
      );
      if (incoming) {
        rel.relays = incoming.hop.id;
        incoming.relayed = true;
      } else {
        const cause = pending.find(
          (s) => at(s) && s.hop.kind === 'request' && s.hop.method === hop.method,
        );
        if (cause) rel.after = cause.hop.id;
      }
      rel.method = hop.method ?? '';
    } else if (hop.kind === 'response') {
      const back = pending.find((s) => at(s) && s.hop.kind === 'response' && !s.relayed);
      // Only a participant that relayed a request relays its response; a UAC keeps it.
      const relayedReq = pending.find(
        (s) => at(s) && s.hop.kind === 'request' && s.relayed && !s.answered,
      );
      if (back && relayedReq) {
        rel.relays = back.hop.id;
        back.relayed = true;
        rel.method = back.rel.method ?? '';
        relayedReq.answered = true;
      } else {
        const req = pending.find(
          (s) => at(s) && s.hop.kind === 'request' && !s.relayed && !s.answered,
        );
        if (req) {
          rel.answers = req.hop.id;
          req.answered = true;
          rel.method = req.hop.method ?? '';
        }
      }
    }
    this.states.push({ hop, rel, relayed: false, answered: false });
    return rel;
  }

  /**
   * The way back of the response that `lastResponse` is part of: the
   * participants its request crossed, from the responder back to the sender.
   */
  pathBack(lastResponse: string): string[] {
    const byId = new Map(this.states.map((s) => [s.hop.id, s]));
    let cur = byId.get(lastResponse);
    let done = 0;
    while (cur?.rel.relays !== undefined) {
      done++;
      cur = byId.get(cur.rel.relays);
    }
    if (cur?.rel.answers === undefined) return [];
    const chain: Hop[] = [];
    let req = byId.get(cur.rel.answers);
    while (req) {
      chain.unshift(req.hop);
      req = req.rel.relays !== undefined ? byId.get(req.rel.relays) : undefined;
    }
    const first = chain[0];
    if (!first) return [];
    const nodes = [first.from, ...chain.map((h) => h.to)].reverse();
    // The response already went `done + 1` hops back.
    return nodes.slice(done + 1);
  }
}
