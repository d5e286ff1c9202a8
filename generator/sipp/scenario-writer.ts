/**
 * Writes a participant's part as SIPp scenario XML: sends as <send>,
 * receives as <recv>, everything else as comments citing flow and step.
 */
import type { Flow } from '../model/flow-model.js';
import { CallState, DIALOG_CREATING } from './call-state.js';
import type { LocalItem, LocalMessage } from './local-part.js';
import { buildRequest, buildResponse } from './sip-message.js';
import { commentText } from './step-text.js';

/** What the writer needs besides the items. */
export interface WriterInput {
  readonly items: readonly LocalItem[];
  /** Flows by id, for the values of steps in referenced and establishing flows. */
  readonly flows: (id: string) => Flow | undefined;
  /** User part of the participant's URIs. */
  readonly user: string;
}

/** The scenario body and what the header needs to say about it. */
export interface WrittenScenario {
  readonly elements: readonly string[];
  readonly role: 'caller' | 'callee';
}

function comment(indent: string, lines: readonly string[]): string {
  if (lines.length === 1) return `${indent}<!-- ${commentText(lines[0] ?? '')} -->`;
  return [
    `${indent}<!--`,
    ...lines.map((l) => `${indent}  ${commentText(l)}`),
    `${indent}-->`,
  ].join('\n');
}

function cite(item: { flow: string; step: { id: string } | string }, text: string): string {
  const id = typeof item.step === 'string' ? item.step : item.step.id;
  return `${item.flow} step ${id}: ${text}`;
}

/**
 * Transactions whose request headers must be captured: the answer does not follow the request at
 * once. `dialog`: those of them answered with a response that may establish a dialog (101-299),
 * whose Record-Route the answer copies (RFC 3261 12.1.1).
 */
function transactionsToCapture(items: readonly LocalItem[]): {
  readonly all: Set<string>;
  readonly dialog: Set<string>;
} {
  const all = new Set<string>();
  const dialog = new Set<string>();
  let last: string | undefined;
  for (const it of items) {
    if (it.kind === 'note') continue;
    if (it.kind === 'receive') last = it.transaction;
    else if (it.sip.type === 'response' && last !== it.transaction) {
      all.add(it.transaction);
      if (it.sip.status > 100 && it.sip.status < 300) dialog.add(it.transaction);
    }
  }
  return { all, dialog };
}

/**
 * A POSIX regular expression for the run of header lines named `name` (a pattern, any case): the
 * first such line and those right after it, without the last line's CRLF. Inserted as one line
 * of a message, SIPp's variable gives them all.
 */
function headerLines(name: string): string {
  return `${name}:[^[:cntrl:]]*([[:cntrl:]]+${name}:[^[:cntrl:]]*)*`;
}

function cdata(text: string): string {
  return `<![CDATA[\n${text
    .replace(/]]>/g, ']]]]><![CDATA[>')
    .split('\n')
    .map((l) => (l === '' ? '' : `      ${l}`))
    .join('\n')}\n    ]]>`;
}

/** Writes the elements of a scenario. */
export function writeScenario(input: WriterInput): WrittenScenario {
  const firstSip = input.items.find((i): i is LocalMessage => i.kind !== 'note');
  const st = new CallState(firstSip?.kind === 'send' ? 'caller' : 'callee', input.user);
  const capture = transactionsToCapture(input.items);
  const out: string[] = [];
  const items = input.items;
  items.forEach((it, index) => {
    if (it.kind === 'note') {
      out.push(comment('  ', [cite(it, it.text)]));
      return;
    }
    const flow = input.flows(it.flow);
    if (!flow) return;
    if (it.kind === 'send') {
      const built =
        it.sip.type === 'request'
          ? buildRequest(it, it.sip.method, st, flow)
          : buildResponse(it, it.sip.status, it.sip.reason, st, flow);
      out.push(comment('  ', [cite(it, it.text), ...built.notes]));
      out.push(`  <send>\n    ${cdata(built.text)}\n  </send>`);
      return;
    }
    // Receive.
    if (it.sip.type === 'request') {
      const method = it.sip.method;
      const attrs = [`request="${method}"`];
      const creates = DIALOG_CREATING.has(method) && !st.established && st.role === 'callee';
      if (creates) {
        attrs.push('rrs="true"');
        st.remoteTarget = true;
      }
      let actions = '';
      if (capture.all.has(it.transaction)) {
        const p = st.nextCapture();
        // Whole header lines, every one of a run of them (a proxy's Via above the sender's):
        // the response carries all the request's Vias (RFC 3261 8.2.6.2), and the
        // dialog-creating answer its Record-Route (12.1.1; none: the variable stays empty and
        // SIPp drops the line it fills).
        const recordRoute = creates && capture.dialog.has(it.transaction);
        st.received.set(it.transaction, { method, capture: p, recordRoute });
        actions = [
          '',
          '    <action>',
          `      <ereg regexp="${headerLines('[Vv][Ii][Aa]')}" search_in="msg" assign_to="${p}_via"/>`,
          `      <ereg regexp="[^ ].*" search_in="hdr" header="From:" assign_to="${p}_from"/>`,
          `      <ereg regexp="[^ ].*" search_in="hdr" header="To:" assign_to="${p}_to"/>`,
          `      <ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="${p}_cseq"/>`,
          ...(recordRoute
            ? [
                `      <ereg regexp="${headerLines('[Rr]ecord-[Rr]oute')}" search_in="msg" assign_to="${p}_rr"/>`,
              ]
            : []),
          '    </action>',
          '  ',
        ].join('\n');
      } else {
        st.received.set(it.transaction, { method });
      }
      out.push(comment('  ', [cite(it, it.text)]));
      out.push(
        actions ? `  <recv ${attrs.join(' ')}>${actions}</recv>` : `  <recv ${attrs.join(' ')}/>`,
      );
      return;
    }
    const status = it.sip.status;
    const req = st.sent.get(it.transaction);
    const firstResponse = !items
      .slice(0, index)
      .some((p) => p.kind === 'receive' && p.transaction === it.transaction);
    if (req?.method === 'INVITE' && firstResponse) {
      // Provisional responses the flow does not draw may still come (RFC 3261 8.2.6.1, 13.3.1.1).
      const drawn = new Set(
        items
          .filter(
            (p): p is LocalMessage =>
              p.kind === 'receive' && p.transaction === it.transaction && p.sip.type === 'response',
          )
          .map((p) => (p.sip.type === 'response' ? p.sip.status : 0)),
      );
      const optional = [100, 180, 183].filter(
        (s) => !drawn.has(s) && (s === 100 || ![...drawn].some((d) => d < 200)),
      );
      for (const s of optional) {
        out.push(comment('  ', [`not in the flow: an optional ${s} the peer may send`]));
        out.push(`  <recv response="${s}" optional="true"/>`);
      }
    }
    const attrs = [`response="${status}"`];
    // A 100 is hop by hop and may not come from the peer (RFC 3261 16.2), but SIPp needs a
    // mandatory <recv> after optional ones: before a <send> (a CANCEL after it, 9.1) it is required.
    const next = items.slice(index + 1).find((p) => p.kind !== 'note');
    if (status === 100 && next?.kind === 'receive') attrs.push('optional="true"');
    if (req && status >= 200) req.final = status;
    if (
      req &&
      DIALOG_CREATING.has(req.method) &&
      status >= 200 &&
      status < 300 &&
      !st.established
    ) {
      attrs.push('rrs="true"');
      st.established = true;
      st.remoteTarget = true;
    }
    out.push(comment('  ', [cite(it, it.text)]));
    out.push(`  <recv ${attrs.join(' ')}/>`);
  });
  const lastSip = [...items].reverse().find((i): i is LocalMessage => i.kind !== 'note');
  if (lastSip?.kind === 'send' && lastSip.sip.type === 'response') {
    out.push(comment('  ', ['stay a moment to answer a retransmitted request (RFC 3261 17.2.1)']));
    out.push('  <timewait milliseconds="500"/>');
  }
  return { elements: out, role: st.role };
}
