/** The pure text checks lint and import-text share. */
import { describe, expect, it } from 'vitest';
import {
  figureRefs,
  identityTokens,
  labelsAgree,
  parseTitleHop,
  residueIn,
  sameIdentity,
  sentenceEnds,
  statusIssues,
  uriWhitespace,
} from '../../generator/lint/text-patterns.js';

describe('text patterns', () => {
  it('reads who a sentence says sends and receives', () => {
    expect(sentenceEnds('The PoC Server A sends the SIP BYE request to SIP/IP Core A.')).toEqual({
      actor: 'PoC Server A',
      recipient: 'SIP/IP Core A',
      via: 'to',
      sendsToNobody: false,
    });
    expect(
      sentenceEnds('SIP/IP Core A routes the request to SIP/IP Core of CPM User B’s network.')
        .recipient,
    ).toBe('SIP/IP Core of CPM User B’s network');
    expect(
      sentenceEnds('The PoC Server sends a SIP NOTIFY request towards the PoC Client A.').via,
    ).toBe('towards');
    expect(
      sentenceEnds('The SIP/IP Core B sends the 200 "OK" response the PoC Server B.').sendsToNobody,
    ).toBe(true);
  });

  it('compares labels, a bare kind fitting a lettered one', () => {
    expect(labelsAgree('PoC Server', 'PoC Server A')).toBe(true);
    expect(labelsAgree('SIP/IP core B', 'SIP/IP Core B')).toBe(true);
    expect(labelsAgree('SIP/IP Core of CPM User B’s network', 'SIP/IP Core B')).toBe(true);
    expect(labelsAgree('PoC Server A', 'SIP/IP Core A')).toBe(false);
  });

  it('parses a heading hop', () => {
    expect(parseTitleHop('SIP REFER request (from the PoC Client A to SIP/IP Core A)')).toEqual({
      what: 'SIP REFER request',
      from: 'PoC Client A',
      to: 'SIP/IP Core A',
    });
    expect(parseTitleHop('On-going PoC Session')).toBeUndefined();
  });

  it('finds residue, white space in URIs and statuses that are not statuses', () => {
    expect(residueIn('[bookmark: _GoBack]<sip:a@b>').map((i) => i.evidence)).toEqual([
      '[bookmark: _GoBack]',
    ]);
    expect(residueIn('sends theMBCP message').map((i) => i.evidence)).toEqual(['theMBCP']);
    expect(residueIn('along the same signalling path,', true)).toHaveLength(1);
    expect(residueIn('along the same signalling path,', false)).toHaveLength(0);
    expect(uriWhitespace('sip:PoC-Session-Identity1@PoC-ServerX.networkX.net;gr', true)).toEqual(
      [],
    );
    expect(uriWhitespace('me0s2; remote-tag=7; local-tag=6', false)).toEqual([]);
    expect(uriWhitespace('sip:x@host.net; gr=urn:uuid:1', true).map((i) => i.evidence)).toEqual([
      't.net; gr=urn',
    ]);
    expect(statusIssues('SIP 200 "OK" response')).toEqual([]);
    expect(statusIssues('SIP 202 200 "AcceptedOK"')).toHaveLength(2);
    expect(statusIssues('SIP/2.0 200 OK')).toEqual([]);
  });

  it('finds figure references and identities', () => {
    expect(figureRefs('as shown in Figure 18 “Title A” or Figure 19 "Title B".')).toMatchObject([
      { figure: '18', title: 'Title A' },
      { figure: '19', title: 'Title B' },
    ]);
    expect(identityTokens('sip:PoC-UserB-1@PoCServerB.networkB.net;gr')).toEqual([
      { kind: 'user', token: 'PoC-UserB-1' },
      { kind: 'host', token: 'PoCServerB' },
      { kind: 'host', token: 'networkB' },
    ]);
    expect(sameIdentity('PoCClientAPoC-UsertA', 'PoCClientAPoC-UserA')).toBe(true);
    expect(sameIdentity('PoC-ServerB', 'PoCServerB')).toBe(true);
    expect(sameIdentity('PoC-ServerA', 'PoC-ServerB')).toBe(false);
  });
});
