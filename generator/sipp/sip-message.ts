/**
 * The text of the SIP messages a scenario sends. Dialog and transaction
 * headers come from SIPp keywords (RFC 3261 8.1.1, 8.2.6, 12.2.1, 9.1,
 * 17.1.1.3); the rest from the flow's normative values.
 */
import type { Flow } from '../model/flow-model.js';
import { SIP_REASONS } from '../model/vocabulary.js';
import { CallState, DIALOG_CREATING, WITH_CONTACT, type SentRequest } from './call-state.js';
import type { LocalMessage } from './local-part.js';
import { normativeContent, resolveValue } from './normative-values.js';

/** A message to send, and comments on what the flow asked that it does not carry. */
export interface BuiltMessage {
  readonly text: string;
  readonly notes: readonly string[];
}

function finish(start: string[], m: LocalMessage, flow: Flow): BuiltMessage {
  const content = normativeContent(m.step, flow);
  const lines = [...start, ...content.headers, 'Content-Length: [len]', ''];
  if (content.body !== undefined) lines.push(content.body);
  return { text: lines.join('\n'), notes: content.notes };
}

/** Builds a request the participant sends, and records it in the call state. */
export function buildRequest(
  m: LocalMessage,
  method: string,
  st: CallState,
  flow: Flow,
): BuiltMessage {
  const via = (branch: string): string =>
    `Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch}`;
  const from = `From: <${st.localUri}>;tag=${st.localTag}`;
  const inv = st.lastInvite;
  const lines: string[] = [];
  // CANCEL and the ACK of a non-2xx final response belong to the INVITE's transaction:
  // same Request-URI, branch, From, To (tagged for the ACK) and CSeq number (RFC 3261 9.1, 17.1.1.3).
  if ((method === 'CANCEL' || (method === 'ACK' && (inv?.final ?? 200) >= 300)) && inv) {
    const to = method === 'ACK' ? `${inv.to}[peer_tag_param]` : inv.to;
    lines.push(`${method} ${inv.requestUri} SIP/2.0`, via(inv.branch), from, `To: ${to}`);
    lines.push('Call-ID: [call_id]', `CSeq: ${inv.cseq} ${method}`, 'Max-Forwards: 70');
    return finish(lines, m, flow);
  }
  const inDialog = st.established || st.role === 'callee';
  const given = m.step.requestUri ? resolveValue(m.step.requestUri, flow) : undefined;
  const requestUri =
    inDialog && st.remoteTarget ? '[next_url]' : given?.ok ? given.text : st.remoteUri;
  const branch = st.nextBranch();
  const cseq = method === 'ACK' && inv ? inv.cseq : st.nextCseq();
  const to = `<${st.remoteUri}>`;
  lines.push(`${method} ${requestUri} SIP/2.0`, via(branch));
  // In a dialog the route set recorded from Record-Route is used (RFC 3261 12.2.1.1).
  if (inDialog && st.remoteTarget) lines.push('[routes]');
  lines.push(from, `To: ${to}${inDialog ? '[peer_tag_param]' : ''}`, 'Call-ID: [call_id]');
  lines.push(`CSeq: ${cseq} ${method}`);
  if (WITH_CONTACT.has(method)) lines.push(`Contact: <${st.localUri};transport=[transport]>`);
  lines.push('Max-Forwards: 70');
  const sent: SentRequest = { method, cseq, branch, requestUri, to };
  st.sent.set(m.transaction, sent);
  if (method === 'INVITE') st.lastInvite = sent;
  return finish(lines, m, flow);
}

/** Builds a response the participant sends to a request it received (RFC 3261 8.2.6). */
export function buildResponse(
  m: LocalMessage,
  status: number,
  reason: string | undefined,
  st: CallState,
  flow: Flow,
): BuiltMessage {
  const req = st.received.get(m.transaction);
  const c = req?.capture;
  // A response to a dialog-initial request (or to its CANCEL) gets the UAS's tag (RFC 3261 8.2.6.2, 9.2).
  const tag =
    req?.method === 'CANCEL' || (!st.established && st.role === 'callee')
      ? `;tag=${st.localTag}`
      : '';
  const lines = [`SIP/2.0 ${status} ${reason ?? SIP_REASONS[status] ?? 'Unknown'}`];
  if (c !== undefined && req) {
    // The captured Via lines, header names included (scenario-writer.ts).
    lines.push(`[$${c}_via]`, `From: [$${c}_from]`, `To: [$${c}_to]${tag}`);
    lines.push('Call-ID: [call_id]', `CSeq: [$${c}_cseq] ${req.method}`);
  } else {
    lines.push(
      '[last_Via:]',
      '[last_From:]',
      `[last_To:]${tag}`,
      '[last_Call-ID:]',
      '[last_CSeq:]',
    );
  }
  const method = req?.method ?? '';
  // A response that may establish a dialog copies the request's Record-Route (RFC 3261 12.1.1):
  // the caller's route set, so its ACK and BYE pass the record-routing proxies too.
  if (DIALOG_CREATING.has(method) && status > 100 && status < 300 && !st.established) {
    if (c === undefined) lines.push('[last_Record-Route:]');
    else if (req?.recordRoute) lines.push(`[$${c}_rr]`);
  }
  if (WITH_CONTACT.has(method) && status > 100 && status < 300) {
    lines.push(`Contact: <${st.localUri};transport=[transport]>`);
  }
  if (DIALOG_CREATING.has(method) && status >= 200 && status < 300) st.established = true;
  return finish(lines, m, flow);
}
