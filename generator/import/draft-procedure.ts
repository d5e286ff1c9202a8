/**
 * A draft flow from a numbered procedure: one step per item, numbered as in
 * the text (source.step "4.c.ii.1"). Items that send or receive become
 * message steps, the Media Plane release and the history storage actions,
 * conditions ("If ...", "Otherwise ...") and everything else state steps that
 * keep the sentence, so lint can read the procedure's logic.
 */
import type { FlowDocument, StepDocument } from '../model/flow-schema.js';
import type { Role } from '../model/vocabulary.js';
import type { Draft } from './draft-figure.js';
import type { RawItem, RawProcedure } from './procedure-text.js';
import { ParticipantTable } from './participants.js';
import { requestTargets } from '../lint/text-patterns.js';
import { derivedValue, partyLabel } from './procedure-phrases.js';
import { senderAlternatives } from './sender-alternatives.js';

type Mutable = Record<string, unknown>;

/** Builds the draft of one procedure. */
export function draftProcedure(proc: RawProcedure, document: string, docTag: string): Draft {
  const all = [proc.title, ...proc.intro.map((l) => l.text), ...proc.items.map((i) => i.text)].join(
    ' ',
  );
  const selfLabel = /S-CSCF/.test(all)
    ? 'S-CSCF'
    : /CPM Participating Function/.test(all)
      ? 'CPM Participating Function'
      : 'PoC Client';
  const pfRole: Role = proc.clause.startsWith('8.3') ? 'cpm-pf-terminating' : 'cpm-pf-originating';
  const people = new ParticipantTable(pfRole);
  const self = people.get(selfLabel).id;
  const steps: StepDocument[] = [];
  const lines = new Map<string, { start: number; end: number }>();
  const source = (n: string): Mutable => ({ clause: proc.clause, step: n });
  let lastParty: string | undefined;
  const sent: { id: string; to: string; method: string }[] = [];

  // "If the SIP BYE request was sent by X" (OMA CPM 8.2.2.3 4, 5, 6): the request from X
  // that the items under it answer, by top-level item.
  const received = new Map<string, { id: string; method: string; from: string }>();
  const answerTo = (item: RawItem, t: string): Mutable | undefined => {
    const r = received.get(item.number.split('.')[0] ?? '');
    const m =
      /\b(?:generate and )?send (?:the |a )?SIP (\d{3})\s*\S*\s*response(?: towards (?:the )?(.+?) according)?/i.exec(
        t,
      );
    if (!r || !m) return undefined;
    const to = partyLabel(m[2] ?? '') ?? r.from;
    return {
      ...(to === r.from ? { answers: r.id } : {}),
      message: { sip: `${m[1] ?? '200'} OK`, from: self, to: people.get(to).id },
    };
  };

  const itemStep = (item: RawItem): Mutable[] => {
    const text = [item.text, ...item.dashes.map((d) => d.text)].join(' ');
    const base: Mutable = { id: item.number, text, source: source(item.number) };
    const t = item.text;
    const sentBy = /^\s*If the SIP (\w+) request was sent by (.+?)(?:,| involved)/i.exec(t);
    const sender = partyLabel(sentBy?.[2] ?? '');
    if (sentBy && sender) {
      const method = (sentBy[1] ?? 'BYE').toUpperCase();
      received.set(item.number.split('.')[0] ?? '', { id: item.number, method, from: sender });
      return [{ ...base, message: { sip: method, from: people.get(sender).id, to: self } }];
    }
    const upon =
      /Upon receiving an? SIP (\d{3})\s*\S*\s*response from (?:the\s+)?(.+?) associated/i.exec(t);
    if (upon) {
      const label = partyLabel(upon[2] ?? '');
      if (label) {
        lastParty = label;
        // It answers the request this procedure sent to that party, if it sent one.
        const method = /associated with the SIP (\w+) request/i.exec(t)?.[1];
        const parent = `${item.number.split('.').slice(0, -1).join('.')}.`;
        const asked = [...sent]
          .reverse()
          .find((r) => r.to === label && r.method === method && r.id.startsWith(parent));
        const reply = answerTo(item, t.slice(upon[0].length));
        return [
          {
            ...base,
            ...(asked ? { answers: asked.id } : {}),
            message: { sip: `${upon[1] ?? '200'} OK`, from: people.get(label).id, to: self },
          },
          // "... SHALL generate and send a SIP 200 "OK" response towards the other CPM entity".
          ...(reply
            ? [
                {
                  id: `${item.number}.send`,
                  ...reply,
                  note: `the reply that item ${item.number} sends ("SHALL generate and send ...")`,
                  source: source(item.number),
                },
              ]
            : []),
        ];
      }
    }
    const reply = answerTo(item, t);
    if (reply) return [{ ...base, ...reply }];
    const resp = /\bsend (\d{3})(?: OK)? response for (?:the )?(\w+) request/i.exec(t);
    if (resp) {
      const label = partyLabel(requestTargets(t)[0] ?? '') ?? lastParty ?? trigger?.from;
      if (label) {
        lastParty = label;
        const code = resp[1] ?? '200';
        const reason = code === '487' ? 'Request Terminated' : 'OK';
        const answers =
          trigger !== undefined && trigger.method === resp[2]?.toUpperCase()
            ? trigger.id
            : undefined;
        return [
          {
            ...base,
            ...(answers !== undefined ? { answers } : {}),
            message: { sip: `${code} ${reason}`, from: self, to: people.get(label).id },
          },
        ];
      }
    }
    const req =
      /\b(?:generate|send)s?\b[^;]*?\b(?:an? |the |these )?(?:additional )?(?:SIP )?(re-INVITE|[A-Z]{3,}) requests?\b/.exec(
        t,
      );
    if (req && !/^\s*If the SIP BYE request was sent/i.test(t)) {
      const label =
        partyLabel(requestTargets(t)[0] ?? '') ?? (/\bsend\b/i.test(t) ? lastParty : undefined);
      if (label) {
        lastParty = label;
        sent.push({ id: item.number, to: label, method: (req[1] ?? 'BYE').replace(/^re-/, '') });
        const step: Mutable = {
          ...base,
          message: {
            sip: (req[1] ?? 'BYE').replace(/^re-/, ''),
            from: self,
            to: people.get(label).id,
          },
        };
        const headers: Record<string, Mutable> = {};
        for (const d of item.dashes) {
          const h =
            /^an? (Request-URI|To|From|Call-ID|CSeq|Route|Reason) header|^an? (Request-URI)/i.exec(
              d.text,
            );
          const name = h?.[1] ?? h?.[2];
          if (!name) continue;
          const v = derivedValue(name === 'Request-URI' ? 'Request-URI' : name, d.text);
          if (!v) continue;
          if (name === 'Request-URI') step['requestUri'] = v;
          else headers[name] = v;
        }
        if (Object.keys(headers).length > 0) step['headers'] = headers;
        return [step];
      }
    }
    if (/release the Media Plane resources/i.test(t))
      return [
        {
          ...base,
          title: 'Release of the Media Plane resources',
          action: 'release-media-resources',
          at: self,
        },
      ];
    if (/\bstore the CPM Session\b/i.test(t)) {
      people.get('Message Storage Server');
      return [
        {
          ...base,
          title: 'Store the CPM Session History',
          action: 'store-session-history',
          at: self,
          yields: 'uid',
        },
      ];
    }
    return [{ ...base, state: short(t) }];
  };

  // What starts the procedure, when the introduction says: an internal
  // indication (TS 24.229 5.4.5.1.2) or a request from the party the items answer.
  const intro = proc.intro[0];
  const indication = /Upon receipt of a network internal indication to ([^,]+)/i.exec(
    intro?.text ?? '',
  );
  const request =
    /Upon (?:reception of|receipt of|receiving) (?:the |an? )?(?:SIP )?([A-Z]+) request/.exec(
      intro?.text ?? '',
    );
  const firstParty = proc.items
    .map((i) => partyLabel(requestTargets(i.text)[0] ?? ''))
    .find((l) => l !== undefined);
  let trigger: { id: string; method: string; from: string } | undefined;
  if (intro && indication) {
    steps.push({
      id: 'trigger',
      text: intro.text.trim(),
      message: { indication: (indication[1] ?? '').trim(), to: self },
      source: { clause: proc.clause },
    } as StepDocument);
    lines.set('trigger', { start: intro.line, end: intro.line });
  } else if (
    intro &&
    request &&
    firstParty !== undefined &&
    !/sent by/i.test(proc.items.map((i) => i.text).join(' '))
  ) {
    trigger = { id: 'trigger', method: request[1] ?? '', from: firstParty };
    steps.push({
      id: 'trigger',
      text: intro.text.trim(),
      message: { sip: trigger.method, from: people.get(firstParty).id, to: self },
      source: { clause: proc.clause },
    } as StepDocument);
    lines.set('trigger', { start: intro.line, end: intro.line });
  }
  for (const item of proc.items) {
    steps.push(...(itemStep(item) as StepDocument[]));
    const end = item.dashes[item.dashes.length - 1]?.line ?? item.line;
    lines.set(item.number, { start: item.line, end });
    lines.set(`${item.number}.send`, { start: item.line, end });
  }
  for (const p of proc.paragraphs) {
    const id = `p${p.line}`;
    steps.splice(insertAt(steps, lines, p.line), 0, {
      id,
      state: short(p.text.trim()),
      text: p.text.trim(),
      source: { clause: proc.clause },
    } as StepDocument);
    lines.set(id, { start: p.line, end: p.line });
  }
  if (steps.length === 0) steps.push({ id: 'empty', state: proc.title } as StepDocument);

  const slug = proc.clause.toLowerCase().replace(/\./g, '-');
  const doc = {
    id: `draft.seed-${docTag}.clause-${slug}`,
    title: proc.title,
    description: `DRAFT written by flowspec import-text from ${document}, clause ${proc.clause}; review it before use.`,
    origin: 'seed',
    source: { document, clause: proc.clause, title: proc.title },
    participants: people.toDocument(),
    steps: senderAlternatives(steps, received, self),
  } as FlowDocument;
  return {
    doc,
    lines,
    line: proc.line,
    clause: proc.clause,
    name: `clause-${proc.clause}.flow.yaml`,
  };
}

/** A state's name: the sentence's first words (the whole sentence stays in `text`). */
function short(sentence: string): string {
  const words = sentence.split(/\s+/);
  return words.length <= 12 ? sentence : `${words.slice(0, 12).join(' ')} …`;
}

/** Index that keeps steps in seed line order. */
function insertAt(
  steps: readonly StepDocument[],
  lines: ReadonlyMap<string, { start: number }>,
  line: number,
): number {
  const i = steps.findIndex((s) => {
    const id = (s as { id?: string }).id;
    return id !== undefined && (lines.get(id)?.start ?? 0) > line;
  });
  return i < 0 ? steps.length : i;
}
