/**
 * A draft flow from a figure: one message step per hop, participants from the
 * labels, relays and answers inferred, the spec's example values kept as
 * `example:`, a range ("9-14") expanded into the hops its sentence describes.
 */
import { sentenceEnds, parseTitleHop, labelKey } from '../lint/text-patterns.js';
import type { FlowDocument, StepDocument } from '../model/flow-schema.js';
import { MBCP_MESSAGES, SIP_REASONS } from '../model/vocabulary.js';
import type { RawFigure, RawStep } from './figure-text.js';
import { HopGraph, type Hop } from './hop-inference.js';
import { ParticipantTable } from './participants.js';
import { groupSameTime } from './same-time.js';

/** A draft and where each of its steps is in the seed. */
export interface Draft {
  readonly doc: FlowDocument;
  /** Step id -> first and last seed line of the step. */
  readonly lines: ReadonlyMap<string, { readonly start: number; readonly end: number }>;
  readonly line: number;
  readonly figure?: string;
  readonly clause?: string;
  /** File name for the draft. */
  readonly name: string;
}

type MessageHead = { sip?: string; mbcp?: (typeof MBCP_MESSAGES)[number]; indication?: string };
type Mutable = Record<string, unknown>;

/** What a heading or sentence says the message is; "the request" is one of `method`. */
export function messageOf(
  what: string,
  method = 'BYE',
): { head: MessageHead; hop: Hop['kind']; method?: string } | undefined {
  const req = /\bSIP ([A-Z][A-Za-z-]*) request\b/.exec(what);
  if (req && !/\bresponse\b/.test(what)) {
    const m = (req[1] ?? '').replace(/^re-/i, '').toUpperCase();
    return { head: { sip: m }, hop: 'request', method: m };
  }
  const res =
    /\bSIP (\d{3})\b.*\bresponse\b/.exec(what) ??
    /\b()OK response\b/.exec(what) ??
    /\b()the response\b/i.exec(what);
  if (res) {
    const code = Number(res[1] || '200');
    return { head: { sip: `${code} ${SIP_REASONS[code] ?? ''}`.trim() }, hop: 'response' };
  }
  // OMA CPM names the BYE that closes a session a "CPM Session leaving request".
  if (/CPM Session leaving request/i.test(what))
    return { head: { sip: 'BYE' }, hop: 'request', method: 'BYE' };
  if (/\bthe request\b/i.test(what)) return { head: { sip: method }, hop: 'request', method };
  const mbcp = /\bMBCP (.+?) message\b/.exec(what);
  if (mbcp) {
    const key = (x: string): string => x.toLowerCase().replace(/acknowledgment/, 'acknowledgement');
    const name = MBCP_MESSAGES.find((m) => key(m) === key(mbcp[1] ?? ''));
    return { head: name ? { mbcp: name } : { indication: `MBCP ${mbcp[1] ?? ''}` }, hop: 'other' };
  }
  return undefined;
}

function whatOf(sentence: string, kind: Hop['kind'], lastRequest: string): string {
  if (kind === 'response') {
    return /(SIP \d{3} "?\w+"? response|OK response)/.exec(sentence)?.[1] ?? 'OK response';
  }
  return /(CPM Session leaving request|SIP [A-Z]+ request)/.exec(sentence)?.[1] ?? lastRequest;
}

/** Builds the draft of one figure. */
export function draftFigure(fig: RawFigure, document: string, docTag: string): Draft {
  const people = new ParticipantTable();
  const graph = new HopGraph();
  const steps: StepDocument[] = [];
  const lines = new Map<string, { start: number; end: number }>();
  let last: { id: string; to: string; kind: Hop['kind'] } | undefined;
  let lastMethod = 'BYE';
  let lastWhat = 'request';

  const pushMessage = (
    raw: RawStep,
    id: string,
    from: string,
    to: string,
    msg: NonNullable<ReturnType<typeof messageOf>>,
    title: string,
    extra: Mutable,
  ): void => {
    const a = people.get(from);
    const b = people.get(to);
    const rel = graph.add({
      id,
      from: a.id,
      to: b.id,
      kind: msg.hop,
      ...(msg.method ? { method: msg.method } : {}),
    });
    const step: Mutable = { id, title };
    if (rel.relays !== undefined) step['relays'] = rel.relays;
    if (rel.answers !== undefined) step['answers'] = rel.answers;
    if (rel.after !== undefined) step['after'] = rel.after;
    step['message'] = { ...msg.head, from: a.id, to: b.id };
    Object.assign(step, extra);
    if (raw.requestUri) step['requestUri'] = { example: raw.requestUri.value };
    if (raw.headers.length > 0) {
      const headers: Record<string, { example: string }> = {};
      for (const h of raw.headers) headers[h.name] = { example: h.value };
      step['headers'] = headers;
    }
    if (raw.body) step['body'] = { example: raw.body.value };
    if (raw.sentence !== undefined) step['text'] = raw.sentence;
    steps.push(step as StepDocument);
    lines.set(id, { start: raw.line, end: raw.endLine });
    last = { id, to: b.label, kind: msg.hop };
    if (msg.method !== undefined) lastMethod = msg.method;
    if (msg.hop === 'request') lastWhat = /^(.*?) \(from /.exec(title)?.[1] ?? lastWhat;
  };

  fig.steps.forEach((raw, k) => {
    const hop = raw.title !== undefined ? parseTitleHop(raw.title) : undefined;
    if (raw.title !== undefined) {
      const msg = hop ? messageOf(hop.what) : undefined;
      if (hop && msg) {
        pushMessage(raw, raw.number, hop.from, hop.to, msg, raw.title, {});
        return;
      }
      const state: Mutable = { id: raw.number, title: raw.title, state: raw.title };
      if (raw.sentence !== undefined) state['text'] = raw.sentence;
      steps.push(state as StepDocument);
      lines.set(raw.number, { start: raw.line, end: raw.endLine });
      return;
    }
    // A prose step: who acts and to whom comes from the sentence.
    const sentence = raw.sentence ?? '';
    const msg = messageOf(sentence, lastMethod);
    const ends = sentenceEnds(sentence);
    const from = ends.actor ?? last?.to;
    if (!msg || from === undefined || ends.recipient === undefined) {
      steps.push({ id: raw.number, state: sentence, text: sentence } as StepDocument);
      lines.set(raw.number, { start: raw.line, end: raw.endLine });
      return;
    }
    const range = /^(\d+)-(\d+)$/.exec(raw.number);
    if (range && msg.hop === 'response' && last) {
      const back = graph.pathBack(last.id);
      const peopleBack = back.map((id) => labelOfId(people, id));
      const target = peopleBack.findIndex(
        (l, i) => i > 0 && labelKey(l) === labelKey(ends.recipient ?? ''),
      );
      const nodes = target > 0 ? peopleBack.slice(0, target + 1) : peopleBack;
      const a = Number(range[1]);
      const b = Number(range[2]);
      for (let i = 0; i + 1 < nodes.length; i++) {
        const id = a + i <= b ? String(a + i) : `${b}.${a + i - b}`;
        const f = nodes[i] ?? '';
        const t = nodes[i + 1] ?? '';
        pushMessage(
          raw,
          id,
          f,
          t,
          msg,
          `${whatOf(sentence, msg.hop, lastWhat)} (from the ${f} to the ${t})`,
          {
            specStep: raw.number,
            note: `hop ${i + 1} of ${nodes.length - 1} of steps ${raw.number}, retracing the request's path; the title is written by import-text`,
          },
        );
      }
      return;
    }
    // The next step's "routes" names the real next hop when the sentence names the far end.
    const next = fig.steps[k + 1];
    const nextEnds = next?.sentence !== undefined ? sentenceEnds(next.sentence) : undefined;
    const to =
      nextEnds?.actor !== undefined &&
      labelKey(nextEnds.actor) !== labelKey(ends.recipient) &&
      /\broutes\b/.test(next?.sentence ?? '')
        ? nextEnds.actor
        : ends.recipient;
    const fromLabel = people.get(from).label;
    const toLabel = people.get(to).label;
    pushMessage(
      raw,
      raw.number,
      from,
      to,
      msg,
      `${whatOf(sentence, msg.hop, lastWhat)} (from the ${fromLabel} to the ${toLabel})`,
      {
        note: 'the title is written by import-text: the seed prints only the sentence',
      },
    );
  });

  const doc = {
    id: `draft.seed-${docTag}.figure-${fig.figure}`,
    title: fig.title,
    description: `DRAFT written by flowspec import-text from ${document}, Figure ${fig.figure}; review it before use.`,
    origin: 'seed',
    source: { document, figure: fig.figure, title: fig.title },
    participants: people.toDocument(),
    steps: groupSameTime(steps),
  } as FlowDocument;
  return { doc, lines, line: fig.line, figure: fig.figure, name: `figure-${fig.figure}.flow.yaml` };
}

function labelOfId(people: ParticipantTable, id: string): string {
  const entry = Object.entries(people.toDocument()).find(([k]) => k === id);
  return entry?.[1].label ?? id;
}
