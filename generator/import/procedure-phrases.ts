/**
 * The phrases procedures use for parties and derived values: "the other CPM
 * entity", "the called user", "a Request-URI, set to the stored Contact header
 * field provided by the called user" (TS 24.229 5.4.5.1.2).
 */

type Mutable = Record<string, unknown>;

/** The party a phrase names, as a participant label. */
export function partyLabel(phrase: string): string | undefined {
  const p = phrase.toLowerCase();
  if (/\biwfs?\b/.test(p)) return 'IWF';
  if (p.includes('other cpm entity')) return 'other CPM entity';
  if (p.includes('cpm client')) return 'CPM Client';
  if (p.includes('poc server')) return 'PoC Server';
  if (p.includes('calling user')) return 'Calling UE';
  if (p.includes('called user')) return 'Called UE';
  if (p.includes('message storage')) return 'Message Storage Server';
  return undefined;
}

/** Derivations TS 24.229 5.4.5.1.2 describes in words, by header. */
export function derivedValue(header: string, text: string): Mutable | undefined {
  const party = /\b(calling|called) user\b/i.exec(text)?.[1]?.toLowerCase();
  const t = text.toLowerCase();
  const note = text;
  if (header === 'Request-URI' && party) {
    const gruu = /gruu/i.test(text);
    const base = `dialog.${party}.contact`;
    return { is: gruu ? `dialog.${party}.contactBinding ?? ${base}` : base, note };
  }
  if (header === 'To' || header === 'From') {
    if (t.includes('to header value as received in the 200 ok'))
      return { is: 'dialog.called.to', note };
    if (t.includes('from header value as received in the initial invite'))
      return { is: 'dialog.calling.from', note };
  }
  if (header === 'Call-ID') return { is: 'dialog.callId', note };
  if (header === 'CSeq') {
    const dir = t.includes('from the calling to the called') ? 'callerToCallee' : 'calleeToCaller';
    const random = t.includes('random') ? ' ?? random(1, 2147483647)' : '';
    return { is: `dialog.cseq.${dir} + 1${random}`, note };
  }
  if (header === 'Route' && party) return { is: `dialog.${party}.route`, note };
  if (header === 'Reason') return { present: true, note };
  return undefined;
}
