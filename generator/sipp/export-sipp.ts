/**
 * `flowspec export-sipp`: a SIPp scenario that plays one participant of a
 * flow. The flow is projected onto the participant (refs expanded, one loop
 * iteration, one operand per alt, opts kept unless left out), preceded by
 * its part of the flows that establish the preconditions, and written with
 * SIPp keywords for everything only the running call knows.
 */
import type { Flow, Participant } from '../model/flow-model.js';
import { IdleParticipantError, SippExportError, UnknownParticipantError } from './export-errors.js';
import { localPart, type LocalItem } from './local-part.js';
import { PathSelector, type PathDecision } from './path-selection.js';
import { writeScenario } from './scenario-writer.js';
import { commentText } from './step-text.js';

/** Options of {@link exportSipp}. */
export interface ExportSippOptions {
  /** Participant id or figure label. */
  readonly participant: string;
  /** Keep only the messages exchanged with this participant (id or label). */
  readonly peer?: string;
  /** Alt step (`STEP` or `FLOW:STEP`) -> 1-based operand. */
  readonly alt?: ReadonlyMap<string, number>;
  /** Opt steps (`STEP` or `FLOW:STEP`) to leave out. */
  readonly withoutOpt?: ReadonlySet<string>;
}

/** A written scenario. */
export interface SippScenario {
  readonly xml: string;
  readonly participant: Participant;
  /** `uac` when the scenario sends the call's first request, `uas` when it waits for it. */
  readonly mode: 'uac' | 'uas';
  /** Labels of the participants the scenario exchanges messages with. */
  readonly peers: readonly string[];
  readonly decisions: readonly PathDecision[];
}

/** Finds a participant by id, or by label (exactly, then ignoring case). */
export function findParticipant(flow: Flow, name: string): Participant | undefined {
  const all = [...flow.participants.values()];
  return (
    flow.participants.get(name) ??
    all.find((p) => p.label === name) ??
    all.find(
      (p) =>
        p.label.toLowerCase() === name.toLowerCase() || p.id.toLowerCase() === name.toLowerCase(),
    )
  );
}

/** Like {@link findParticipant}, throwing {@link UnknownParticipantError} that lists the participants. */
export function findParticipantOrThrow(flow: Flow, name: string): Participant {
  const p = findParticipant(flow, name);
  if (p) return p;
  throw new UnknownParticipantError(
    flow.id,
    name,
    [...flow.participants.values()].map((q) => `${q.id} (${q.label})`),
  );
}

/** Parses `STEP=N` (N 1-based) of `--alt`. */
export function parseAltChoice(text: string): readonly [string, number] {
  const eq = text.lastIndexOf('=');
  const n = Number(text.slice(eq + 1));
  if (eq <= 0 || !Number.isInteger(n) || n < 1) {
    throw new SippExportError(
      '--alt',
      undefined,
      undefined,
      `"${text}" is not STEP=N (N = 1 for the first operand)`,
    );
  }
  return [text.slice(0, eq), n];
}

function header(
  flow: Flow,
  me: Participant,
  mode: 'uac' | 'uas',
  peers: readonly string[],
  decisions: readonly PathDecision[],
  items: readonly LocalItem[],
  peerFilter: Participant | undefined,
): string[] {
  const src = flow.source;
  const lines = [
    `SIPp scenario playing ${me.label} (${me.id}) in ${flow.id}: ${flow.title}`,
    ...(src
      ? [
          `source: ${[
            src.spec,
            src.clause && `clause ${src.clause}`,
            src.figure && `Figure ${src.figure}`,
          ]
            .filter(Boolean)
            .join(', ')}`,
        ]
      : []),
    'written by `flowspec export-sipp`; every element cites the flow and step it plays.',
    mode === 'uac'
      ? 'UAC: sends the first request. Run: sipp -sf THIS_FILE REMOTE_IP:REMOTE_PORT -i LOCAL_IP -p LOCAL_PORT -m 1'
      : 'UAS: waits for the first request. Run: sipp -sf THIS_FILE -i LOCAL_IP -p LOCAL_PORT -m 1',
    `peers: ${peers.join(', ') || 'none'}`,
  ];
  if (peerFilter)
    lines.push(
      `only the messages exchanged with ${peerFilter.label} (option peer); the others are comments`,
    );
  if (peers.length > 1) {
    lines.push(
      `note: SIPp sends every message to its one remote address, but this part talks to ${peers.length} participants; choose one with --peer`,
    );
  }
  const dialogs = [
    ...new Set(
      items.flatMap((i) =>
        i.kind !== 'note' && i.step.dialog !== undefined ? [i.step.dialog] : [],
      ),
    ),
  ].sort();
  if (dialogs.length > 1) {
    lines.push(
      `note: the part spans ${dialogs.length} dialogs (${dialogs.join(', ')}); SIPp plays one Call-ID per call`,
    );
  }
  if (items.some((i) => i.kind === 'note' && i.text.includes('MBCP'))) {
    lines.push('not played: MBCP messages (RTCP APP over UDP); SIPp sends and receives SIP only');
  }
  for (const d of decisions) {
    lines.push(
      d.kind === 'alt'
        ? `path: ${d.flow} alt ${d.step}: operand ${d.chosen} of ${d.of} [${d.guard}]${d.label !== undefined ? ` ${d.label}` : ''}`
        : `path: ${d.flow} opt ${d.step}: ${d.chosen ? 'kept' : 'left out'} [${d.guard}]`,
    );
  }
  return lines;
}

/** Exports the scenario of one participant of a flow. */
export function exportSipp(
  flow: Flow,
  resolve: (flowId: string) => Flow | undefined,
  opts: ExportSippOptions,
): SippScenario {
  const me = findParticipantOrThrow(flow, opts.participant);
  const peer = opts.peer !== undefined ? findParticipantOrThrow(flow, opts.peer) : undefined;
  const selector = new PathSelector(flow.id, {
    alt: opts.alt ?? new Map(),
    withoutOpt: opts.withoutOpt ?? new Set(),
  });
  const lookup = (id: string): Flow | undefined => (id === flow.id ? flow : resolve(id));
  const part = localPart(flow, {
    participant: me.id,
    ...(peer ? { peer: peer.id } : {}),
    resolve: lookup,
    selector,
  });
  selector.checkAllUsed();
  if (!part.own.some((i) => i.kind !== 'note' || i.message === true)) {
    throw new IdleParticipantError(flow.id, me.label);
  }
  const items = [...part.before, ...part.own];
  if (!items.some((i) => i.kind !== 'note')) {
    throw new SippExportError(
      flow.id,
      undefined,
      me.label,
      peer
        ? `exchanges no SIP message with ${peer.label}, so there is no scenario to play`
        : 'sends and receives no SIP message (only MBCP or indications), so there is no scenario to play',
    );
  }
  const written = writeScenario({ items, flows: lookup, user: me.id });
  const peers = [...new Set(items.flatMap((i) => (i.kind === 'note' ? [] : [i.peer])))].sort();
  const mode = written.role === 'caller' ? 'uac' : 'uas';
  const head = header(flow, me, mode, peers, selector.decisions, items, peer);
  const xml = [
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<!--',
    ...head.map((l) => `  ${commentText(l)}`),
    '-->',
    `<scenario name="${commentText(`${flow.id}: ${me.label}`).replace(/[<&"]/g, '_')}">`,
    ...written.elements,
    '</scenario>',
    '',
  ].join('\n');
  return { xml, participant: me, mode, peers, decisions: selector.decisions };
}
