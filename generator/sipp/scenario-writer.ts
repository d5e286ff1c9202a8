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
 * A POSIX extended regular expression for the run of header lines named by one of `names`
 * (patterns, any case; a compact form among them, RFC 3261 7.3.3): the first such line and those
 * right after it, without the last line's CRLF, as its first sub-expression. The line break
 * before the run anchors it at a line's start (an `X-Via:` line is no Via), and a name may have
 * blanks before its colon (HCOLON, RFC 3261 25.1). SIPp assigns the whole match to the first
 * variable of `assign_to` and the run to the second; inserted as one line of a message, the run
 * gives every line of it.
 */
function headerLines(names: readonly string[]): string {
  const name = names.length === 1 ? (names[0] ?? '') : `(${names.join('|')})`;
  const line = `${name}[[:blank:]]*:[^[:cntrl:]]*`;
  return `[[:cntrl:]](${line}([[:cntrl:]]+${line})*)`;
}

/** The `<ereg>` that captures a run of header lines (see {@link headerLines}) into `variable`. */
function captureLines(names: readonly string[], variable: string, whole: string[]): string {
  whole.push(`${variable}_match`);
  return `      <ereg regexp="${headerLines(names)}" search_in="msg" assign_to="${variable}_match,${variable}"/>`;
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
  /** Variables given a whole match that only its sub-expression is wanted from. */
  const wholeMatches: string[] = [];
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
          captureLines(['[Vv][Ii][Aa]', '[Vv]'], `${p}_via`, wholeMatches),
          `      <ereg regexp="[^ ].*" search_in="hdr" header="From:" assign_to="${p}_from"/>`,
          `      <ereg regexp="[^ ].*" search_in="hdr" header="To:" assign_to="${p}_to"/>`,
          `      <ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="${p}_cseq"/>`,
          ...(recordRoute
            ? [
                captureLines(
                  ['[Rr][Ee][Cc][Oo][Rr][Dd]-[Rr][Oo][Uu][Tt][Ee]'],
                  `${p}_rr`,
                  wholeMatches,
                ),
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
  // The whole matches are read by no message: SIPp is told they are meant to be used once.
  if (wholeMatches.length > 0) out.push(`  <Reference variables="${wholeMatches.join(',')}"/>`);
  return { elements: out, role: st.role };
}
