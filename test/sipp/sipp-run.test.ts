/**
 * Real runs: pairs of exported scenarios played against each other by SIPp
 * (Debian sip-tester) on 127.0.0.1. Both ends must exit 0 with an empty
 * error log. Skipped when `sipp` is not installed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportSippOptions } from '../../generator/sipp/index.js';
import { RELEASE_FIXTURE, exportFile } from './export-fixtures.js';
import { runPair, sippAvailable } from './sipp-runner.js';

interface Pair {
  readonly name: string;
  readonly file: string;
  readonly uas: ExportSippOptions;
  readonly uac: ExportSippOptions;
}

const poc = (f: string): string => join('flows', 'poc', f);
const ims = (f: string): string => join('flows', 'ims', f);
const cpm = (f: string): string => join('flows', 'cpm', f);

const PAIRS: readonly Pair[] = [
  {
    name: 'fixture release, the Calling UE sends the BYE (two UEs, precondition INVITE/180/200/ACK)',
    file: RELEASE_FIXTURE,
    uas: { participant: 'Called UE' },
    uac: { participant: 'Calling UE' },
  },
  {
    name: 'fixture release, the Called UE sends the BYE (--alt release=2)',
    file: RELEASE_FIXTURE,
    uas: { participant: 'Called UE', alt: new Map([['release', 2]]) },
    uac: { participant: 'Calling UE', alt: new Map([['release', 2]]) },
  },
  {
    name: 'Figure 16: PoC Client A against SIP/IP Core A (peer PoC Client A) as UAS',
    file: poc('leave-on-demand.flow.yaml'),
    uas: { participant: 'SIP/IP Core A', peer: 'PoC Client A' },
    uac: { participant: 'PoC Client A' },
  },
  {
    name: 'CANCEL terminating: PoC Server B against PoC Client B (SIP/IP Core B relays transparently)',
    file: poc('cancel-terminating.flow.yaml'),
    uas: { participant: 'PoC Client B' },
    uac: { participant: 'PoC Server B' },
  },
  {
    name: 'CANCEL terminating: SIP/IP Core B (peer PoC Client B) against PoC Client B',
    file: poc('cancel-terminating.flow.yaml'),
    uas: { participant: 'PoC Client B' },
    uac: { participant: 'SIP/IP Core B', peer: 'PoC Client B' },
  },
  {
    name: 'S-CSCF release, item 2: the S-CSCF (peer Calling UE) sends the BYE to the Calling UE',
    file: ims('scscf-release-calling.flow.yaml'),
    uas: { participant: 'S-CSCF', peer: 'Calling UE' },
    uac: { participant: 'Calling UE' },
  },
  {
    name: 'S-CSCF release, item 3: the S-CSCF (peer Called UE) sends the BYE to the Called UE',
    file: ims('scscf-release-called.flow.yaml'),
    uas: { participant: 'Called UE' },
    uac: { participant: 'S-CSCF', peer: 'Called UE' },
  },
  {
    name: 'CANCEL originating, 487 operand: PoC Client A against SIP/IP Core A (peer PoC Client A)',
    file: poc('cancel-originating.flow.yaml'),
    uas: { participant: 'SIP/IP Core A', peer: 'PoC Client A' },
    uac: { participant: 'PoC Client A' },
  },
  {
    name: 'CANCEL originating, 2xx operand (--alt race=2): ACK, then Figure 16 through the ref',
    file: poc('cancel-originating.flow.yaml'),
    uas: { participant: 'SIP/IP Core A', peer: 'PoC Client A', alt: new Map([['race', 2]]) },
    uac: { participant: 'PoC Client A', alt: new Map([['race', 2]]) },
  },
  {
    name: 'Figure 17: PoC Client A (REFER, NOTIFYs) against SIP/IP Core A (peer PoC Client A)',
    file: poc('leave-pre-established.flow.yaml'),
    uas: { participant: 'SIP/IP Core A', peer: 'PoC Client A' },
    uac: { participant: 'PoC Client A' },
  },
  {
    name: 'Figure 18: PoC Server X against SIP/IP Core X (peer PoC Server X)',
    file: poc('disconnect-on-demand.flow.yaml'),
    uas: { participant: 'SIP/IP Core X', peer: 'PoC Server X' },
    uac: { participant: 'PoC Server X' },
  },
  {
    name: 'CPM Figure 9: CPM Client A against SIP/IP Core A (peer CPM Client A)',
    file: cpm('close-pf-off-media-path.flow.yaml'),
    uas: { participant: 'SIP/IP Core A', peer: 'CPM Client A' },
    uac: { participant: 'CPM Client A' },
  },
  {
    name: 'CPM 8.2.2.3: CPM Client A against the Participating Function A (peer CPM Client A)',
    file: cpm('pf-bye-originating.flow.yaml'),
    uas: { participant: 'CPM Participating Function A', peer: 'CPM Client A' },
    uac: { participant: 'CPM Client A' },
  },
];

describe.skipIf(!sippAvailable())('exported scenarios run against each other in SIPp', () => {
  it.concurrent.each(PAIRS)(
    '$name',
    async (pair) => {
      const uas = await exportFile(pair.file, pair.uas);
      const uac = await exportFile(pair.file, pair.uac);
      expect(uas.mode).toBe('uas');
      expect(uac.mode).toBe('uac');
      const r = await runPair(uas.xml, uac.xml);
      expect(r.errors, 'SIPp error log').toBe('');
      expect(r.uac.code, `UAC exit\n${r.uac.output}`).toBe(0);
      expect(r.uas.code, `UAS exit\n${r.uas.output}`).toBe(0);
    },
    40_000,
  );

  it.concurrent(
    'answers with the INVITE’s Via lines in compact form, a blank before the colon and an X-Via beside them',
    async () => {
      // RFC 3261 7.3.3 (compact `v`), 25.1 (HCOLON), 8.2.6.2 (every Via copied, in order). PoC
      // Client B answers the INVITE after the CANCEL came: its 487 and 180 copy the captured Vias.
      const file = poc('cancel-terminating.flow.yaml');
      const uas = await exportFile(file, { participant: 'PoC Client B' });
      const plain = await exportFile(file, { participant: 'PoC Server B' });
      const invite = /^( *)(Via: SIP\/2\.0\/\[transport\] [^\n]*)$/m;
      expect(plain.xml).toMatch(invite);
      const check = [
        '<action>',
        '<ereg regexp="[[:cntrl:]]v : SIP/2.0/UDP 127.0.0.9:5099;branch=z9hG4bK-proxy[[:cntrl:]]+Via: SIP/2.0/UDP 127.0.0.1:" search_in="msg" check_it="true" assign_to="copied"/>',
        '<ereg regexp="decoy" search_in="msg" check_it_inverse="true" assign_to="decoy"/>',
        '</action>',
      ].join('');
      const uac = plain.xml
        .replace(
          invite,
          (_, indent: string, line: string) =>
            `${indent}X-Via: decoy\n${indent}v : SIP/2.0/UDP 127.0.0.9:5099;branch=z9hG4bK-proxy\n${indent}${line}`,
        )
        .replace(/<recv response="(180|487)"\/>/g, `<recv response="$1">${check}</recv>`)
        .replace('</scenario>', '  <Reference variables="copied,decoy"/>\n</scenario>');
      expect(uac.match(/check_it="true"/g)).toHaveLength(2);
      const r = await runPair(uas.xml, uac);
      expect(r.errors, 'SIPp error log').toBe('');
      expect(r.uac.code, `UAC exit\n${r.uac.output}`).toBe(0);
      expect(r.uas.code, `UAS exit\n${r.uas.output}`).toBe(0);
    },
    40_000,
  );

  it.concurrent(
    'fails when the scenarios do not match (the check has teeth)',
    async () => {
      const uas = await exportFile(RELEASE_FIXTURE, { participant: 'Called UE' });
      const uac = await exportFile(poc('cancel-terminating.flow.yaml'), {
        participant: 'PoC Server B',
      });
      const r = await runPair(uas.xml, uac.xml, 15_000, '3s');
      expect(r.uac.code === 0 && r.uas.code === 0).toBe(false);
      expect(r.errors).not.toBe('');
    },
    20_000,
  );
});
