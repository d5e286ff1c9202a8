/** How steps read in scenario comments, and a walk over every message step of a flow. */
import type { Flow, MessageStep, Step } from '../model/flow-model.js';

/** Every message step of a step list, fragments included, in document order. */
export function messageSteps(steps: readonly Step[]): MessageStep[] {
  const out: MessageStep[] = [];
  const walk = (list: readonly Step[]): void => {
    for (const s of list) {
      if (s.kind === 'message') out.push(s);
      else if (s.kind === 'alt') for (const o of s.operands) walk(o.steps);
      else if (s.kind === 'opt') walk(s.operand.steps);
      else if (s.kind === 'par') for (const o of s.operands) walk(o);
      else if (s.kind === 'loop') walk(s.steps);
    }
  };
  walk(steps);
  return out;
}

/** The step's title, or one made like the figures' ("SIP BYE request (from the A to the B)"). */
export function describeMessage(m: MessageStep, flow: Flow): string {
  if (m.title !== undefined) return m.title;
  const label = (id: string | undefined): string =>
    id === undefined ? 'the environment' : `the ${flow.participants.get(id)?.label ?? id}`;
  const t = m.message;
  const what =
    t === undefined
      ? 'message'
      : t.protocol === 'sip'
        ? t.type === 'request'
          ? `SIP ${t.method} request`
          : `SIP ${t.status}${t.reason !== undefined ? ` "${t.reason}"` : ''} response`
        : t.protocol === 'mbcp'
          ? `MBCP ${t.name}`
          : `indication "${t.name}"`;
  return `${what} (from ${label(m.from)} to ${label(m.to)})`;
}

/** Text safe inside an XML comment and plain ASCII (SIPp's parser reads bytes). */
export function commentText(text: string): string {
  return asciiText(text.replace(/\s+/g, ' '))
    .replace(/-{2,}/g, (d) => d.split('').join(' '))
    .replace(/-$/, '- ');
}

/** Typographic characters of the seeds replaced by ASCII; anything else outside ASCII becomes "?". */
export function asciiText(text: string): string {
  return text
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\x20-\x7e\r\n\t]/g, '?');
}
