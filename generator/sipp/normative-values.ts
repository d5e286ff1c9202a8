/**
 * The values a scenario writes from the flow: literal header values and
 * bodies, templates filled from the variables' examples, and, for patterns
 * and "present"/"contains" constraints, the spec's example when it fits.
 * Values that only the running dialog knows (derivations) are left to
 * SIPp's keywords or named in a comment.
 */
import type { Flow, MessageStep, Value } from '../model/flow-model.js';
import { asciiText } from './step-text.js';

/** Headers a scenario always builds from SIPp keywords, whatever the flow says of them. */
export const KEYWORD_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'from',
  'to',
  'call-id',
  'cseq',
  'contact',
  'max-forwards',
  'content-length',
  'route',
  'record-route',
]);

/** A value resolved for the scenario, or why it is not written. */
export type ResolvedValue =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly why: string | undefined };

/** Resolves one flow value; `why` is undefined when leaving it out needs no comment (examples, absent). */
export function resolveValue(v: Value, flow: Flow): ResolvedValue {
  const c = v.constraint;
  const example = v.example !== undefined ? asciiText(v.example) : undefined;
  switch (c.kind) {
    case 'literal':
      return { ok: true, text: asciiText(c.text) };
    case 'template': {
      let missing: string | undefined;
      const text = c.text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        const ex = flow.variables.get(name)?.example;
        if (ex === undefined) missing ??= name;
        return ex ?? '';
      });
      if (missing === undefined) return { ok: true, text: asciiText(text) };
      if (example !== undefined) return { ok: true, text: example };
      return { ok: false, why: `template ${c.text}: variable ${missing} has no example` };
    }
    case 'pattern':
      if (example !== undefined && new RegExp(c.regex).test(example))
        return { ok: true, text: example };
      return { ok: false, why: `pattern /${c.regex}/ without a fitting example` };
    case 'contains':
      if (example?.includes(c.text)) return { ok: true, text: example };
      return { ok: false, why: `must contain "${c.text}", no example given` };
    case 'present':
      if (example !== undefined) return { ok: true, text: example };
      return { ok: false, why: 'must be present, no example given' };
    case 'derived': {
      const d = c.derivation;
      if (d.kind === 'path' && d.root === 'var') {
        const name = d.path.replace(/^var\./, '');
        const ex = flow.variables.get(name)?.example ?? example;
        if (ex !== undefined) return { ok: true, text: asciiText(ex) };
      }
      return {
        ok: false,
        why: `derived from ${c.expression}, which only the running dialog knows`,
      };
    }
    case 'example':
    case 'absent':
      return { ok: false, why: undefined };
  }
}

/** Header lines and body of a message step, plus comments on what was left out. */
export interface NormativeContent {
  readonly headers: readonly string[];
  readonly body: string | undefined;
  readonly notes: readonly string[];
}

/** A minimal SDP offer/answer, for a Content-Type of application/sdp without a body in the flow. */
const MINIMAL_SDP = [
  'v=0',
  'o=- [pid] [call_number] IN IP[local_ip_type] [local_ip]',
  's=-',
  'c=IN IP[media_ip_type] [media_ip]',
  't=0 0',
  'm=audio [media_port] RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
].join('\n');

/** The normative headers (other than {@link KEYWORD_HEADERS}) and the body of a step. */
export function normativeContent(step: MessageStep, flow: Flow): NormativeContent {
  const headers: string[] = [];
  const notes: string[] = [];
  let contentType: string | undefined;
  for (const h of step.headers) {
    if (KEYWORD_HEADERS.has(h.name.toLowerCase())) continue;
    for (const v of h.values) {
      const r = resolveValue(v, flow);
      if (!r.ok) {
        if (r.why !== undefined) notes.push(`${h.name} not written: ${r.why}`);
        continue;
      }
      if (h.name.toLowerCase() === 'content-type') contentType = r.text;
      else headers.push(`${h.name}: ${r.text}`);
    }
  }
  let body: string | undefined;
  if (step.body) {
    const r = resolveValue(step.body, flow);
    if (r.ok) body = r.text;
    else if (contentType?.startsWith('application/sdp')) body = MINIMAL_SDP;
    else if (r.why !== undefined) notes.push(`body not written: ${r.why}`);
  } else if (contentType?.startsWith('application/sdp')) {
    body = MINIMAL_SDP;
  }
  if (contentType !== undefined && body !== undefined) headers.push(`Content-Type: ${contentType}`);
  else if (contentType !== undefined)
    notes.push(`Content-Type ${contentType} not written: no body`);
  return { headers, body, notes };
}
