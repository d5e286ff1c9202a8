/**
 * A capture as a draft flow (`flowspec ladder`): participants from the
 * addresses seen, steps from the messages in wire order, proxy hops as
 * `relays`, responses as `answers`, one `dialog` per Call-ID, and
 * retransmissions left out. The draft validates, opens in the editor, and
 * diffs clean against the capture it came from.
 */
import type { FlowDocument, StepDocument } from '../model/flow-schema.js';
import { formatAddress, type WireEndpoint } from './address-map.js';
import type { ObservedMessage } from './observed.js';
import { transmissionKey } from './instance.js';

/** Options of {@link ladderFromTrace}. */
export interface LadderOptions {
  /** Flow id and title. */
  readonly id: string;
  readonly title: string;
  /** Name of the capture, for `source`. */
  readonly capture: string;
  /** Steps written at most (default 500); the rest are counted. */
  readonly maxSteps?: number;
  /** Only these Call-IDs (default: all). */
  readonly callIds?: ReadonlySet<string>;
}

/** The draft and what was left out. */
export interface Ladder {
  readonly flow: FlowDocument;
  /** Participant id -> address, for `flowspec diff --map`. */
  readonly map: Record<string, string>;
  readonly omitted: number;
  readonly retransmissions: number;
  /** Responses left out because their request is not in the capture. */
  readonly orphans: number;
}

interface Hop {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly callId: string;
  readonly cseq: string;
  readonly kind: 'request' | 'response';
  readonly head: string;
}

/** Builds the draft from messages in wire order. */
export function ladderFromTrace(messages: Iterable<ObservedMessage>, opts: LadderOptions): Ladder {
  const ids = new Map<string, string>();
  const endpoints = new Map<string, WireEndpoint>();
  const participantOf = (e: WireEndpoint): string => {
    const key = formatAddress(e);
    let id = ids.get(key);
    if (!id) {
      id = `p${ids.size + 1}`;
      ids.set(key, id);
      endpoints.set(id, e);
    }
    return id;
  };
  const dialogs = new Map<string, string>();
  const seen = new Set<string>();
  const hops: Hop[] = [];
  const steps: StepDocument[] = [];
  const relaysOut = new Set<string>();
  const bridges = new Set<string>();
  const callIdsOf = new Map<string, Set<string>>();
  let omitted = 0;
  let retransmissions = 0;
  let orphans = 0;
  const max = opts.maxSteps ?? 500;
  for (const o of messages) {
    const sip = o.sip;
    if (!sip && !o.mbcp) continue;
    const callId = sip?.headers.get('call-id')?.trim() ?? '';
    if (opts.callIds && !opts.callIds.has(callId)) continue;
    const key = transmissionKey(o);
    if (seen.has(key)) {
      retransmissions++;
      continue;
    }
    seen.add(key);
    if (steps.length >= max) {
      omitted++;
      continue;
    }
    const from = participantOf(o.src);
    const to = participantOf(o.dst);
    const id = String(steps.length + 1);
    const text = `frame ${o.frame}, ${new Date(o.time.sec * 1000 + Math.floor(o.time.nsec / 1e6)).toISOString()}`;
    if (o.mbcp) {
      // The flow vocabulary names floor-control messages as the OMA PoC figures do.
      const name = [
        'Disconnect',
        'Connect',
        'Queue Status Request',
        'Queue Status Response',
      ].includes(o.mbcp.kind)
        ? o.mbcp.kind
        : `Media Burst ${o.mbcp.kind}`;
      steps.push({ id, message: { mbcp: name as never, from, to }, text } as StepDocument);
      continue;
    }
    if (!sip) continue;
    for (const p of [from, to]) callIdsOf.set(p, new Set([...(callIdsOf.get(p) ?? []), callId]));
    if (!dialogs.has(callId)) dialogs.set(callId, `d${dialogs.size + 1}`);
    const cseq = sip.headers.get('cseq')?.trim() ?? '';
    const head = sip.kind === 'request' ? sip.method : String(sip.status);
    const hop: Hop = { id, from, to, callId, cseq, kind: sip.kind, head };
    const step: Record<string, unknown> = { id };
    // RFC 3261 16.6/16.7: the same request or response passed on by the participant that received it.
    const relayed = [...hops]
      .reverse()
      .find(
        (h) =>
          h.callId === callId &&
          h.cseq === cseq &&
          h.kind === sip.kind &&
          h.head === head &&
          h.to === from,
      );
    if (relayed) {
      step['relays'] = relayed.id;
      relaysOut.add(from);
    }
    if (sip.kind === 'response') {
      const request = [...hops]
        .reverse()
        .find(
          (h) =>
            h.callId === callId &&
            h.cseq === cseq &&
            h.kind === 'request' &&
            h.from === to &&
            h.to === from,
        );
      if (!request && !relayed) {
        // A response whose request is not in the capture (it started mid-call) cannot be a step.
        orphans++;
        continue;
      }
      if (request && !relayed) step['answers'] = request.id;
      step['message'] = relayed
        ? { from, to }
        : { sip: `${sip.status} ${sip.reason}`.trim(), from, to };
    } else {
      step['message'] = relayed ? { from, to } : { sip: sip.method, from, to };
      step['requestUri'] = { example: sip.requestUri };
    }
    step['dialog'] = dialogs.get(callId);
    step['text'] = text;
    hops.push(hop);
    steps.push(step as StepDocument);
  }
  for (const [p, set] of callIdsOf) if (set.size > 1 && !relaysOut.has(p)) bridges.add(p);
  const participants: FlowDocument['participants'] = {};
  const map: Record<string, string> = {};
  for (const [addr, id] of ids) {
    // A participant that passes messages on is a proxy; one that joins several Call-IDs, a B2BUA.
    const role = relaysOut.has(id) ? 'sip-core' : 'ue';
    participants[id] = {
      role,
      label: addr,
      ...(relaysOut.has(id)
        ? { mode: 'proxy' as const }
        : bridges.has(id)
          ? { mode: 'b2bua' as const }
          : {}),
    };
    map[id] = addr;
  }
  const flow: FlowDocument = {
    id: opts.id,
    title: opts.title,
    description: `Drawn by flowspec ladder from ${opts.capture}: ${steps.length} messages${omitted ? ` (${omitted} more left out)` : ''}, ${retransmissions} retransmissions left out${orphans ? `, ${orphans} responses whose request is not in the capture left out` : ''}.`,
    origin: 'project',
    source: { document: opts.capture },
    participants,
    steps:
      steps.length > 0
        ? steps
        : [{ id: '1', state: 'No SIP or MBCP message in the capture' } as StepDocument],
  };
  return { flow, map, omitted, retransmissions, orphans };
}
