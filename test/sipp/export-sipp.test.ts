/**
 * `exportSipp` on the fixture flows: golden scenarios (text in, text out),
 * path choices, preconditions, MBCP and the typed errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IdleParticipantError,
  SippExportError,
  UnknownParticipantError,
  parseAltChoice,
} from '../../generator/sipp/index.js';
import { GOLDEN_DIR, RELEASE_FIXTURE, exportFile } from './export-fixtures.js';

/** Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it. */
function golden(name: string, text: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('export-sipp golden scenarios', () => {
  it('plays the Calling UE (UAC) of the first alt operand, precondition first', async () => {
    const s = await exportFile(RELEASE_FIXTURE, { participant: 'Calling UE' });
    expect(s.mode).toBe('uac');
    expect(s.peers).toEqual(['Called UE']);
    golden('release-two-ue.calling-ue.xml', s.xml);
  });

  it('plays the Called UE (UAS) of the second alt operand: it sends the BYE', async () => {
    const s = await exportFile(RELEASE_FIXTURE, {
      participant: 'calledUe',
      alt: new Map([['release', 2]]),
    });
    expect(s.mode).toBe('uas');
    golden('release-two-ue.called-ue.alt-2.xml', s.xml);
  });
});

describe('export-sipp content', () => {
  it('is deterministic', async () => {
    const a = await exportFile(RELEASE_FIXTURE, { participant: 'Calling UE' });
    const b = await exportFile(RELEASE_FIXTURE, { participant: 'Calling UE' });
    expect(a.xml).toBe(b.xml);
  });

  it('cites flow and step on every send and recv', async () => {
    const { xml } = await exportFile(RELEASE_FIXTURE, { participant: 'Calling UE' });
    const lines = xml.split('\n');
    lines.forEach((l, i) => {
      if (/^\s*<(send|recv) /.test(l) || /^\s*<send>/.test(l)) {
        const before = lines[i - 1] ?? '';
        expect(before).toMatch(/<!-- (sipp\.[a-z.-]+ step \S+:|not in the flow)/);
      }
    });
    expect(xml).toContain(
      '<!-- sipp.release.two-ue step 1: BYE request (from the Calling UE to the Called UE) -->',
    );
  });

  it('writes normative values and SIPp keywords, rrs on the dialog-creating response', async () => {
    const { xml } = await exportFile(RELEASE_FIXTURE, { participant: 'Calling UE' });
    expect(xml).toContain('Privacy: id');
    expect(xml).toContain('Content-Type: application/sdp');
    expect(xml).toContain('<recv response="200" rrs="true"/>');
    expect(xml).toContain('<recv response="100" optional="true"/>');
    expect(xml).toMatch(/BYE \[next_url\] SIP\/2\.0/);
    expect(xml).toContain('To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]');
    // 180 is drawn by the flow: required, no optional 180 added.
    expect(xml).not.toContain('<recv response="180" optional="true"/>');
    expect(xml).toContain('<recv response="180"/>');
  });

  it('notes MBCP as not playable, and drops it with --without-opt', async () => {
    const kept = await exportFile(RELEASE_FIXTURE, { participant: 'Calling UE' });
    expect(kept.xml).toMatch(
      /step 5: MBCP Disconnect .*not played, SIPp cannot send or receive MBCP/,
    );
    const dropped = await exportFile(RELEASE_FIXTURE, {
      participant: 'Calling UE',
      withoutOpt: new Set(['floor']),
    });
    expect(dropped.xml).not.toContain('MBCP Disconnect');
    expect(dropped.xml).toContain('opt floor: left out');
  });

  it('keeps only the messages with --peer and lists the choices made', async () => {
    const s = await exportFile(join('flows', 'poc', 'leave-on-demand.flow.yaml'), {
      participant: 'SIP/IP Core A',
      peer: 'PoC Client A',
    });
    expect(s.mode).toBe('uas');
    expect(s.peers).toEqual(['PoC Client A']);
    expect(s.xml).toContain('left out, not exchanged with PoC Client A');
    expect(s.decisions.map((d) => `${d.kind} ${d.step} ${d.chosen}`)).toContain('opt 12 1');
  });

  it('captures the INVITE headers when its 487 follows a CANCEL', async () => {
    const { xml } = await exportFile(join('flows', 'poc', 'cancel-terminating.flow.yaml'), {
      participant: 'PoC Client B',
    });
    expect(xml).toContain('assign_to="req1_cseq"');
    expect(xml).toContain('CSeq: [$req1_cseq] INVITE');
  });
});

describe('export-sipp errors', () => {
  it('names the participants when the participant is unknown', async () => {
    const e = await exportFile(RELEASE_FIXTURE, { participant: 'Nobody' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnknownParticipantError);
    expect((e as Error).message).toContain(
      'callingUe (Calling UE), calledUe (Called UE), observer (Observer)',
    );
  });

  it('refuses a participant that does nothing in the flow', async () => {
    const e = await exportFile(RELEASE_FIXTURE, { participant: 'Observer' }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(IdleParticipantError);
    expect((e as Error).message).toContain('sipp.release.two-ue (participant Observer)');
  });

  it('refuses an alt operand out of range or a step that is no alt', async () => {
    const out = await exportFile(RELEASE_FIXTURE, {
      participant: 'Calling UE',
      alt: new Map([['release', 3]]),
    }).catch((x: unknown) => x);
    expect(out).toBeInstanceOf(SippExportError);
    expect((out as Error).message).toContain('out of range (1..2)');
    const none = await exportFile(RELEASE_FIXTURE, {
      participant: 'Calling UE',
      alt: new Map([['nope', 1]]),
    }).catch((x: unknown) => x);
    expect((none as Error).message).toContain('no alt or opt step "nope"');
  });

  it('parses STEP=N', () => {
    expect(parseAltChoice('poc.x:alt@steps.1=2')).toEqual(['poc.x:alt@steps.1', 2]);
    expect(() => parseAltChoice('release')).toThrow(SippExportError);
    expect(() => parseAltChoice('release=0')).toThrow(SippExportError);
  });
});

describe('export-sipp: Record-Route in the answers that establish a dialog (RFC 3261 12.1.1)', () => {
  it('copies the INVITE’s Record-Route, captured when the answer comes after other messages', async () => {
    // PoC Client B of the terminating CANCEL whose 2xx crosses it: INVITE, 180, CANCEL, 200 for
    // the CANCEL, then the 200 for the INVITE (built from what was captured with the INVITE).
    const s = await exportFile('flows/poc/cancel-terminating.flow.yaml', {
      participant: 'PoC Client B',
      alt: new Map([['final', 2]]),
    });
    expect(s.mode).toBe('uas');
    // Every line of the run of Record-Route (and Via) lines, header names included.
    // Anchored at a line's start, any case, blanks before the colon, Via's compact form.
    const rr = '[Rr][Ee][Cc][Oo][Rr][Dd]-[Rr][Oo][Uu][Tt][Ee][[:blank:]]*:[^[:cntrl:]]*';
    expect(s.xml).toContain(
      `<ereg regexp="[[:cntrl:]](${rr}([[:cntrl:]]+${rr})*)" search_in="msg" assign_to="req1_rr_match,req1_rr"/>`,
    );
    const via = '([Vv][Ii][Aa]|[Vv])[[:blank:]]*:[^[:cntrl:]]*';
    expect(s.xml).toContain(
      `<ereg regexp="[[:cntrl:]](${via}([[:cntrl:]]+${via})*)" search_in="msg" assign_to="req1_via_match,req1_via"/>`,
    );
    // The whole matches are named once, and SIPp told so.
    expect(s.xml).toMatch(/<Reference variables="req1_via_match,req1_rr_match[^"]*"\/>/);
    const responses = s.xml.split('<send>').slice(1);
    const first = (status: string, method: string): string =>
      responses.find((r) => r.includes(`SIP/2.0 ${status}`) && r.includes(` ${method}\n`)) ??
      responses.find((r) => r.includes(`SIP/2.0 ${status}`) && r.includes(method)) ??
      '';
    expect(first('180', 'INVITE')).toContain('[$req1_rr]');
    expect(first('200', '[$req1_cseq] INVITE')).toContain('[$req1_rr]');
    // The CANCEL's 200 and the BYE's establish nothing: no Record-Route.
    const others = responses.filter((r) => r.includes('[last_CSeq:]'));
    expect(others.length).toBe(2);
    for (const r of others) expect(r).not.toMatch(/Record-Route|_rr\]/);
  });
});
